from django.urls import path

from audit import api

urlpatterns = [
    path(
        "brands/<id:brand_id>/reports/compliance.csv",
        api.ComplianceReport.as_view(),
        name="api-compliance-report",
    ),
]
