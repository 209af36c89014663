"""Public callbacks the platforms call: /webhooks/... (issue 7)."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("<slug:platform>/", views.subscription, name="subscription"),
    path("<slug:platform>/deauthorize/", views.deauthorize, name="deauthorize"),
    path("<slug:platform>/data-deletion/", views.data_deletion, name="data-deletion"),
    path(
        "<slug:platform>/data-deletion/<str:code>/",
        views.data_deletion_status,
        name="data-deletion-status",
    ),
]
