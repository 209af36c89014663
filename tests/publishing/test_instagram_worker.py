"""Instagram end to end with a REAL Celery worker process on PostgreSQL + Redis, against the
sandbox over HTTP: publish-now enqueues on commit, the worker claims the job, checks the quota,
creates the carousel's children and parent, polls them, publishes and reads the permalink.
The Worker and its fixtures come from test_worker_integration; the images are real JPEGs
served by the live server (test_instagram_publishing.photo)."""

from __future__ import annotations

import signal

import pytest

from publishing.models import JobStatus
from publishing.services.posts import post_create, post_publish_now
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.test_instagram_publishing import photo
from tests.publishing.test_worker_integration import (  # noqa: F401
    Worker,
    _all,
    _wait_for,
    beat_settings,
    needs_services,
)
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ig_worker(needs_services, sandbox, beat_settings, media_root):  # noqa: F811
    running = Worker(sandbox, PUBLISH_INSTAGRAM_POLL_MS="50")
    running.purge()
    running.start()
    yield running
    running.kill(signal.SIGTERM)


def test_a_carousel_goes_out_through_the_worker_once(ig_worker, brand, owner):
    ig = sandbox_connection(brand, "instagram")
    assets = [photo(brand, owner, f"roast{i}.jpg", width=1080, height=1350) for i in range(3)]
    post = post_create(
        brand=brand, author=owner, text="Three roasts, one post", targets=[ig.pk],
        media=[a.pk for a in assets],
    )  # fmt: skip

    assert post_publish_now(post=post, actor=owner)

    _wait_for(_all(S.PUBLISHED), tick=False)  # no Beat needed: enqueued on commit
    job = post.jobs.get()
    published = SandboxPost.objects.get()
    *children, parent = SandboxMedia.objects.filter(platform="instagram").order_by("id")
    assert published.kind == "CAROUSEL_ALBUM" and published.text == "Three roasts, one post"
    assert published.media_ids == [c.media_id for c in children]
    assert [c["image_url"] for c in published.payload["children"]] == [a.public_url for a in assets]
    assert parent.payload["caption"] == "Three roasts, one post"
    assert {c.state for c in [*children, parent]} == {"PUBLISHED"}
    assert job.platform_post_id == published.post_id
    assert job.permalink.startswith("https://www.instagram.com/p/")
    assert list(job.attempt_rows.values_list("outcome", flat=True)) == ["published"]
