"""LinkedIn publishing against the sandbox over real HTTP, one worker step at a time (no broker):
what LinkedIn received is asserted (commentary, content, images, headers), including that
nothing was posted twice.

Images are real uploads (`media_create`) served at their MediaAsset public URL by the live
server: this module is also the URLconf (`urlpatterns` below: the app's URLs plus /media/).
"""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, time, timedelta

import pytest
import requests
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import re_path
from django.utils import timezone
from django.views.static import serve

from config.urls import urlpatterns as app_urlpatterns
from connections.providers.linkedin.oauth import VERSION_HEADERS
from publishing import state
from publishing.models import JobStatus
from publishing.services import execution, platform_calls
from publishing.services.media import media_create
from sandbox.faults import add_fault
from sandbox.linkedin.little import parse
from sandbox.models import SandboxRequest, SandboxToken
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.conftest import queued_job
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
MEMBER = "urn:li:person:sbxMember01"
ORG = "urn:li:organization:900001"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]


def _media(request, path):
    return serve(request, path, document_root=django_settings.MEDIA_ROOT)


urlpatterns = [*app_urlpatterns, re_path(r"^media/(?P<path>.+)$", _media)]


# --- Fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def member(sandbox, brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return sandbox_connection(brand, "linkedin")


@pytest.fixture
def org(sandbox, brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return sandbox_connection(brand, "linkedin", account_id=ORG, display_name="Acme Corp")


def png(rgb: tuple[int, int, int], side: int = 16) -> bytes:
    """A valid PNG of one colour (distinct colours give distinct files)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * side for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload_images(brand, owner, count: int, alt: str = "") -> list:
    return [
        media_create(
            brand=brand,
            actor=owner,
            file=SimpleUploadedFile(f"photo{i}.png", png((40 * i, 90, 200)), "image/png"),
            alt_text=f"{alt} {i}".strip() if alt else "",
        )
        for i in range(count)
    ]


def requeue(job):
    # What the dispatcher does once the retry is due (retrying -> queued).
    platform_calls.block_connection(job.connection_id, until=timezone.now())
    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def endpoint_statuses(name: str) -> list[int]:
    return list(
        SandboxRequest.objects.filter(platform="linkedin", endpoint=name)
        .order_by("id")
        .values_list("status", flat=True)
    )


# --- Text ------------------------------------------------------------------------------------


def test_reserved_characters_are_escaped_hashtags_kept_and_the_post_goes_out_once(
    brand, owner, member
):
    text = (
        "Launch (beta) *today*: 20% off_ [members] {only} <3 ~ | a\\b @team "
        "#CoffeeLovers #1 C# https://acme.example/a_b#top"
    )
    job = queued_job(brand, owner, member, text=text)

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get()
    expected = (
        "Launch \\(beta\\) \\*today\\*: 20% off\\_ \\[members\\] \\{only\\} \\<3 \\~ \\| a\\\\b "
        "\\@team {hashtag|\\#|CoffeeLovers} \\#1 C\\# https://acme.example/a\\_b\\#top"
    )
    assert sent.payload["commentary"] == expected
    # LinkedIn kept all of it (nothing cut at a bare reserved character), and shows the
    # editor's words with one real hashtag.
    assert sent.text == expected
    assert parse(sent.text).plain == text
    assert parse(sent.text).hashtags == ("CoffeeLovers",)
    assert sent.account_id == MEMBER and sent.kind == "text"
    assert {k: sent.payload[k] for k in ("author", "visibility", "lifecycleState")} == {
        "author": MEMBER,
        "visibility": "PUBLIC",
        "lifecycleState": "PUBLISHED",
    }
    assert sent.payload["distribution"]["feedDistribution"] == "MAIN_FEED"
    assert "content" not in sent.payload
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == sent.post_id
    assert sent.post_id.startswith("urn:li:share:")
    assert job.permalink == f"https://www.linkedin.com/feed/update/{sent.post_id}"
    assert job.platform_ids["post_urn"] == sent.post_id
    assert execution.job_execute(job.pk) == "not_claimed"
    assert SandboxPost.objects.count() == 1


def test_every_call_carries_the_version_headers_the_sandbox_demands(brand, owner, org, sandbox):
    [photo] = upload_images(brand, owner, 1)
    job = queued_job(brand, owner, org, text="Versioned", media=[photo.pk])

    assert execution.job_execute(job.pk) == "published"

    # The sandbox refuses /rest calls without them; every one of ours was accepted.
    assert endpoint_statuses("images_initialize") == [200]
    assert endpoint_statuses("posts_create") == [201]
    # And it does refuse: what LinkedIn answers a client that forgets or pins a dead version.
    token = {"Authorization": f"Bearer {org.access_token}"}
    url = f"{sandbox}/sandbox/linkedin/api/rest/posts"
    body = {"author": ORG, "commentary": "No headers"}
    missing = requests.post(url, json=body, headers=token, timeout=10)
    assert (missing.status_code, missing.json()["code"]) == (400, "VERSION_MISSING")
    dead = requests.post(
        url, json=body, headers={**token, **VERSION_HEADERS, "LinkedIn-Version": "202301"},
        timeout=10,
    )  # fmt: skip
    assert (dead.status_code, dead.json()["code"]) == (426, "NONEXISTENT_VERSION")
    no_restli = {**token, "LinkedIn-Version": VERSION_HEADERS["LinkedIn-Version"]}
    assert requests.post(url, json=body, headers=no_restli, timeout=10).status_code == 400
    assert SandboxPost.objects.count() == 1


def test_an_organization_posts_as_itself(brand, owner, org):
    job = queued_job(brand, owner, org, text="From the company page")

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get()
    assert sent.account_id == ORG and sent.payload["author"] == ORG


# --- Images and links ------------------------------------------------------------------------


def test_a_single_image_is_uploaded_then_posted_as_media(brand, owner, org, settings):
    [photo] = upload_images(brand, owner, 1, alt="A flat white")
    assert photo.public_url.startswith(settings.PUBLIC_BASE_URL + "/media/")
    job = queued_job(brand, owner, org, text="New cup", media=[photo.pk])

    assert execution.job_execute(job.pk) == "published"

    image = SandboxMedia.objects.get(platform="linkedin")
    assert (image.account_id, image.state, image.mime) == (ORG, "AVAILABLE", "image/png")
    assert image.size_bytes == photo.file.size
    sent = SandboxPost.objects.get()
    assert sent.kind == "image"
    assert sent.payload["content"] == {"media": {"id": image.media_id, "altText": "A flat white 0"}}
    job.refresh_from_db()
    assert job.platform_ids["image_urns"] == [image.media_id]


def test_several_images_are_posted_as_one_multi_image_post_in_order(brand, owner, member):
    photos = upload_images(brand, owner, 3)
    job = queued_job(brand, owner, member, text="Three roasts", media=[p.pk for p in photos])

    assert execution.job_execute(job.pk) == "published"

    images = list(SandboxMedia.objects.filter(platform="linkedin").order_by("id"))
    assert [i.size_bytes for i in images] == [p.file.size for p in photos]
    assert {i.state for i in images} == {"AVAILABLE"}
    sent = SandboxPost.objects.get()
    assert sent.kind == "multiImage"
    assert sent.payload["content"]["multiImage"]["images"] == [{"id": i.media_id} for i in images]
    assert sent.media_ids == [i.media_id for i in images]


def test_a_failed_post_call_reuses_the_images_already_uploaded(brand, owner, member):
    photos = upload_images(brand, owner, 2)
    add_fault(
        platform="linkedin", kind="status", scope="publish", path_contains="rest/posts",
        options={"status": 503},
    )  # fmt: skip
    job = queued_job(brand, owner, member, text="Two again", media=[p.pk for p in photos])

    assert execution.job_execute(job.pk) == "retrying"
    job.refresh_from_db()
    uploaded = job.platform_ids["image_urns"]
    assert len(uploaded) == 2 and not SandboxPost.objects.exists()

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    assert endpoint_statuses("images_initialize") == [200, 200]  # no new uploads
    assert SandboxPost.objects.get().media_ids == uploaded


def test_a_link_without_images_becomes_an_article(brand, owner, member):
    job = queued_job(
        brand, owner, member, text="Our autumn menu", link="https://www.acme.example/autumn"
    )

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get()
    assert sent.kind == "article"
    assert sent.payload["content"] == {
        "article": {"source": "https://www.acme.example/autumn", "title": "acme.example"}
    }
    assert sent.payload["commentary"] == "Our autumn menu"


# --- Lost answers and duplicates ------------------------------------------------------------


def test_a_lost_answer_then_linkedins_duplicate_error_publishes_with_the_named_post(
    brand, owner, member, settings
):
    """Member posts cannot be read back (r_member_social is private), so the reconcile cannot
    see the post; sending again is safe because LinkedIn's 422 names the live post."""
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="linkedin", kind="accepted_timeout", scope="publish",
        path_contains="rest/posts", options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, member, text="Said once (only)")

    assert execution.job_execute(job.pk) == "reconciling"
    live = SandboxPost.objects.get()  # LinkedIn did accept it
    assert execution.job_reconcile(job.pk) == "requeued"
    assert endpoint_statuses("posts_find") == [403]
    assert execution.job_execute(job.pk) == "published"

    job.refresh_from_db()
    assert SandboxPost.objects.count() == 1
    # Sent twice; the second answer was the duplicate (the first is still being held back).
    assert endpoint_statuses("posts_create")[1:] == [422]
    assert job.status == S.PUBLISHED and job.platform_post_id == live.post_id
    assert job.permalink == f"https://www.linkedin.com/feed/update/{live.post_id}"
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "not_found"),
        ("publish", "published"),
    ]


def test_a_lost_answer_for_an_organization_is_found_among_many_newer_posts(
    brand, owner, org, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="linkedin", kind="accepted_timeout", scope="publish",
        path_contains="rest/posts", options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, org, text="Needle in the feed")
    assert execution.job_execute(job.pk) == "reconciling"
    live = SandboxPost.objects.get()
    # The page is busy: 120 newer posts push ours to the third page of the author finder.
    SandboxPost.objects.bulk_create(
        SandboxPost(
            platform="linkedin", account_id=ORG, post_id=f"urn:li:share:{7_000_000 + i}",
            text=f"Other post {i}", kind="text",
        )
        for i in range(120)
    )  # fmt: skip

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    assert job.platform_post_id == live.post_id and job.published_at is not None
    assert endpoint_statuses("posts_find") == [200, 200, 200]
    assert len(endpoint_statuses("posts_create")) == 1  # never sent again


def test_the_same_words_posted_earlier_count_as_that_post(brand, owner, member):
    first = queued_job(brand, owner, member, text="Same words")
    execution.job_execute(first.pk)
    second = queued_job(brand, owner, member, text="Same words")

    assert execution.job_execute(second.pk) == "published"

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.platform_post_id == first.platform_post_id
    assert SandboxPost.objects.count() == 1


# --- Limits ----------------------------------------------------------------------------------


def test_the_daily_limit_reschedules_to_midnight_utc_and_never_fails(
    brand, owner, member, monkeypatch, settings
):
    monkeypatch.setenv("SANDBOX_LINKEDIN_DAILY_POSTS", "1")
    assert execution.job_execute(queued_job(brand, owner, member, text="First").pk) == ("published")
    job = queued_job(brand, owner, member, text="Second")

    assert execution.job_execute(job.pk) == "quota_exceeded"

    job.refresh_from_db()
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
    assert job.status == S.RETRYING and job.last_error_code == "quota_exceeded"
    assert "MEMBER DAY limit" in job.last_error_message
    assert (
        midnight
        <= job.next_attempt_at
        <= midnight + timedelta(seconds=settings.PUBLISH_RETRY_CAP_SECONDS)
    )
    assert platform_calls.blocked_until(member.pk) == midnight
    # Attempts do not run out on a quota: the last allowed attempt is rescheduled again.
    type(job).objects.filter(pk=job.pk).update(attempts=settings.PUBLISH_MAX_ATTEMPTS)
    requeue(job)
    assert execution.job_execute(job.pk) == "quota_exceeded"
    job.refresh_from_db()
    assert job.status == S.RETRYING and job.next_attempt_at >= midnight
    assert SandboxPost.objects.count() == 1


# --- Tokens ----------------------------------------------------------------------------------


def test_an_expired_token_is_refreshed_once_and_the_post_goes_out(brand, owner, member):
    SandboxToken.objects.filter(token=member.access_token).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    job = queued_job(brand, owner, member)

    assert execution.job_execute(job.pk) == "published"

    member.refresh_from_db()
    assert endpoint_statuses("posts_create") == [401, 201]
    assert SandboxToken.objects.get(token=member.access_token).expires_at > timezone.now()
    assert SandboxPost.objects.count() == 1


@pytest.mark.parametrize("how", ["revoked", "invalid"])
def test_a_revoked_or_unknown_token_pauses_the_job_for_a_reconnect(brand, owner, member, how):
    tokens = SandboxToken.objects.filter(platform="linkedin")
    if how == "revoked":  # 65601 REVOKED_ACCESS_TOKEN
        tokens.update(revoked_at=timezone.now())
    else:  # 65600 INVALID_ACCESS_TOKEN: LinkedIn does not know the token at all
        tokens.filter(token=member.access_token).update(token="sbx-forgotten")
    job = queued_job(brand, owner, member)

    assert execution.job_execute(job.pk) == "paused"

    job.refresh_from_db()
    member.refresh_from_db()
    assert job.status == S.PAUSED and job.last_error_message == "Reconnect LinkedIn to continue."
    assert member.status == "needs_reauth"
    assert not SandboxPost.objects.exists()
