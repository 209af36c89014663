from __future__ import annotations

from django.db import models


class SandboxPost(models.Model):
    """One post a sandbox platform accepted."""

    platform = models.CharField(max_length=32)
    account_id = models.CharField(max_length=200)  # the author: X user id, Page id, ...
    post_id = models.CharField(max_length=200, unique=True)
    text = models.TextField(blank=True)
    reply_to = models.CharField(max_length=200, blank=True)
    media_ids = models.JSONField(default=list, blank=True)
    payload = models.JSONField(default=dict, blank=True)  # the request body, as received
    # Platform post type where one exists: Google STANDARD/EVENT/OFFER, Instagram CAROUSEL...
    kind = models.CharField(max_length=32, blank=True)
    # What the platform's insights/metrics endpoints report for this post (seeded by tests,
    # the demo and benchmarks); the sandbox never invents numbers the seed did not give.
    metrics = models.JSONField(default=dict, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # deleted on the platform
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["platform", "account_id", "-id"], name="sbxpost_author")]

    def __str__(self) -> str:
        return f"{self.platform} post {self.post_id}"


class SandboxMedia(models.Model):
    """One uploaded media item (X media id, LinkedIn image URN, Instagram container, ...)."""

    platform = models.CharField(max_length=32)
    account_id = models.CharField(max_length=200)
    media_id = models.CharField(max_length=200, unique=True)
    mime = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=32, default="succeeded")
    # Container / upload details (Instagram container fields, LinkedIn upload URL...).
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.platform} media {self.media_id}"
