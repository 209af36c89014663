"""A worker that stalls past its lease must not move the job once another worker has claimed
it again: its transitions only apply to the attempt it claimed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections.providers import base as pb
from publishing import state
from publishing.models import JobStatus, PublishJob
from publishing.services import execution
from publishing.services.posts import post_publish_now

S = JobStatus
pytestmark = pytest.mark.django_db


def test_a_stalled_workers_retry_does_not_touch_the_new_attempt(make_post, owner):
    post = make_post()
    post_publish_now(post=post, actor=owner)
    job_id = post.jobs.get().pk
    soon = timezone.now() + timedelta(seconds=5)
    # worker A claims attempt 1, then stalls past its lease
    state.claim_for_publishing(job_id, lease_until=soon)
    stalled = PublishJob.objects.select_related("post", "connection").get(pk=job_id)
    # the reaper reconciles, finds nothing, requeues; worker B claims attempt 2
    state.transition(job_id, expected=S.PUBLISHING, to=S.RECONCILING, lease_expires_at=None)
    state.transition(job_id, expected=S.RECONCILING, to=S.QUEUED)
    state.claim_for_publishing(job_id, lease_until=soon)

    # worker A wakes up with a transient error from its old call
    execution._retry_or_fail(stalled, pb.Transient("X: 503"), None)

    job = PublishJob.objects.get(pk=job_id)
    assert (job.status, job.attempts) == (S.PUBLISHING, 2)
    assert job.last_error_code == ""
