"""Staff dashboard and Prometheus metrics (included before the admin in config/urls.py)."""

from django.urls import path

from audit.metrics_view import metrics
from audit.views import compliance_csv_view, dashboard_view

urlpatterns = [
    path("admin/dashboard/", dashboard_view, name="admin-dashboard"),
    path("admin/dashboard/compliance.csv", compliance_csv_view, name="admin-compliance-csv"),
    path("metrics", metrics, name="metrics"),
]
