"""The Celery app. Periodic tasks are declared here, in code; django-celery-beat's
DatabaseScheduler stores them so staff can see and pause them in the admin."""

import os

import structlog
from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("brandpost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> entry. Every entry sets `expires` so missed runs do not pile up behind a stopped beat.
app.conf.beat_schedule = {
    # Due scheduled/retrying jobs -> queued, stale queued re-sent, reconciles sent.
    "publishing-dispatch-due": {
        "task": "publishing.dispatch_due",
        "schedule": float(os.environ.get("PUBLISH_DISPATCH_INTERVAL_SECONDS", "2")),
        "options": {"expires": 10},
    },
    # Jobs stuck in `publishing` past their lease -> reconciling; reconnected -> resumed.
    "publishing-reap-leases": {
        "task": "publishing.reap_leases",
        "schedule": 15.0,
        "options": {"expires": 30},
    },
    # Connections due for a token refresh (or an expiry warning) -> one task each.
    "connections-sweep-refresh": {
        "task": "connections.sweep_refresh",
        "schedule": float(os.environ.get("CONNECTION_SWEEP_INTERVAL_SECONDS", "300")),
        "options": {"expires": 240},
    },
    # New connections get their 90-day analytics backfill; due ones (own next_allowed_at,
    # so a rate-limited account never delays another) get a sync task each.
    "analytics-sweep": {
        "task": "analytics.sweep",
        "schedule": float(os.environ.get("ANALYTICS_SWEEP_INTERVAL_SECONDS", "60")),
        "options": {"expires": 50},
    },
    # Google reviews of every active location -> one sync task each (an upsert, so a late
    # or repeated run is harmless).
    "reviews-sync-all": {
        "task": "reviews.sync_all",
        "schedule": float(os.environ.get("REVIEWS_SYNC_INTERVAL_SECONDS", "1800")),
        "options": {"expires": 600},
    },
    # Webhook deliveries and data-deletion requests a lost broker message left unprocessed.
    "webhooks-requeue-stale": {
        "task": "webhooks.requeue_stale",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
}


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **_) -> None:
    """What Django does around each web request, around each task: drop a connection that is
    broken or past CONN_MAX_AGE, and health-check the kept one on its next use. Not for eager
    runs, which happen inside the caller's (or a test's) transaction."""
    if not getattr(getattr(task, "request", None), "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()


@task_prerun.connect
def _bind_task_context(task_id=None, task=None, kwargs=None, **_):
    structlog.contextvars.clear_contextvars()
    context = {"task_id": task_id, "task": getattr(task, "name", None)}
    for key in ("job_id", "connection_id", "brand_id", "post_id"):
        if kwargs and key in kwargs:
            context[key] = kwargs[key]
    structlog.contextvars.bind_contextvars(**context)


@task_postrun.connect
def _clear_task_context(**_):
    structlog.contextvars.clear_contextvars()
