"""The Beat side: only due rows are claimed, a second tick finds nothing, stuck leases are
reconciled, and a cancel racing the worker's claim has exactly one winner."""

import contextlib
import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from publishing import dispatch, state
from publishing.models import JobEvent, JobStatus, PublishJob
from publishing.services.posts import PublishingError, job_cancel

S = JobStatus


def _scheduled(make_post, minutes):
    post = make_post(scheduled_at=timezone.now() + timedelta(minutes=5))
    job = post.jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=minutes)
    )
    return job


def test_a_tick_queues_only_due_jobs_and_a_second_tick_finds_nothing(
    make_post, django_capture_on_commit_callbacks
):
    due = [_scheduled(make_post, -1) for _ in range(3)]
    later = _scheduled(make_post, 30)

    with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
        first = dispatch.dispatch_due()
    with django_capture_on_commit_callbacks(execute=False):
        second = dispatch.dispatch_due()

    assert first == {"queued": 3, "requeued": 0, "waiting": 0, "reconcile": 0}
    assert second == {"queued": 0, "requeued": 0, "waiting": 0, "reconcile": 0}
    assert len(first_callbacks) == 2  # one broadcast and one send, for the whole tick
    statuses = dict(PublishJob.objects.values_list("id", "status"))
    assert {statuses[j.pk] for j in due} == {S.QUEUED}
    assert statuses[later.pk] == S.SCHEDULED
    assert JobEvent.objects.filter(status=S.QUEUED).count() == 3


@pytest.fixture
def publish_queue():
    """The broker's publish queue, empty at the start and the end of the test."""
    from kombu.exceptions import ChannelError

    from config.celery import app

    def purge():
        # (ChannelError: never declared, nothing to purge)
        with app.connection_for_write() as connection, contextlib.suppress(ChannelError):
            connection.default_channel.queue_purge(dispatch.PUBLISH_QUEUE)

    purge()
    yield
    purge()


def _queued_and_due_for_a_check(make_post, queued_ago=timedelta(0)):
    job = _scheduled(make_post, -1)
    PublishJob.objects.filter(pk=job.pk).update(
        status=S.QUEUED, next_attempt_at=timezone.now(), updated_at=timezone.now() - queued_ago
    )
    return job


def test_a_queued_job_whose_task_was_lost_is_sent_again(
    make_post, django_capture_on_commit_callbacks, publish_queue
):
    job = _queued_and_due_for_a_check(make_post)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = dispatch.dispatch_due()

    assert result == {"queued": 0, "requeued": 1, "waiting": 0, "reconcile": 0}
    assert len(callbacks) == 1  # the send
    job.refresh_from_db()
    assert job.status == S.QUEUED and job.next_attempt_at > timezone.now()


def test_while_the_broker_holds_publish_tasks_a_queued_job_waits_without_a_second_task(
    make_post, django_capture_on_commit_callbacks, publish_queue
):
    """A backlog, not a loss: another task would only lengthen the queue. A job that has
    waited a lease's length gets one anyway (its task may be the one that was lost)."""
    from publishing.tasks import publish_job

    publish_job.delay(job_id=0)  # the broker holds a publish task (no worker runs here)
    waiting = _queued_and_due_for_a_check(make_post)
    overdue = _queued_and_due_for_a_check(make_post, queued_ago=timedelta(minutes=6))

    with django_capture_on_commit_callbacks(execute=False):
        result = dispatch.dispatch_due()

    assert result == {"queued": 0, "requeued": 1, "waiting": 1, "reconcile": 0}
    for job in (waiting, overdue):
        job.refresh_from_db()
        assert job.status == S.QUEUED and job.next_attempt_at > timezone.now()


def test_an_expired_lease_is_sent_to_reconciling(make_post):
    job = make_post().jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(
        status=S.PUBLISHING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    live = make_post(text="other").jobs.get()
    PublishJob.objects.filter(pk=live.pk).update(
        status=S.PUBLISHING, lease_expires_at=timezone.now() + timedelta(minutes=1)
    )

    assert dispatch.reap_expired_leases() == 1

    job.refresh_from_db()
    assert job.status == S.RECONCILING and job.last_error_code == "lease_expired"
    assert PublishJob.objects.get(pk=live.pk).status == S.PUBLISHING


def test_a_tick_sends_reconciling_jobs_to_the_reconciler_once(
    make_post, django_capture_on_commit_callbacks
):
    job = make_post().jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(
        status=S.RECONCILING, next_attempt_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=False):
        assert dispatch.dispatch_due()["reconcile"] == 1
        assert dispatch.dispatch_due()["reconcile"] == 0


@pytest.mark.django_db(transaction=True)
def test_cancel_racing_the_workers_claim_has_exactly_one_winner(make_post, owner):
    if db_connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL only (SQLite serializes writes)")
    outcomes = []
    for _ in range(10):
        job = make_post(text=f"race {len(outcomes)}").jobs.get()
        PublishJob.objects.filter(pk=job.pk).update(status=S.QUEUED)
        barrier = threading.Barrier(2)
        result = {}

        def claim(job_id=job.pk):
            barrier.wait()
            result["claim"] = state.claim_for_publishing(job_id, lease_until=timezone.now())
            db_connection.close()

        def cancel(job=job):
            barrier.wait()
            try:
                job_cancel(job=job, actor=owner)
                result["cancel"] = True
            except PublishingError as error:
                result["cancel"] = error.code
            db_connection.close()

        threads = [threading.Thread(target=claim), threading.Thread(target=cancel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        final = PublishJob.objects.get(pk=job.pk).status
        claimed = result["claim"] is not None
        assert claimed != (result["cancel"] is True)
        assert final == (S.PUBLISHING if claimed else S.CANCELLED)
        if claimed:
            assert result["cancel"] == "job_in_progress"
        assert JobEvent.objects.filter(job_id=job.pk).count() == 1
        outcomes.append(final)
