"""What the platforms push to us, and what we did with it.

`WebhookDelivery` is the received-webhooks audit table (the old `webhook_events_received`):
one row per request, written before anything else happens, never changed. Its processing
status is not a column (that would need an UPDATE of an append-only row): each processing
run appends a `WebhookProcessing` row, and a delivery's status is its latest such row
("pending" while there is none). `ProcessedChange` is the idempotency ledger: one row per
distinct change (entry id, time, field, value) ever applied, inserted in the same transaction
as the change's effects, so a replayed delivery finds its changes already there.

Append-only tables reference each other by id without a database constraint: the retention
command deletes old rows table by table with a raw DELETE, which a foreign-key constraint
between two pruned tables would refuse.
"""

from __future__ import annotations

from django.db import models

from audit.models import AppendOnlyModel


class DeliveryKind(models.TextChoices):
    EVENT = "event", "Webhook event"
    DEAUTHORIZE = "deauthorize", "Deauthorize callback"
    DATA_DELETION = "data_deletion", "Data-deletion callback"


class WebhookDelivery(AppendOnlyModel):
    """One request a platform sent us, stored as received (headers without secrets)."""

    platform = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    headers = models.JSONField(default=dict, blank=True)
    # The raw bytes the signature covers, kept byte for byte (a JSON or text column could
    # not hold every body a client may send).
    body = models.BinaryField()
    body_sha256 = models.CharField(max_length=64, db_index=True)
    signature_valid = models.BooleanField()
    # Why the signature was refused: missing, malformed, mismatch, not_configured.
    signature_error = models.CharField(max_length=32, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # received at

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["platform", "signature_valid"], name="webhookdelivery_result"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.platform} {self.kind} #{self.pk}"

    @property
    def received_at(self):
        return self.created_at

    def body_text(self, limit: int = 20000) -> str:
        return bytes(self.body[:limit]).decode("utf-8", errors="replace")


class ProcessingOutcome(models.TextChoices):
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate (already processed)"
    IGNORED = "ignored", "Nothing for us"
    FAILED = "failed", "Failed"


class WebhookProcessing(AppendOnlyModel):
    """One processing run of a delivery: its outcome and what it changed."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="processing_runs",
    )
    platform = models.CharField(max_length=32)  # the delivery's, for the metrics' grouping
    outcome = models.CharField(max_length=16, choices=ProcessingOutcome.choices)
    changes_applied = models.PositiveIntegerField(default=0)
    changes_ignored = models.PositiveIntegerField(default=0)
    changes_duplicate = models.PositiveIntegerField(default=0)
    records_changed = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["delivery", "-id"], name="webhookprocessing_latest")]

    def __str__(self) -> str:
        return f"delivery {self.delivery_id}: {self.outcome}"


class ProcessedChange(AppendOnlyModel):
    """A change already applied: sha256 of (object, entry id, time, field, value)."""

    key = models.CharField(max_length=64, unique=True)
    platform = models.CharField(max_length=32)
    field = models.CharField(max_length=64)
    delivery_id = models.BigIntegerField()  # the delivery that first carried it
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.platform} {self.field} {self.key[:12]}"


class ActivityKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    MENTION = "mention", "Mention"


class PostActivity(models.Model):
    """A comment on one of our published posts, or a mention of our account, as the platform
    reported it. One row per connection and platform item; a removal keeps the row and sets
    `removed_at`, so counts per job are live comments only."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "connections.PlatformConnection", on_delete=models.CASCADE, related_name="+"
    )
    job = models.ForeignKey(
        "publishing.PublishJob",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity",
    )
    platform = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    item_id = models.CharField(max_length=255)  # the comment id (or the mentioning media id)
    parent_id = models.CharField(max_length=255, blank=True)  # post / media it belongs to
    author_id = models.CharField(max_length=255, blank=True)
    author_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "item_id"], name="postactivity_one_per_item"
            )
        ]
        indexes = [models.Index(fields=["brand", "-id"], name="postactivity_brand")]
        verbose_name_plural = "post activity"

    def __str__(self) -> str:
        return f"{self.platform} {self.kind} {self.item_id}"


class DeletionStatus(models.TextChoices):
    PENDING = "pending", "Received"
    RUNNING = "running", "In progress"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed (will be retried)"


class DataDeletionRequest(models.Model):
    """A platform user's request (through Meta's data-deletion callback) that we delete their
    data. The confirmation code is the only handle the public status page takes."""

    confirmation_code = models.CharField(max_length=32, unique=True)
    platform = models.CharField(max_length=32)
    # The app-scoped user id from the signed request: what finds the user's connections.
    platform_user_id = models.CharField(max_length=255)
    delivery = models.ForeignKey(
        WebhookDelivery,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=DeletionStatus.choices, default=DeletionStatus.PENDING
    )
    connections_affected = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.platform} deletion {self.confirmation_code} ({self.status})"
