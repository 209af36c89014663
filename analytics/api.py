"""/api/v1/brands/<brand_id>/analytics/...: thin views over analytics.selectors."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import selectors, serializers
from core.api import BrandScopedMixin

RANGE_PARAMETERS = [
    OpenApiParameter(
        "since", OpenApiTypes.DATE, description="First day, in the brand's time zone "
        "(default: 29 days before `until`)",
    ),
    OpenApiParameter(
        "until", OpenApiTypes.DATE, description="Last day, inclusive (default: today)"
    ),
]  # fmt: skip


class NewestPostsFirst(CursorPagination):
    ordering = ("-posted_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema(tags=["analytics"])
class PostMetricsList(BrandScopedMixin, generics.ListAPIView):
    """The latest metrics of each of the brand's posts published in the date range, newest
    first. A null metric is one the platform does not report (see `unavailable` for those it
    normally reports but did not)."""

    serializer_class = serializers.PostMetricsOutput
    pagination_class = NewestPostsFirst

    def get_queryset(self):
        filters = serializers.PostMetricsFilterInput(
            data=self.request.query_params, context={"brand": self.brand}
        )
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return selectors.post_metrics_for_brand(
            brand=self.brand,
            since=f["since"],
            until=f["until"],
            platform=f.get("platform"),
            connection_id=f.get("connection"),
        )

    @extend_schema(
        parameters=[
            *RANGE_PARAMETERS,
            OpenApiParameter("platform", str),
            OpenApiParameter("connection", int),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["analytics"])
class AnalyticsSummary(BrandScopedMixin, APIView):
    @extend_schema(
        parameters=RANGE_PARAMETERS,
        responses=serializers.SummaryOutput,
        summary="Per-platform totals of the brand's posts published in the date range",
    )
    def get(self, request, brand_id: int):
        filters = serializers.RangeInput(data=request.query_params, context={"brand": self.brand})
        filters.is_valid(raise_exception=True)
        since, until = filters.validated_data["since"], filters.validated_data["until"]
        rows = selectors.summary_for_brand(brand=self.brand, since=since, until=until)
        body = {"since": since, "until": until, "platforms": rows}
        return Response(serializers.SummaryOutput(body).data)
