"""API shapes. Input serializers parse; output serializers shape. No logic."""

from __future__ import annotations

import zoneinfo

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connections.providers.google_business.details import check_details
from core.api import IdField
from publishing import selectors
from publishing.models import GooglePostType, JobEvent, MediaAsset, Post, PublishAttempt, PublishJob


@extend_schema_field(
    {"type": "string", "format": "date-time", "example": "2026-05-01T09:00:00+02:00"}
)
class AwareDateTimeField(serializers.Field):
    """ISO 8601 with an explicit offset; a naive time is refused (whose 9 o'clock?)."""

    def to_internal_value(self, data):
        value = parse_datetime(data) if isinstance(data, str) else None
        if value is None:
            raise serializers.ValidationError("Use ISO 8601, e.g. 2026-05-01T09:00:00+02:00.")
        if value.tzinfo is None:
            raise serializers.ValidationError(
                "Include a UTC offset, e.g. 2026-05-01T09:00:00+02:00 or ...Z."
            )
        return value

    def to_representation(self, value):
        return value.isoformat()


class PostInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, default="", max_length=70000)
    targets = serializers.ListField(child=IdField(), min_length=1)
    text_overrides = serializers.DictField(child=serializers.CharField(), required=False)
    link = serializers.URLField(required=False, allow_blank=True, default="")
    media = serializers.ListField(child=IdField(), required=False, default=list)
    scheduled_at = AwareDateTimeField(required=False, allow_null=True)
    x_thread = serializers.BooleanField(required=False, default=False)
    google_post_type = serializers.ChoiceField(
        choices=GooglePostType.choices, required=False, default=GooglePostType.STANDARD
    )
    google_details = serializers.DictField(required=False)

    def validate(self, attrs):
        _check_google(attrs, attrs["google_post_type"], attrs.get("link", ""))
        return attrs


def _check_google(attrs, post_type: str | None, link: str | None) -> None:
    """Google details are checked when written, so bad input is a 400 naming the field."""
    errors = check_details(post_type, attrs.get("google_details") or {}, link=link)
    if errors:
        raise serializers.ValidationError({"google_details": errors})


class PostEditInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, required=False, max_length=70000)
    text_overrides = serializers.DictField(child=serializers.CharField(), required=False)
    link = serializers.URLField(required=False, allow_blank=True)
    media = serializers.ListField(child=IdField(), required=False)
    scheduled_at = AwareDateTimeField(required=False)
    x_thread = serializers.BooleanField(required=False)
    google_post_type = serializers.ChoiceField(choices=GooglePostType.choices, required=False)
    google_details = serializers.DictField(required=False)

    def validate(self, attrs):
        # Without both the type and the details in the edit, only their shape can be checked
        # here; the provider checks the whole post again before it sends anything.
        if "google_details" in attrs:
            both = "google_post_type" in attrs
            _check_google(attrs, attrs.get("google_post_type"), attrs.get("link") if both else None)
        return attrs


class JobSummary(serializers.ModelSerializer):
    account = serializers.CharField(source="connection.__str__", read_only=True)

    class Meta:
        model = PublishJob
        fields = [
            "id", "post_id", "connection_id", "account", "platform", "status", "attempts",
            "next_attempt_at", "last_error_code", "last_error_message", "platform_post_id",
            "permalink", "published_at", "created_at", "updated_at",
        ]  # fmt: skip


class PostOutput(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    scheduled_at_local = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()
    jobs = JobSummary(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id", "status", "text", "text_overrides", "link", "media", "scheduled_at",
            "scheduled_at_local", "x_thread", "google_post_type", "google_details", "author_id",
            "review_status", "approved_by_id", "approved_at", "jobs", "created_at", "updated_at",
        ]  # fmt: skip

    def get_status(self, post) -> str:
        return selectors.post_status_of(post)

    def get_scheduled_at_local(self, post) -> str | None:
        if post.scheduled_at is None:
            return None
        return post.scheduled_at.astimezone(zoneinfo.ZoneInfo(post.brand.timezone)).isoformat()

    def get_media(self, post) -> list[int]:
        return [item.asset_id for item in post.post_media.all()]


class AttemptOutput(serializers.ModelSerializer):
    class Meta:
        model = PublishAttempt
        fields = [
            "number", "kind", "started_at", "finished_at", "outcome", "http_status",
            "error_code", "error_message", "duration_ms",
        ]  # fmt: skip


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = JobEvent
        fields = [
            "id", "from_status", "status", "attempt", "error_code", "error_message", "permalink",
            "created_at",
        ]  # fmt: skip


class JobDetail(JobSummary):
    attempts_log = AttemptOutput(source="attempt_rows", many=True, read_only=True)
    events = EventOutput(many=True, read_only=True)
    platform_ids = serializers.SerializerMethodField(
        help_text="Intermediate platform ids (containers, uploads, thread parts); upload URLs "
        "and tokens are never shown."
    )

    def get_platform_ids(self, job) -> dict:
        from publishing.selectors import shown_platform_ids

        return shown_platform_ids(job.platform_ids or {})

    class Meta(JobSummary.Meta):
        fields = JobSummary.Meta.fields + ["platform_ids", "attempts_log", "events"]


class MediaInput(serializers.Serializer):
    file = serializers.FileField(required=False)
    url = serializers.URLField(required=False)
    mime = serializers.CharField(required=False, max_length=100)
    alt_text = serializers.CharField(required=False, allow_blank=True, default="")
    width = serializers.IntegerField(required=False, min_value=1)
    height = serializers.IntegerField(required=False, min_value=1)
    duration_s = serializers.FloatField(required=False, min_value=0)

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError({"file": ["Send either a file or a url."]})
        return attrs


class MediaOutput(serializers.ModelSerializer):
    public_url = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = MediaAsset
        fields = [
            "id", "kind", "mime", "size_bytes", "width", "height", "duration_s", "alt_text",
            "public_url", "created_at",
        ]  # fmt: skip


class JobFilterInput(serializers.Serializer):
    status = serializers.CharField(required=False)
    platform = serializers.CharField(required=False)
    connection = IdField(required=False)
    since = AwareDateTimeField(required=False)
    until = AwareDateTimeField(required=False)
