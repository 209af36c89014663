from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Platform webhooks (Meta), deauthorize and data-deletion callbacks (issue 7)."""

    name = "webhooks"
