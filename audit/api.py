"""GET /api/v1/brands/<brand_id>/reports/compliance.csv?from=YYYY-MM-DD&to=YYYY-MM-DD"""

from __future__ import annotations

from datetime import date

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from audit import compliance
from core.api import ApiError, BrandScopedMixin

MAX_DAYS = 3660


def _date(request, name: str) -> date:
    value = request.query_params.get(name, "")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            "invalid", f"`{name}` must be a date like 2025-01-31.", details={name: [value]}
        ) from None


def compliance_response(brand, since: date, until: date) -> StreamingHttpResponse:
    """Shared by the API and the admin: the streamed CSV for one brand and day range."""
    start, end = compliance.day_range(since, until)
    posts = compliance.published_posts(brand=brand, since=start, until=end)
    response = StreamingHttpResponse(
        compliance.csv_lines(compliance.report_rows(posts)), content_type="text/csv"
    )
    filename = compliance.report_filename(brand, since, until)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ComplianceReport(BrandScopedMixin, APIView):
    @extend_schema(
        operation_id="brands_reports_compliance_csv",
        summary="Compliance report (CSV)",
        description=(
            "Every post of the brand with a target published between `from` and `to` (UTC "
            "days, both included): text, targets, permalinks, creator, publish times, latest "
            "validation findings and the compliance packs in force. Streamed."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, one row a post")
        },
    )
    def get(self, request, brand_id):
        since, until = _date(request, "from"), _date(request, "to")
        if until < since:
            raise ApiError("invalid_range", "`to` is before `from`.")
        if (until - since).days > MAX_DAYS:
            raise ApiError("range_too_long", f"At most {MAX_DAYS} days per report.")
        return compliance_response(self.brand, since, until)
