"""Facebook Page publishing through a REAL Celery worker process on PostgreSQL + Redis,
against the sandbox over HTTP (the worker, fixtures and helpers of test_worker_integration.py;
the photos are uploaded MediaAssets the sandbox fetches from the live server)."""

from __future__ import annotations

import pytest

from publishing.models import JobStatus
from publishing.services.posts import post_create, post_publish_now
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.test_facebook_publishing import (  # noqa: F401 (fixtures)
    PAGE,
    page,
    photo,
)
from tests.publishing.test_worker_integration import (  # noqa: F401 (fixtures)
    _all,
    _wait_for,
    beat_settings,
    needs_services,
    worker,
)

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_text_post_and_a_multi_photo_post_go_out_through_the_worker(
    worker,  # noqa: F811
    brand,
    owner,
    page,  # noqa: F811
):
    cups = [photo(brand, owner, f"cup{i}.jpg", seed=i) for i in range(3)]
    text = post_create(brand=brand, author=owner, text="Live from the worker", targets=[page.pk])
    album = post_create(
        brand=brand, author=owner, text="Three cups, one post", targets=[page.pk],
        media=[c.pk for c in cups],
    )  # fmt: skip

    post_publish_now(post=text, actor=owner)
    post_publish_now(post=album, actor=owner)

    _wait_for(_all(S.PUBLISHED), tick=False)  # no Beat needed: enqueued on commit
    posts = {p.text: p for p in SandboxPost.objects.filter(platform="facebook", account_id=PAGE)}
    assert set(posts) == {"Live from the worker", "Three cups, one post"}
    status, multi = posts["Live from the worker"], posts["Three cups, one post"]
    photos = list(SandboxMedia.objects.filter(platform="facebook").order_by("id"))
    assert status.kind == "status" and multi.kind == "album"
    assert [p.payload["url"] for p in photos] == [c.public_url for c in cups]
    assert multi.media_ids == [p.media_id for p in photos]
    assert {p.state for p in photos} == {"attached"}
    assert text.jobs.get().platform_post_id == status.post_id
    album_job = album.jobs.get()
    assert album_job.platform_post_id == multi.post_id and album_job.permalink
    assert album_job.platform_ids["photo_ids"] == multi.media_ids
    # Each photo uploaded once, each post created once.
    sent = SandboxRequest.objects.filter(platform="facebook", method="POST")
    assert sent.filter(endpoint="photos_publish").count() == 3
    assert sent.filter(endpoint="feed_publish").count() == 2
