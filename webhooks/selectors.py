"""Webhook reads: delivery status, activity counts per job, figures for the metrics."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from webhooks.models import ActivityKind, PostActivity, WebhookDelivery, WebhookProcessing


def delivery_status(delivery: WebhookDelivery) -> str:
    """rejected (bad signature), pending (not processed yet), or the latest outcome."""
    if not delivery.signature_valid:
        return "rejected"
    latest = delivery.processing_runs.order_by("-id").values_list("outcome", flat=True).first()
    return latest or "pending"


def activity_counts(*, brand, job_ids) -> dict[int, dict[str, int]]:
    """Live comments and mentions per job of `brand`: {job_id: {"comments": n, "mentions": m}}."""
    rows = (
        PostActivity.objects.filter(brand=brand, job_id__in=list(job_ids))
        .values("job_id")
        .annotate(
            comments=Count("id", filter=Q(kind=ActivityKind.COMMENT, removed_at__isnull=True)),
            mentions=Count("id", filter=Q(kind=ActivityKind.MENTION, removed_at__isnull=True)),
        )
        .order_by()
    )
    return {r["job_id"]: {"comments": r["comments"], "mentions": r["mentions"]} for r in rows}


def deliveries_by_result() -> list[tuple[str, str, int]]:
    """(platform, result, count) for the Prometheus counter. Every rejected delivery counts
    once as `rejected`; every processing run counts once under its outcome. Both only grow,
    as a counter must (a retried delivery adds a `failed` then a `processed`)."""
    rejected = (
        WebhookDelivery.objects.filter(signature_valid=False)
        .values("platform")
        .annotate(n=Count("id"))
        .order_by("platform")
    )
    runs = (
        WebhookProcessing.objects.values("platform", "outcome")
        .annotate(n=Count("id"))
        .order_by("platform", "outcome")
    )
    figures = [(r["platform"], "rejected", r["n"]) for r in rejected]
    figures += [(r["platform"], r["outcome"], r["n"]) for r in runs]
    return sorted(figures)


PENDING_WINDOW = timedelta(days=7)


def deliveries_pending() -> list[tuple[str, int]]:
    """Valid event deliveries of the last 7 days not processed yet, per platform (a gauge: it
    goes down). The window keeps the scrape an index range scan however long retention is;
    older stragglers are requeued by webhooks.requeue_stale anyway."""
    rows = (
        WebhookDelivery.objects.filter(
            kind="event",
            signature_valid=True,
            created_at__gte=timezone.now() - PENDING_WINDOW,
            processing_runs__isnull=True,
        )
        .values("platform")
        .annotate(n=Count("id"))
        .order_by("platform")
    )
    return [(r["platform"], r["n"]) for r in rows]
