"""Sandbox control endpoints that send signed webhook deliveries to us (issue 7)."""

from django.urls import path

from sandbox.webhooks import views

urlpatterns = [
    path("_control/webhooks/subscribe", views.subscribe, name="sandbox-webhooks-subscribe"),
    path("_control/webhooks/deliveries", views.deliveries, name="sandbox-webhooks-deliveries"),
    path("_control/webhooks/deauthorize", views.deauthorize, name="sandbox-webhooks-deauthorize"),
    path(
        "_control/webhooks/data-deletion",
        views.data_deletion,
        name="sandbox-webhooks-data-deletion",
    ),
]
