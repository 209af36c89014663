"""Metrics synced back from the platforms: the latest numbers per post, per-account days, and
one sync cursor per connection (where the backfill/incremental walk stands and when the next
run is allowed)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PostMetrics(models.Model):
    """The latest metrics of one platform post (ours or not), one row per (connection, post).
    A NULL metric means the platform does not report it (or did not this time: see
    `unavailable`); it is never stored as 0."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "connections.PlatformConnection", on_delete=models.CASCADE, related_name="post_metrics"
    )
    platform = models.CharField(max_length=32)
    platform_post_id = models.CharField(max_length=255)
    # Our job when the post was published through us.
    publish_job = models.ForeignKey(
        "publishing.PublishJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="metrics",
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    permalink = models.URLField(max_length=1000, blank=True)

    views = models.BigIntegerField(null=True, blank=True)  # views / impressions
    reach = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)  # likes / reactions
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)  # shares / reposts
    saves = models.BigIntegerField(null=True, blank=True)
    clicks = models.BigIntegerField(null=True, blank=True)
    video_views = models.BigIntegerField(null=True, blank=True)
    # Metric fields the platform normally reports but did not for this post (removed metric,
    # empty answer); they are NULL above.
    unavailable = models.JSONField(default=list, blank=True)
    raw = models.JSONField(default=dict, blank=True)  # the platform's payload, for reference
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "platform_post_id"], name="postmetrics_one_per_post"
            )
        ]
        indexes = [
            models.Index(fields=["brand", "-posted_at"], name="postmetrics_brand_posted"),
            models.Index(
                fields=["publish_job"],
                condition=Q(publish_job__isnull=False),
                name="postmetrics_job",
            ),
        ]
        ordering = ["-posted_at", "-id"]
        verbose_name = "post metrics"
        verbose_name_plural = "post metrics"

    def __str__(self) -> str:
        return f"{self.platform} post {self.platform_post_id}"


class AccountDailyMetrics(models.Model):
    """One account-level day where the platform offers them (Google Performance API per
    location, Facebook Page and Instagram account insights). `values` maps the platform's
    metric names to numbers; a name in `unavailable` came back empty."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "connections.PlatformConnection", on_delete=models.CASCADE, related_name="daily_metrics"
    )
    platform = models.CharField(max_length=32)
    day = models.DateField()
    values = models.JSONField(default=dict, blank=True)
    unavailable = models.JSONField(default=list, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "day"], name="dailymetrics_one_per_day")
        ]
        indexes = [models.Index(fields=["brand", "day"], name="dailymetrics_brand_day")]
        ordering = ["-day"]
        verbose_name = "account daily metrics"
        verbose_name_plural = "account daily metrics"

    def __str__(self) -> str:
        return f"{self.platform} {self.connection_id} {self.day}"


class SyncKind(models.TextChoices):
    BACKFILL = "backfill", "90-day backfill"
    INCREMENTAL = "incremental", "Incremental"


class SyncCursor(models.Model):
    """Where one connection's analytics sync stands. `state` holds the run in progress (its
    time window and the platform's page token after the last stored page), so a run stopped
    by a rate limit resumes exactly there. `next_allowed_at` is when the next run may start:
    after a rate-limit reset, or the next incremental slot; each connection has its own, so
    one account's limit never holds up another's."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    connection = models.OneToOneField(
        "connections.PlatformConnection", on_delete=models.CASCADE, related_name="analytics_cursor"
    )
    kind = models.CharField(max_length=16, choices=SyncKind.choices, default=SyncKind.BACKFILL)
    state = models.JSONField(default=dict, blank=True)  # {} between runs
    backfill_done_at = models.DateTimeField(null=True, blank=True)
    # End of the last completed window: the next incremental starts a little before it.
    synced_until = models.DateTimeField(null=True, blank=True)
    next_allowed_at = models.DateTimeField(null=True, blank=True)  # NULL: not scheduled
    leased_until = models.DateTimeField(null=True, blank=True)  # a worker is running it
    failures = models.PositiveIntegerField(default=0)  # consecutive failed runs (backoff)
    last_outcome = models.CharField(max_length=16, blank=True)
    last_error = models.TextField(blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_allowed_at"],
                condition=Q(next_allowed_at__isnull=False),
                name="synccursor_due",
            )
        ]
        verbose_name = "analytics sync cursor"

    def __str__(self) -> str:
        return f"analytics cursor for connection {self.connection_id} ({self.kind})"
