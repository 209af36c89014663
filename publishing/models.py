"""Posts, their per-account publish jobs, attempts, job events and media.

A job's `status` is changed only by publishing.state (conditional UPDATEs); nothing else
assigns it. A post's status is derived from its jobs (see state.post_status).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from audit.models import AppendOnlyModel
from validation.types import MediaSpec


class JobStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    QUEUED = "queued", "Queued"
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    RETRYING = "retrying", "Retrying"
    RECONCILING = "reconciling", "Reconciling"
    PAUSED = "paused", "Paused (reconnect needed)"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class GooglePostType(models.TextChoices):
    STANDARD = "STANDARD", "Standard"
    EVENT = "EVENT", "Event"
    OFFER = "OFFER", "Offer"


class ReviewStatus(models.TextChoices):
    NONE = "", "Not needed"
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


def media_upload_to(instance, filename: str) -> str:
    """A random name: the file is public (platforms fetch it) but nobody can guess the URL of
    another brand's unpublished asset from its original file name."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"media/{uuid.uuid4().hex}{suffix}"


class MediaAsset(models.Model):
    """An uploaded file or a remote URL, served at `public_url` for platforms that fetch."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=media_upload_to, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    mime = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    alt_text = models.CharField(max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.mime} #{self.pk}"

    @property
    def kind(self) -> str:
        return self.mime.split("/", 1)[0]

    def media_spec(self) -> MediaSpec:
        """What validation checks of this attachment (a GIF is its own type on the platforms
        that animate it)."""
        return MediaSpec(
            type="gif" if self.mime == "image/gif" else self.kind,
            mime=self.mime,
            width=self.width,
            height=self.height,
            size_bytes=self.size_bytes,
            duration_s=self.duration_s,
        )

    @property
    def public_url(self) -> str:
        if self.file:
            return settings.PUBLIC_BASE_URL.rstrip("/") + "/" + self.file.url.lstrip("/")
        return self.source_url


class Post(models.Model):
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    # {"x": "shorter text", ...}: replaces `text` for that platform.
    text_overrides = models.JSONField(default=dict, blank=True)
    link = models.URLField(max_length=2000, blank=True)
    media = models.ManyToManyField(MediaAsset, through="PostMedia", blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # X: split the text on blank lines into a reply chain.
    x_thread = models.BooleanField(default=False)
    google_post_type = models.CharField(
        max_length=16, choices=GooglePostType.choices, default=GooglePostType.STANDARD
    )
    # EVENT/OFFER details: {"title", "start", "end", "coupon_code", "terms", "cta_type", ...}
    google_details = models.JSONField(default=dict, blank=True)
    # Human review (validation findings that need it): approval is tied to the exact content.
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.NONE, blank=True
    )
    pending_action = models.CharField(max_length=16, blank=True)  # publish_now|schedule|retry
    approved_content_hash = models.CharField(max_length=64, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Post #{self.pk}"

    def text_for(self, platform: str) -> str:
        return self.text_overrides.get(platform) or self.text

    def attachments(self) -> list[PostMedia]:
        """The media rows with their assets, in order: the rows a caller prefetched (the worker
        reads them twice per job, see execution.job_execute), else one query."""
        if "post_media" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.post_media.all())
        return list(self.post_media.select_related("asset"))


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_media")
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "asset"], name="postmedia_unique_asset")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.asset_id}"


class PublishJob(models.Model):
    """One post to one connected account. Published at most once."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="jobs")
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "connections.PlatformConnection", on_delete=models.PROTECT, related_name="publish_jobs"
    )
    platform = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.DRAFT)
    attempts = models.PositiveIntegerField(default=0)
    # Due time for scheduled / retrying / reconciling jobs; re-kick time for queued ones.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=64, blank=True)
    last_error_message = models.TextField(blank=True)
    platform_post_id = models.CharField(max_length=255, blank=True)
    permalink = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # When the platform told us (webhook) that the published post was deleted there.
    platform_deleted_at = models.DateTimeField(null=True, blank=True)
    # Container ids, upload ids, posted thread tweet ids: saved the moment they are known.
    platform_ids = models.JSONField(default=dict, blank=True)
    refreshed_token = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="publishjob_due"),
            models.Index(fields=["brand", "status"], name="publishjob_brand_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "connection"], name="publishjob_one_per_target")
        ]

    def __str__(self) -> str:
        return f"Job #{self.pk} ({self.platform}, {self.status})"


class PublishAttempt(models.Model):
    job = models.ForeignKey(PublishJob, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, default="publish")  # publish | reconcile
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Attempt {self.number} of job {self.job_id}: {self.outcome}"


class JobEvent(AppendOnlyModel):
    """One status change of one job; stored first, then pushed to the brand's websocket."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(PublishJob, on_delete=models.CASCADE, related_name="events")
    post_id = models.BigIntegerField()
    platform = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16)
    attempt = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    permalink = models.URLField(max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["brand", "id"], name="jobevent_brand_id")]

    def as_message(self) -> dict:
        return {
            "event_id": self.pk,
            "job_id": self.job_id,
            "post_id": self.post_id,
            "platform": self.platform,
            "from_status": self.from_status,
            "status": self.status,
            "attempt": self.attempt,
            "error": {"code": self.error_code, "message": self.error_message}
            if self.error_code
            else None,
            "permalink": self.permalink,
            "time": self.created_at.isoformat(),
        }


class ConnectionThrottle(models.Model):
    """Per-account "blocked until" from a rate-limit reset: one limited account delays only
    its own jobs."""

    connection = models.OneToOneField(
        "connections.PlatformConnection", on_delete=models.CASCADE, related_name="+"
    )
    blocked_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"connection {self.connection_id} blocked until {self.blocked_until}"
