"""Google Business Profile reviews of a brand's locations, and the brand's reply templates.

A Review mirrors one review on the platform (synced; Google is the source of truth for the
rating, text and any reply). Our own writes are replies, made through reviews.services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

STARS = [MinValueValidator(1), MaxValueValidator(5)]


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class Review(models.Model):
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="reviews")
    connection = models.ForeignKey(
        "connections.PlatformConnection", on_delete=models.CASCADE, related_name="reviews"
    )
    platform = models.CharField(max_length=32, default="google_business")
    platform_review_id = models.CharField(max_length=200)
    # 1-5; null when the platform gives no rating (Google's STAR_RATING_UNSPECIFIED).
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=STARS)
    text = models.TextField(blank=True)
    reviewer_name = models.CharField(max_length=300, blank=True)
    reviewed_at = models.DateTimeField()  # the platform's createTime
    review_updated_at = models.DateTimeField(null=True, blank=True)
    reply_text = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    sentiment = models.CharField(max_length=16, choices=Sentiment.choices)
    sentiment_score = models.FloatField(default=0.0)  # -1 (negative) .. 1 (positive)
    first_synced_at = models.DateTimeField(auto_now_add=True)
    last_synced_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "platform_review_id"], name="review_unique_per_connection"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="review_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "-reviewed_at", "-id"], name="review_brand_time"),
            models.Index(fields=["brand", "rating"], name="review_brand_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.rating or '?'}★ review by {self.reviewer_name or 'anonymous'}"

    @property
    def replied(self) -> bool:
        return bool(self.reply_text)


class ResponseTemplate(models.Model):
    """A reply a brand reuses for reviews rated min_rating..max_rating. The body may use
    {reviewer_name}, {brand} and {location}."""

    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="review_templates"
    )
    name = models.CharField(max_length=100)
    min_rating = models.PositiveSmallIntegerField(validators=STARS)
    max_rating = models.PositiveSmallIntegerField(validators=STARS)
    body = models.TextField(max_length=4096)
    usage_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["min_rating", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="reviewtemplate_unique_name"),
            models.CheckConstraint(
                condition=models.Q(min_rating__lte=models.F("max_rating")),
                name="reviewtemplate_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_rating}-{self.max_rating}★)"
