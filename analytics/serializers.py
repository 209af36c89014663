"""API shapes for post metrics and per-brand summaries."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.models import PostMetrics
from analytics.values import METRIC_FIELDS
from connections.providers import REGISTRY
from core.api import IdField

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30


class RangeInput(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day (brand's time zone)")
    until = serializers.DateField(required=False, help_text="Last day, inclusive")

    def validate(self, attrs):
        zone = self.context["brand"].timezone or "UTC"
        today = timezone.now().astimezone(ZoneInfo(zone)).date()
        until = attrs.get("until") or today
        since = attrs.get("since") or until - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        if since > until:
            raise serializers.ValidationError({"since": "must not be after until"})
        if (until - since).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"since": f"the range is at most {MAX_RANGE_DAYS} days"}
            )
        return {**attrs, "since": since, "until": until}


class PostMetricsFilterInput(RangeInput):
    platform = serializers.ChoiceField(choices=list(REGISTRY), required=False)
    connection = IdField(required=False)


class MetricValues(serializers.Serializer):
    """Each metric, or null where the platform does not report it (never 0 for unknown)."""

    views = serializers.IntegerField(allow_null=True, help_text="Views / impressions")
    reach = serializers.IntegerField(allow_null=True)
    likes = serializers.IntegerField(allow_null=True, help_text="Likes / reactions")
    comments = serializers.IntegerField(allow_null=True)
    shares = serializers.IntegerField(allow_null=True, help_text="Shares / reposts")
    saves = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField(allow_null=True)
    video_views = serializers.IntegerField(allow_null=True)


class PostMetricsOutput(serializers.ModelSerializer):
    metrics = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()

    class Meta:
        model = PostMetrics
        fields = [
            "id",
            "connection",
            "platform",
            "platform_post_id",
            "post",
            "publish_job",
            "posted_at",
            "permalink",
            "metrics",
            "unavailable",
            "fetched_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MetricValues)
    def get_metrics(self, row: PostMetrics) -> dict:
        return {name: getattr(row, name) for name in METRIC_FIELDS}

    @extend_schema_field(OpenApiTypes.INT)
    def get_post(self, row: PostMetrics) -> int | None:
        """Our post's id when it was published through us."""
        return row.publish_job.post_id if row.publish_job_id else None


class PlatformSummary(MetricValues):
    platform = serializers.CharField()
    posts = serializers.IntegerField()


class SummaryOutput(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    platforms = PlatformSummary(many=True)
