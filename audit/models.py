"""Append-only audit tables. Rows are written once, by services, in the same transaction as
the change they describe; the code refuses updates and deletes, and on PostgreSQL a trigger
does too (migration 0002), so not even raw SQL can rewrite history. Only the retention
command may delete, by setting `audit.allow_retention` for its own transaction."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")

    def delete_for_retention(self) -> int:
        """Only for audit.services.prune_older_than, which also unlocks the database trigger."""
        return self._raw_delete(self.db)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class ActionLog(AppendOnlyModel):
    """Who did what, to what, from where."""

    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "-created_at"], name="actionlog_brand_time")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}"


class PlatformSyncRun(AppendOnlyModel):
    """One run of a sync against a platform (analytics backfill or incremental, reviews...),
    written once when the run ends: what it covered, how many records, how long, what failed.
    The old design's `platform_sync_logs`."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "connections.PlatformConnection",
        null=True,
        on_delete=models.SET_NULL,
        related_name="sync_runs",
    )
    platform = models.CharField(max_length=32)
    kind = models.CharField(max_length=32)  # e.g. "analytics_backfill", "reviews"
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    records = models.PositiveIntegerField(default=0)
    # "ok", "partial" (stopped early: rate limit, will resume from the cursor) or "error".
    outcome = models.CharField(max_length=16)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)  # cursor before/after, pages, ...
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["brand", "-created_at"], name="syncrun_brand_time"),
            models.Index(fields=["connection", "kind", "-created_at"], name="syncrun_conn_kind"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.platform} {self.outcome} ({self.records})"

    @property
    def duration_ms(self) -> int:
        return int((self.finished_at - self.started_at).total_seconds() * 1000)
