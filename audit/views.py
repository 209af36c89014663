"""Thin views: the staff dashboard (figures come from audit.dashboard)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse

from audit.admin_tools import staff_brands
from audit.charts import bar_chart
from audit.dashboard import dashboard_for


def compliance_csv(request: HttpRequest) -> HttpResponse:
    """The compliance CSV for one brand the staff user may watch (form on the dashboard)."""
    from datetime import date

    from audit.api import compliance_response

    brand = staff_brands(request.user).filter(pk=request.GET.get("brand") or 0).first()
    try:
        since = date.fromisoformat(request.GET.get("from", ""))
        until = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        since = until = None
    if brand is None or since is None or until < since:
        return HttpResponseBadRequest("Pick a brand and a valid date range.")
    return compliance_response(brand, since, until)


def dashboard(request: HttpRequest) -> HttpResponse:
    brands = staff_brands(request.user)
    brand_id = request.GET.get("brand", "")
    # A brand the user may not watch is treated as "not found": fall back to all of theirs.
    brand = brands.filter(pk=brand_id).first() if brand_id.isdigit() else None
    board = dashboard_for(brands=brands, brand=brand)
    context = {
        **admin.site.each_context(request),
        "title": "Publishing dashboard",
        "board": board,
        "brands": list(brands.order_by("name")),
        "chart": bar_chart(board.per_hour),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


dashboard_view = admin.site.admin_view(dashboard)
compliance_csv_view = admin.site.admin_view(compliance_csv)
