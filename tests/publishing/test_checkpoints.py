"""What a publish attempt saves as it goes: progress renews the lease, and saved upload URLs and
tokens (capabilities) are never shown in the API or the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publishing import state
from publishing.models import JobStatus, PublishJob
from publishing.selectors import shown_platform_ids
from publishing.services.execution import _checkpoint
from publishing.services.posts import post_publish_now

S = JobStatus
pytestmark = pytest.mark.django_db

SAVED = {
    "video_urn": "urn:li:video:C1",
    "upload_token": "tok-secret",
    "parts": [{"uploadUrl": "https://upload.example/part1", "etag": "e1"}],
    "media_id": "123",
}


def test_capability_urls_and_tokens_are_dropped_at_any_depth():
    assert shown_platform_ids(SAVED) == {
        "video_urn": "urn:li:video:C1",
        "parts": [{"etag": "e1"}],
        "media_id": "123",
    }


def _publishing_job(make_post, owner):
    post = make_post()
    post_publish_now(post=post, actor=owner)
    job = post.jobs.get()
    soon = timezone.now() + timedelta(seconds=5)
    assert state.claim_for_publishing(job.pk, lease_until=soon) is not None
    return job


def test_a_checkpoint_renews_the_lease_of_a_job_being_published(make_post, owner, settings):
    settings.PUBLISH_LEASE_SECONDS = 300
    job = _publishing_job(make_post, owner)

    _checkpoint(job.pk)(media_id="42")

    job.refresh_from_db()
    assert job.platform_ids == {"media_id": "42"}
    assert job.lease_expires_at > timezone.now() + timedelta(seconds=290)


def test_a_checkpoint_leaves_a_reaped_job_alone(make_post, owner):
    job = _publishing_job(make_post, owner)
    state.transition(job.pk, expected=S.PUBLISHING, to=S.RECONCILING, lease_expires_at=None)

    _checkpoint(job.pk)(media_id="42")

    job.refresh_from_db()
    assert job.status == S.RECONCILING and job.lease_expires_at is None
    assert job.platform_ids == {"media_id": "42"}


def test_a_checkpoint_merges_keys_and_none_removes_one_on_every_database(make_post, owner):
    job = _publishing_job(make_post, owner)
    save = _checkpoint(job.pk)

    save(container_id="c1", publish_pending="c1", children=["a", "b"])
    save(publish_pending=None, media_id="m1", missing=None)

    job.refresh_from_db()
    assert job.platform_ids == {"container_id": "c1", "children": ["a", "b"], "media_id": "m1"}


def test_the_job_api_and_admin_never_show_upload_urls_or_tokens(
    make_post, owner, api_client_for, brand, admin_client
):
    job = make_post().jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(platform_ids=SAVED)

    body = api_client_for(owner).get(f"/api/v1/brands/{brand.pk}/jobs/{job.pk}/").json()
    page = admin_client.get(reverse("admin:publishing_publishjob_change", args=[job.pk]))

    assert body["platform_ids"]["video_urn"] == "urn:li:video:C1"
    for secret in ("tok-secret", "upload.example"):
        assert secret not in str(body)
        assert secret not in page.content.decode()
