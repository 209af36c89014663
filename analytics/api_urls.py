"""API routes under /api/v1/ (issue 7)."""

from django.urls import path

from analytics import api

prefix = "brands/<id:brand_id>/analytics/"

urlpatterns = [
    path(f"{prefix}posts/", api.PostMetricsList.as_view(), name="api-analytics-posts"),
    path(f"{prefix}summary/", api.AnalyticsSummary.as_view(), name="api-analytics-summary"),
]
