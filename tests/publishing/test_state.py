"""The job state machine: allowed moves happen once, with an event; everything else is
refused without touching the row."""

import pytest
from django.db import connection as db_connection

from audit.models import AppendOnlyError
from publishing import state
from publishing.models import JobEvent, JobStatus, PublishJob

S = JobStatus
ALL = [s.value for s in JobStatus]


@pytest.fixture
def job(make_post):
    return make_post().jobs.get()


def _force_status(job, status):
    # Test setup only: put a job in a starting status without the machine.
    PublishJob.objects.filter(pk=job.pk).update(status=status)


@pytest.mark.parametrize(
    "source,target",
    [(s, t) for s in ALL for t in ALL if state.allowed(s, t)],
)
def test_every_allowed_transition_moves_the_job_and_stores_one_event(job, source, target):
    _force_status(job, source)

    event = state.transition(job.pk, expected=source, to=target)

    job.refresh_from_db()
    assert job.status == target
    assert list(JobEvent.objects.filter(job=job).values_list("from_status", "status")) == [
        (source, target)
    ]
    assert event.post_id == job.post_id and event.platform == "x"


@pytest.mark.parametrize(
    "source,target",
    [(s, t) for s in ALL for t in ALL if not state.allowed(s, t)][::7],
)
def test_a_transition_not_in_the_table_is_refused(job, source, target):
    _force_status(job, source)

    with pytest.raises(state.TransitionRefused):
        state.transition(job.pk, expected=source, to=target)

    job.refresh_from_db()
    assert job.status == source
    assert not JobEvent.objects.filter(job=job).exists()


def test_published_and_cancelled_are_final():
    assert state.TRANSITIONS[S.PUBLISHED] == frozenset()
    assert state.TRANSITIONS[S.CANCELLED] == frozenset()
    assert S.CANCELLED not in state.TRANSITIONS[S.PUBLISHING]


def test_a_stale_expected_status_changes_nothing(job):
    _force_status(job, S.PUBLISHING)

    with pytest.raises(state.TransitionRefused) as refused:
        state.transition(job.pk, expected=S.QUEUED, to=S.CANCELLED)

    assert refused.value.actual == S.PUBLISHING
    job.refresh_from_db()
    assert job.status == S.PUBLISHING
    assert not JobEvent.objects.filter(job=job).exists()


def test_a_second_claim_of_the_same_job_claims_nothing(job):
    _force_status(job, S.QUEUED)
    from django.utils import timezone

    first = state.claim_for_publishing(job.pk, lease_until=timezone.now())
    second = state.claim_for_publishing(job.pk, lease_until=timezone.now())

    assert first is not None and second is None
    job.refresh_from_db()
    assert job.status == S.PUBLISHING and job.attempts == 1
    assert JobEvent.objects.filter(job=job).count() == 1


def test_the_event_carries_the_row_as_the_update_left_it(job, django_assert_num_queries):
    """The UPDATE returns what the event needs: the bumped attempt, the new permalink."""
    from django.utils import timezone

    _force_status(job, S.QUEUED)
    # UPDATE ... RETURNING and the INSERT of the event, in a savepoint (the test's transaction)
    with django_assert_num_queries(4):
        claimed = state.claim_for_publishing(job.pk, lease_until=timezone.now())
    published = state.transition(
        job.pk, expected=S.PUBLISHING, to=S.PUBLISHED, extra_where={"attempts": 1},
        permalink="https://x.com/i/web/status/1",
    )  # fmt: skip

    assert (claimed.attempt, claimed.permalink) == (1, "")
    assert (published.attempt, published.permalink) == (1, "https://x.com/i/web/status/1")
    assert (published.brand_id, published.post_id) == (job.brand_id, job.post_id)


def test_extra_where_guards_the_transition(job):
    _force_status(job, S.PUBLISHING)

    with pytest.raises(state.TransitionRefused):
        state.transition(job.pk, expected=S.PUBLISHING, to=S.FAILED, extra_where={"attempts": 7})

    job.refresh_from_db()
    assert job.status == S.PUBLISHING


def test_job_events_cannot_be_rewritten(job):
    _force_status(job, S.QUEUED)
    event = state.transition(job.pk, expected=S.QUEUED, to=S.CANCELLED)

    with pytest.raises(AppendOnlyError):
        JobEvent.objects.filter(pk=event.pk).update(status="published")
    if db_connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic(), db_connection.cursor() as cursor:
            cursor.execute(
                "UPDATE publishing_jobevent SET status = 'published' WHERE id = %s", [event.pk]
            )
    assert JobEvent.objects.get(pk=event.pk).status == S.CANCELLED


def test_the_event_is_broadcast_only_after_commit(job, django_capture_on_commit_callbacks):
    _force_status(job, S.QUEUED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        state.transition(job.pk, expected=S.QUEUED, to=S.CANCELLED)

    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "statuses,expected",
    [
        ([], "draft"),
        ([S.DRAFT, S.DRAFT], "draft"),
        ([S.SCHEDULED, S.SCHEDULED], "scheduled"),
        ([S.SCHEDULED, S.QUEUED], "publishing"),
        ([S.PUBLISHING, S.PUBLISHED], "publishing"),
        ([S.PUBLISHED, S.PUBLISHED], "published"),
        ([S.PUBLISHED, S.FAILED], "partially_published"),
        ([S.FAILED, S.FAILED], "failed"),
        ([S.CANCELLED, S.CANCELLED], "cancelled"),
        ([S.PUBLISHED, S.CANCELLED], "published"),
        ([S.RECONCILING, S.PUBLISHED], "publishing"),
    ],
)
def test_post_status_is_derived_from_its_jobs(statuses, expected):
    assert state.post_status(statuses) == expected
