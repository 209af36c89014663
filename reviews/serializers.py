"""API shapes. Input serializers parse; output serializers shape. No logic."""

from __future__ import annotations

from rest_framework import serializers

from core.api import IdField
from reviews.models import ResponseTemplate, Review, Sentiment


class ReviewFilterInput(serializers.Serializer):
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    min_rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    max_rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    replied = serializers.BooleanField(required=False, allow_null=True, default=None)
    sentiment = serializers.ChoiceField(choices=Sentiment.choices, required=False)
    connection = IdField(required=False)


class ReviewOutput(serializers.ModelSerializer):
    location = serializers.CharField(source="connection.display_name", read_only=True)
    replied = serializers.BooleanField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id", "connection_id", "location", "platform", "platform_review_id", "rating",
            "text", "reviewer_name", "reviewed_at", "review_updated_at", "sentiment",
            "sentiment_score", "replied", "reply_text", "replied_at", "last_synced_at",
        ]  # fmt: skip


class ReplyInput(serializers.Serializer):
    """`text`, or `template_id`, or neither: the brand's template for the review's rating."""

    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    template_id = IdField(required=False)

    def validate(self, attrs):
        if "text" in attrs and "template_id" in attrs:
            raise serializers.ValidationError({"text": ["Send either text or template_id."]})
        return attrs


class TemplateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    min_rating = serializers.IntegerField(min_value=1, max_value=5)
    max_rating = serializers.IntegerField(min_value=1, max_value=5)
    body = serializers.CharField(max_length=4096, trim_whitespace=False)


class TemplateOutput(serializers.ModelSerializer):
    class Meta:
        model = ResponseTemplate
        fields = [
            "id", "name", "min_rating", "max_rating", "body", "usage_count", "created_at",
            "updated_at",
        ]  # fmt: skip
