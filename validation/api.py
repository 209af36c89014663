from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiError, BrandScopedMixin
from tenancy.permissions import Action
from validation import services
from validation.serializers import (
    MAX_BATCH,
    ValidateInputSerializer,
    ValidationReportSerializer,
)
from validation.types import MediaSpec


def _post_input(data: dict) -> services.PostInput:
    return services.PostInput(
        text=data["text"],
        platforms=tuple(data["platforms"]),
        media=tuple(MediaSpec(**m) for m in data["media"]),
        link=data["link"],
        scheduled_at=data["scheduled_at"],
        text_overrides=data["text_overrides"] or None,
        thread=data["thread"],
        autofix=data["autofix"],
    )


class Validate(BrandScopedMixin, APIView):
    """Pre-flight check of one post, or a list of up to 1,000 posts, for a brand.

    Validation writes nothing (it is a linter for drafts); publishing records the runs that
    gate a real submission. It is part of writing posts, so it needs the editor role: the
    findings quote the brand's internal policy (banned phrases, competitor names).
    """

    write_action = Action.EDIT_POSTS

    @extend_schema(
        operation_id="brands_validate",
        request=PolymorphicProxySerializer(
            component_name="ValidateRequest",
            serializers=[ValidateInputSerializer, ValidateInputSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses=PolymorphicProxySerializer(
            component_name="ValidateResponse",
            serializers=[ValidationReportSerializer, ValidationReportSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        examples=[
            OpenApiExample(
                "One post",
                request_only=True,
                value={
                    "text": "New roast today! https://acme.example/roast #coffee",
                    "platforms": ["x", "instagram"],
                    "media": [
                        {"type": "image", "mime": "image/jpeg", "width": 1080, "height": 1350}
                    ],
                    "autofix": True,
                },
            )
        ],
    )
    def post(self, request, brand_id):
        many = isinstance(request.data, list)
        if many and len(request.data) > MAX_BATCH:
            raise ApiError("batch_too_large", f"Send at most {MAX_BATCH} posts per request.")
        data = ValidateInputSerializer(data=request.data, many=many)
        data.is_valid(raise_exception=True)
        posts = [_post_input(d) for d in (data.validated_data if many else [data.validated_data])]
        reports = services.validate_posts(brand=self.brand, posts=posts)
        body = [r.as_dict() for r in reports]
        return Response(body if many else body[0])
