"""The worker validates a job once more just before calling the platform: a policy changed
after scheduling stops the post, over real HTTP to the sandbox (which must receive nothing)."""

import pytest

from publishing.models import JobStatus
from publishing.services import execution
from publishing.services.posts import post_create, post_publish_now
from publishing.services.review import post_approve
from sandbox.published.models import SandboxPost
from tests.sandbox_accounts import sandbox_connection
from validation.models import ValidationRun
from validation.services import policy_update

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


def _queued(brand, owner, text):
    connection = sandbox_connection(brand, "x")
    post = post_create(brand=brand, author=owner, text=text, targets=[connection.pk])
    post_publish_now(post=post, actor=owner)
    return post, post.jobs.get()


def test_a_phrase_banned_after_queueing_stops_the_job_before_the_platform_call(
    sandbox, brand, owner
):
    post, job = _queued(brand, owner, "Our miracle brew is back")
    policy_update(brand=brand, actor=owner, banned_phrases=["miracle brew"])

    outcome = execution.job_execute(job.pk)

    job.refresh_from_db()
    assert outcome == "validation_failed" and job.status == S.FAILED
    assert "banned_phrase" in job.last_error_message
    assert not SandboxPost.objects.exists()
    assert ValidationRun.objects.filter(post_id=post.pk, outcome="blocked").exists()


def test_a_new_review_keyword_needs_approval_then_the_retry_publishes(
    sandbox, brand, owner, admin_member
):
    post, job = _queued(brand, owner, "Big giveaway this weekend")
    policy_update(brand=brand, actor=owner, review_keywords=["giveaway"])

    assert execution.job_execute(job.pk) == "review_required"
    assert not SandboxPost.objects.exists()

    # the post is now waiting for review; approving this exact content retries the target
    post.refresh_from_db()
    assert (post.review_status, post.pending_action) == ("pending", "retry")
    post_approve(post=post, actor=admin_member)
    job.refresh_from_db()
    assert job.status == S.QUEUED
    assert execution.job_execute(job.pk) == "published"
    assert SandboxPost.objects.count() == 1


def test_a_clean_post_publishes_without_recording_another_validation(sandbox, brand, owner):
    post, job = _queued(brand, owner, "Fresh roast today")
    runs = ValidationRun.objects.filter(post_id=post.pk).count()

    assert execution.job_execute(job.pk) == "published"
    assert ValidationRun.objects.filter(post_id=post.pk).count() == runs
