from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Google Business Profile reviews, replies and response templates (issue 7)."""

    name = "reviews"
