"""LinkedIn end to end with a REAL Celery worker process (PostgreSQL + Redis) against the
sandbox over HTTP. The worker fetches each image from its MediaAsset public URL on the live
server (served by the URLconf of test_linkedin_publishing), uploads it to LinkedIn and posts."""

from __future__ import annotations

import signal

import pytest

from publishing.models import JobStatus
from publishing.services.posts import post_create, post_publish_now
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.test_linkedin_publishing import ORG, upload_images
from tests.publishing.test_worker_integration import (  # noqa: F401  (fixtures)
    Worker,
    _all,
    _wait_for,
    beat_settings,
    needs_services,
    worker,
)
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.publishing.test_linkedin_publishing"),
]


def test_a_multi_image_post_goes_out_through_the_worker(worker, media_root, brand, owner):  # noqa: F811
    org = sandbox_connection(brand, "linkedin", account_id=ORG, display_name="Acme Corp")
    photos = upload_images(brand, owner, 4, alt="Roast")
    post = post_create(
        brand=brand, author=owner, text="Four roasts, one post #Autumn", targets=[org.pk],
        media=[p.pk for p in photos],
    )  # fmt: skip

    assert post_publish_now(post=post, actor=owner)

    _wait_for(_all(S.PUBLISHED), tick=False)  # enqueued on commit: no Beat needed
    job = post.jobs.get()
    images = list(SandboxMedia.objects.filter(platform="linkedin").order_by("id"))
    sent = SandboxPost.objects.get()
    assert [i.size_bytes for i in images] == [p.file.size for p in photos]
    assert {(i.account_id, i.state) for i in images} == {(ORG, "AVAILABLE")}
    assert sent.kind == "multiImage" and sent.account_id == ORG
    assert sent.payload["content"]["multiImage"]["images"] == [
        {"id": i.media_id, "altText": f"Roast {n}"} for n, i in enumerate(images)
    ]
    assert sent.text == "Four roasts, one post {hashtag|\\#|Autumn}"
    assert job.platform_post_id == sent.post_id
    assert job.permalink == f"https://www.linkedin.com/feed/update/{sent.post_id}"


@pytest.fixture
def roomy_worker(needs_services, sandbox, beat_settings):  # noqa: F811
    """A worker whose lease (20 s) outlasts fetching and uploading the images plus the 3 s
    read timeout, so the lost answer is met by the worker itself, not by the lease reaper."""
    running = Worker(sandbox, PUBLISH_LEASE_SECONDS="20")
    running.purge()
    running.start()
    yield running
    running.kill(signal.SIGTERM)


def test_a_lost_answer_for_a_member_post_is_settled_by_the_duplicate_error(
    roomy_worker, media_root, brand, owner
):
    member = sandbox_connection(brand, "linkedin")
    photos = upload_images(brand, owner, 2)
    # The worker's read timeout is 3 s: LinkedIn accepts the post and answers too late.
    add_fault(
        platform="linkedin", kind="accepted_timeout", scope="publish",
        path_contains="rest/posts", options={"seconds": 5},
    )  # fmt: skip
    post = post_create(
        brand=brand, author=owner, text="Exactly once, with photos", targets=[member.pk],
        media=[p.pk for p in photos],
    )  # fmt: skip
    post_publish_now(post=post, actor=owner)

    _wait_for(_all(S.PUBLISHED))  # Beat's ticks run the reconcile and the requeue

    job = post.jobs.get()
    _wait_for(lambda: not job.attempt_rows.filter(outcome="").exists(), tick=False)
    live = SandboxPost.objects.get()  # one post: the second send was refused as a duplicate
    assert job.platform_post_id == live.post_id
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "not_found"),
        ("publish", "published"),
    ]
    # The images uploaded by the first attempt were reused, not uploaded again.
    assert SandboxRequest.objects.filter(endpoint="images_initialize").count() == 2
    assert live.media_ids == job.platform_ids["image_urns"]
