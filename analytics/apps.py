from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Post and account metrics synced back from the platforms (issue 7)."""

    name = "analytics"
