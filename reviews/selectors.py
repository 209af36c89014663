"""Review reads, always through a brand."""

from __future__ import annotations

from django.db.models import QuerySet

from reviews.models import ResponseTemplate, Review


def reviews_for_brand(
    *,
    brand,
    rating: int | None = None,
    min_rating: int | None = None,
    max_rating: int | None = None,
    replied: bool | None = None,
    sentiment: str | None = None,
    connection_id: int | None = None,
) -> QuerySet[Review]:
    reviews = Review.objects.filter(brand=brand).select_related("connection")
    if rating is not None:
        reviews = reviews.filter(rating=rating)
    if min_rating is not None:
        reviews = reviews.filter(rating__gte=min_rating)
    if max_rating is not None:
        reviews = reviews.filter(rating__lte=max_rating)
    if replied is not None:
        reviews = reviews.exclude(reply_text="") if replied else reviews.filter(reply_text="")
    if sentiment:
        reviews = reviews.filter(sentiment=sentiment)
    if connection_id is not None:
        reviews = reviews.filter(connection_id=connection_id)
    return reviews


def review_get(*, brand, review_id) -> Review:
    return Review.objects.select_related("connection", "brand").get(brand=brand, pk=review_id)


def templates_for_brand(*, brand) -> QuerySet[ResponseTemplate]:
    return ResponseTemplate.objects.filter(brand=brand)


def template_get(*, brand, template_id) -> ResponseTemplate:
    return ResponseTemplate.objects.select_related("brand").get(brand=brand, pk=template_id)
