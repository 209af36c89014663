"""The Beat sweep fans out one sync task per due connection; the task runs the sync once."""

import pytest
from django.utils import timezone

from analytics import tasks
from analytics.models import SyncCursor
from analytics.services import schedule
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db


def test_the_sweep_enqueues_one_task_per_due_connection_only(brand, monkeypatch):
    due = sandbox_connection(brand, "x")
    waiting = sandbox_connection(brand, "facebook")
    sandbox_connection(brand, "linkedin", status="needs_reauth")
    sent = []
    monkeypatch.setattr(tasks.sync_connection, "delay", lambda **kw: sent.append(kw))
    tasks.sweep()
    sent.clear()
    SyncCursor.objects.filter(connection=waiting).update(
        next_allowed_at=timezone.now() + timezone.timedelta(minutes=30)
    )

    assert tasks.sweep() == 1

    assert sent == [{"connection_id": due.pk}]


def test_a_second_delivery_of_the_task_does_nothing(brand):
    connection = sandbox_connection(brand, "x")
    schedule.cursors_create_missing()
    SyncCursor.objects.filter(connection=connection).update(
        leased_until=timezone.now() + timezone.timedelta(minutes=5)
    )

    assert tasks.sync_connection.run(connection_id=connection.pk) == "not_claimed"


def test_the_beat_schedule_runs_the_sweep_with_an_expiry():
    from config.celery import app

    entry = app.conf.beat_schedule["analytics-sweep"]
    assert entry["task"] == tasks.sweep.name and entry["options"]["expires"] < entry["schedule"]
