"""Reviews API under /api/v1/brands/<brand_id>/reviews/: thin views over services and
selectors. Reads need Action.VIEW, replies and templates Action.EDIT_POSTS; objects of another
brand are 404 because every lookup goes through the brand the mixin resolved."""

from __future__ import annotations

from contextlib import contextmanager

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from connections.providers.base import ProviderError
from core.api import ApiError, BrandScopedMixin, IdCursorPagination
from reviews import selectors, serializers
from reviews.models import ResponseTemplate, Review
from reviews.services import replies, templates
from reviews.services.replies import ReplyError
from reviews.services.templates import TemplateError


@contextmanager
def api_errors():
    try:
        yield
    except ReplyError as error:
        details = {error.field: [error.message]} if error.field else {}
        if error.findings:
            details["findings"] = [f.as_dict() for f in error.findings]
        raise ApiError(error.code, error.message, error.status, details) from None
    except TemplateError as error:
        details = {error.field: [error.message]} if error.field else None
        raise ApiError(error.code, error.message, error.status, details) from None
    except ProviderError as error:
        failed = replies.provider_error(error)
        raise ApiError(failed.code, failed.message, failed.status) from None


class NewestReviewsFirst(IdCursorPagination):
    ordering = ("-reviewed_at", "-id")


class ReviewList(BrandScopedMixin, generics.ListAPIView):
    serializer_class = serializers.ReviewOutput
    pagination_class = NewestReviewsFirst

    def get_queryset(self):
        filters = serializers.ReviewFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return selectors.reviews_for_brand(
            brand=self.brand,
            rating=f.get("rating"),
            min_rating=f.get("min_rating"),
            max_rating=f.get("max_rating"),
            replied=f.get("replied"),
            sentiment=f.get("sentiment"),
            connection_id=f.get("connection"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("rating", int, description="Exactly this many stars (1-5)"),
            OpenApiParameter("min_rating", int),
            OpenApiParameter("max_rating", int),
            OpenApiParameter("replied", bool, description="true: replied; false: unreplied"),
            OpenApiParameter("sentiment", str, enum=["positive", "neutral", "negative"]),
            OpenApiParameter("connection", int, description="One location's reviews"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _ReviewMixin(BrandScopedMixin):
    def get_review(self, review_id) -> Review:
        try:
            return selectors.review_get(brand=self.brand, review_id=review_id)
        except Review.DoesNotExist:
            raise Http404 from None

    def get_template(self, template_id) -> ResponseTemplate:
        try:
            return selectors.template_get(brand=self.brand, template_id=template_id)
        except ResponseTemplate.DoesNotExist:
            raise Http404 from None


class ReviewDetail(_ReviewMixin, APIView):
    @extend_schema(responses=serializers.ReviewOutput)
    def get(self, request, brand_id, review_id):
        return Response(serializers.ReviewOutput(self.get_review(review_id)).data)


class ReviewReply(_ReviewMixin, APIView):
    @extend_schema(
        request=serializers.ReplyInput,
        responses=serializers.ReviewOutput,
        description=(
            "Reply to the review on the platform (replacing any earlier reply). Send `text`, or "
            "`template_id`, or neither to use the brand's template for the review's rating; "
            "{reviewer_name}, {brand} and {location} are filled in. The text is checked like a "
            "post (length, profanity, toxicity, PII): a refused reply is a 422 whose details "
            "list the findings."
        ),
    )
    def post(self, request, brand_id, review_id):
        review = self.get_review(review_id)
        data = serializers.ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = None
        if "template_id" in data.validated_data:
            try:
                template = selectors.template_get(
                    brand=self.brand, template_id=data.validated_data["template_id"]
                )
            except ResponseTemplate.DoesNotExist:
                raise ApiError(
                    "unknown_template", "Unknown template.", 400,
                    {"template_id": ["Unknown template."]},
                ) from None  # fmt: skip
        with api_errors():
            replies.review_reply(
                review=review, actor=request.user, text=data.validated_data.get("text"),
                template=template, request=request,
            )  # fmt: skip
        return Response(serializers.ReviewOutput(self.get_review(review_id)).data)


class TemplateList(_ReviewMixin, generics.GenericAPIView):
    serializer_class = serializers.TemplateOutput

    def get_queryset(self):
        return selectors.templates_for_brand(brand=self.brand)

    @extend_schema(responses=serializers.TemplateOutput(many=True))
    def get(self, request, brand_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(serializers.TemplateOutput(page, many=True).data)

    @extend_schema(request=serializers.TemplateInput, responses={201: serializers.TemplateOutput})
    def post(self, request, brand_id):
        data = serializers.TemplateInput(data=request.data)
        data.is_valid(raise_exception=True)
        with api_errors():
            template = templates.template_create(
                brand=self.brand, actor=request.user, request=request, **data.validated_data
            )
        return Response(serializers.TemplateOutput(template).data, status=status.HTTP_201_CREATED)


class TemplateDetail(_ReviewMixin, APIView):
    @extend_schema(responses=serializers.TemplateOutput)
    def get(self, request, brand_id, template_id):
        return Response(serializers.TemplateOutput(self.get_template(template_id)).data)

    @extend_schema(request=serializers.TemplateInput, responses=serializers.TemplateOutput)
    def patch(self, request, brand_id, template_id):
        template = self.get_template(template_id)
        data = serializers.TemplateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with api_errors():
            templates.template_update(
                template=template, actor=request.user, request=request, **data.validated_data
            )
        return Response(serializers.TemplateOutput(template).data)

    @extend_schema(responses={204: None})
    def delete(self, request, brand_id, template_id):
        templates.template_delete(
            template=self.get_template(template_id), actor=request.user, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
