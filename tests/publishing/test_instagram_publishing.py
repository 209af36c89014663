"""Instagram publishing against the sandbox over real HTTP, one worker step at a time (no
broker): quota check, containers (single image, carousel children then parent), status polling,
media_publish, permalink read-back; container errors, the 24-hour quota, lost answers. What the
"platform" received is asserted, including that nothing was published twice.

Images are MediaAssets uploaded like any other, served by the live server at their public URL
(MEDIA_ROOT is a temporary directory); the sandbox downloads them from there as Instagram
would, and checks they are JPEGs of an allowed size and shape. `jpeg()` writes real baseline
JPEG bytes (a flat grey picture of any size) so no imaging library is needed.
"""

from __future__ import annotations

import math
import struct
from datetime import timedelta

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from connections.providers import base as pb
from connections.providers import get_provider
from connections.providers.instagram import errors as ig_errors
from publishing import state
from publishing.models import JobStatus
from publishing.services import execution, platform_calls
from publishing.services.media import media_create
from publishing.services.posts import post_create
from sandbox.faults import add_fault
from sandbox.identities import INSTAGRAM_ACCOUNT
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.conftest import queued_job
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
IG = INSTAGRAM_ACCOUNT["user_id"]
pytestmark = pytest.mark.django_db(transaction=True)


# --- Real JPEG bytes without an imaging library --------------------------------------------


def jpeg(width: int = 1080, height: int = 1080, *, pad_to: int = 0) -> bytes:
    """A baseline greyscale JPEG of `width` x `height` (flat mid-grey): every 8x8 block is DC
    difference 0 then end-of-block, coded with one-symbol Huffman tables. `pad_to` adds comment
    segments until the file is at least that many bytes."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    parts = [b"\xff\xd8", segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    size = sum(map(len, parts))
    while size < pad_to:
        comment = segment(0xFE, b"\x00" * min(65533, pad_to - size))
        parts.append(comment)
        size += len(comment)
    parts += [
        segment(0xDB, b"\x00" + b"\x01" * 64),  # quantisation table 0: all ones
        segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),
        segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00"),  # DC: "0" -> category 0
        segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00"),  # AC: "0" -> end of block
        segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
    ]
    bits = "00" * (math.ceil(width / 8) * math.ceil(height / 8))
    bits += "1" * (-len(bits) % 8)  # pad the last byte with ones
    parts += [int(bits, 2).to_bytes(len(bits) // 8, "big"), b"\xff\xd9"]
    return b"".join(parts)


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- Fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_polling(settings):
    settings.PUBLISH_INSTAGRAM_POLL_MS = 10
    settings.PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS = 20


@pytest.fixture
def ig(sandbox, brand, media_root):
    return sandbox_connection(brand, "instagram")


def photo(brand, owner, name="cup.jpg", *, width=1080, height=1080, data=None, mime="image/jpeg"):
    body = jpeg(width, height) if data is None else data
    upload = SimpleUploadedFile(name, body, content_type=mime)
    return media_create(
        brand=brand, actor=owner, file=upload, mime=mime, width=width, height=height,
        alt_text=f"Photo {name}",
    )  # fmt: skip


def requeue(job):
    # What the dispatcher does once the retry is due (retrying -> queued).
    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def calls(endpoint=None, method=None):
    log = SandboxRequest.objects.filter(platform="instagram").order_by("id")
    if endpoint:
        log = log.filter(endpoint=endpoint)
    if method:
        log = log.filter(method=method)
    return list(log.values_list("endpoint", "method"))


def containers():
    return list(SandboxMedia.objects.filter(platform="instagram").order_by("id"))


def direct(connection, content, saved=None):
    """The provider called as the pipeline calls it, with a plain dict as the checkpoint."""
    saved = {} if saved is None else saved
    token = pb.TokenSet(access_token=connection.access_token)
    result = get_provider("instagram").publish(
        token, account_id=connection.account_id, content=content, saved=saved,
        checkpoint=lambda **ids: saved.update(ids),
    )  # fmt: skip
    return result, saved


# --- The happy paths -----------------------------------------------------------------------


def test_a_single_image_is_checked_against_the_quota_contained_polled_published_and_linked(
    brand, owner, ig
):
    asset = photo(brand, owner)
    job = queued_job(brand, owner, ig, text="Fresh roast today #coffee", media=[asset.pk])

    assert execution.job_execute(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    (container,) = containers()
    assert post.kind == "IMAGE" and post.text == "Fresh roast today #coffee"
    assert post.payload["container"] == {
        "image_url": asset.public_url,
        "caption": "Fresh roast today #coffee",
        "alt_text": "Photo cup.jpg",
    }
    assert container.state == "PUBLISHED" and container.mime == "image/jpeg"
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.permalink.startswith("https://www.instagram.com/p/")
    assert job.platform_ids["container_id"] == container.media_id
    assert job.platform_ids["media_id"] == post.post_id
    assert "publish_pending" not in job.platform_ids  # cleared once published
    # Quota first, then the container, polled until FINISHED, published, permalink read back.
    assert calls() == [
        ("content_publishing_limit", "GET"),
        ("media", "POST"),
        ("object", "GET"),
        ("object", "GET"),
        ("media_publish", "POST"),
        ("object", "GET"),
    ]


def test_a_carousel_has_its_children_in_order_and_the_caption_only_on_the_parent(brand, owner, ig):
    assets = [photo(brand, owner, f"p{i}.jpg", width=1080, height=1350) for i in range(3)]
    job = queued_job(brand, owner, ig, text="Three roasts", media=[a.pk for a in assets])

    assert execution.job_execute(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    *children, parent = containers()
    assert post.kind == "CAROUSEL_ALBUM" and post.text == "Three roasts"
    assert post.media_ids == [c.media_id for c in children]
    assert [c["image_url"] for c in post.payload["children"]] == [a.public_url for a in assets]
    assert all("caption" not in c.payload for c in children)
    assert all(c.payload["is_carousel_item"] == "true" for c in children)
    assert parent.payload["media_type"] == "CAROUSEL"
    assert parent.payload["caption"] == "Three roasts"
    assert parent.payload["children"] == [c.media_id for c in children]
    assert job.platform_ids["children"] == [c.media_id for c in children]
    assert job.platform_ids["container_id"] == parent.media_id
    assert job.platform_post_id == post.post_id


def test_polling_goes_on_until_the_container_is_finished(brand, owner, ig, monkeypatch):
    monkeypatch.setenv("SANDBOX_INSTAGRAM_POLLS_TO_FINISH", "4")
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "published"

    # Four IN_PROGRESS answers, one FINISHED, then the permalink read.
    assert len(calls("object")) == 6
    assert SandboxPost.objects.count() == 1


def test_a_container_still_processing_at_the_deadline_is_resumed_not_recreated(
    brand, owner, ig, monkeypatch, settings
):
    monkeypatch.setenv("SANDBOX_INSTAGRAM_POLLS_TO_FINISH", "100000")
    settings.PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS = 1
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    (container,) = containers()
    assert job.last_error_code == "transient" and "still processing" in job.last_error_message
    assert job.platform_ids["container_id"] == container.media_id
    # Instagram finishes processing meanwhile; the retry publishes the same container.
    SandboxMedia.objects.filter(pk=container.pk).update(state="FINISHED")
    requeue(job)
    assert execution.job_execute(job.pk) == "published"
    assert len(containers()) == 1 and SandboxPost.objects.count() == 1


# --- Refused before any call ---------------------------------------------------------------


def test_a_png_is_refused_before_any_call(brand, owner, ig):
    asset = photo(brand, owner, "logo.png", data=png(), mime="image/png")
    content = pb.PostContent(
        text="Logo", media=(pb.MediaItem(url=asset.public_url, mime="image/png"),)
    )

    with pytest.raises(pb.Rejected, match="only JPEG"):
        direct(ig, content)

    # Through the pipeline the job fails too (validation or the provider, whichever is first).
    post = post_create(brand=brand, author=owner, text="Logo", targets=[ig.pk], media=[asset.pk])
    job = post.jobs.get()
    state.transition(job.pk, expected=S.DRAFT, to=S.QUEUED)  # past the submit-time gate
    execution.job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == S.FAILED
    assert calls() == [] and not SandboxPost.objects.exists()


def test_a_text_only_post_is_refused_with_a_clear_message(ig):
    with pytest.raises(pb.Rejected, match="at least one image"):
        direct(ig, pb.PostContent(text="Words only"))
    assert calls() == []


def test_more_than_ten_images_are_refused_before_any_call(brand, owner, ig):
    item = pb.MediaItem(url="http://example.invalid/a.jpg", mime="image/jpeg")
    with pytest.raises(pb.Rejected, match="at most 10"):
        direct(ig, pb.PostContent(text="Many", media=(item,) * 11))
    assert calls() == []


# --- What the sandbox checks, as Instagram does --------------------------------------------


@pytest.mark.parametrize(
    ("width", "height", "pad_to", "subcode"),
    [(1000, 400, 0, 2207009), (1080, 1920, 0, 2207009), (1080, 1080, 9 * 1024 * 1024, 2207004)],
)
def test_the_sandbox_refuses_a_bad_shape_or_size_with_the_platforms_subcode(
    brand, owner, ig, width, height, pad_to, subcode
):
    asset = photo(brand, owner, width=width, height=height, data=jpeg(width, height, pad_to=pad_to))
    content = pb.PostContent(text="Shape", media=(pb.MediaItem(asset.public_url, "image/jpeg"),))

    with pytest.raises(pb.Rejected) as refused:
        direct(ig, content)

    assert refused.value.platform_code.endswith(f"/{subcode}")
    assert refused.value.reason == ig_errors.meaning(subcode)
    assert containers() == []


def test_the_sandbox_refuses_a_jpeg_name_on_bytes_that_are_not_a_jpeg(brand, owner, ig):
    asset = photo(brand, owner, "fake.jpg", data=png())
    content = pb.PostContent(text="Fake", media=(pb.MediaItem(asset.public_url, "image/jpeg"),))

    with pytest.raises(pb.Rejected, match="format is not supported"):
        direct(ig, content)


def test_too_many_hashtags_are_refused_by_the_configurable_cap(brand, owner, ig, monkeypatch):
    asset = photo(brand, owner)
    tags = " ".join(f"#tag{i}" for i in range(6))
    content = pb.PostContent(text=tags, media=(pb.MediaItem(asset.public_url, "image/jpeg"),))

    with pytest.raises(pb.Rejected) as refused:
        direct(ig, content)
    assert refused.value.platform_code.endswith("/2207010")

    monkeypatch.setenv("SANDBOX_INSTAGRAM_HASHTAG_CAP", "30")
    result, _ = direct(ig, content)
    assert SandboxPost.objects.get().post_id == result.platform_post_id


# --- Container errors, expiry, reuse -------------------------------------------------------


def test_a_container_that_fails_processing_fails_the_job_with_the_reason(brand, owner, ig):
    add_fault(
        platform="instagram", kind="container_error", scope="publish",
        path_contains=f"{IG}/media", options={"subcode": 2207004},
    )  # fmt: skip
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == S.FAILED and job.last_error_code == "rejected"
    assert "too large" in job.last_error_message
    assert calls("media_publish") == [] and not SandboxPost.objects.exists()


def test_a_transient_container_error_is_retried_with_a_new_container(brand, owner, ig):
    add_fault(
        platform="instagram", kind="container_error", scope="publish",
        path_contains=f"{IG}/media", options={"subcode": 2207001},
    )  # fmt: skip
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "retrying"
    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    first, second = containers()
    assert first.state == "ERROR" and second.state == "PUBLISHED"
    assert SandboxPost.objects.count() == 1


def test_a_retry_reuses_finished_containers_instead_of_creating_new_ones(brand, owner, ig):
    add_fault(
        platform="instagram", kind="status", scope="publish", path_contains="media_publish",
        options={"status": 503},
    )  # fmt: skip
    assets = [photo(brand, owner, f"p{i}.jpg") for i in range(2)]
    job = queued_job(brand, owner, ig, text="Two", media=[a.pk for a in assets])

    assert execution.job_execute(job.pk) == "retrying"
    assert len(containers()) == 3  # two children and the parent, all FINISHED
    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    assert len(containers()) == 3 and len(calls("media", "POST")) == 3
    assert SandboxPost.objects.count() == 1


def test_an_expired_container_is_created_again(brand, owner, ig):
    add_fault(
        platform="instagram", kind="status", scope="publish", path_contains="media_publish",
        options={"status": 503},
    )  # fmt: skip
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])
    assert execution.job_execute(job.pk) == "retrying"
    SandboxMedia.objects.update(created_at=timezone.now() - timedelta(hours=25))

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    old, new = containers()
    assert old.state == "EXPIRED" and new.state == "PUBLISHED"
    job.refresh_from_db()
    assert job.platform_ids["container_id"] == new.media_id


def test_a_carousel_replaces_only_its_dead_children_and_keeps_their_order(brand, owner, ig):
    add_fault(
        platform="instagram", kind="status", scope="publish", path_contains="media_publish",
        options={"status": 503},
    )  # fmt: skip
    assets = [photo(brand, owner, f"p{i}.jpg") for i in range(3)]
    job = queued_job(brand, owner, ig, text="Three", media=[a.pk for a in assets])
    assert execution.job_execute(job.pk) == "retrying"
    first, second, third, parent = containers()
    # The first child and the parent outlive their 24 hours; the others are still fine.
    SandboxMedia.objects.filter(pk__in=[first.pk, parent.pk]).update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    *_, replacement, new_parent = containers()
    post = SandboxPost.objects.get()
    assert post.media_ids == [replacement.media_id, second.media_id, third.media_id]
    assert [c["image_url"] for c in post.payload["children"]] == [a.public_url for a in assets]
    assert new_parent.payload["children"] == post.media_ids
    assert len(containers()) == 6  # one new child and one new parent, nothing else


# --- The 24-hour publishing quota ----------------------------------------------------------


def _seed_posts(hours_ago: list[float]) -> list[SandboxPost]:
    posts = []
    for i, hours in enumerate(hours_ago):
        post = SandboxPost.objects.create(
            platform="instagram", account_id=IG, post_id=f"1790000000000{i:04d}",
            text=f"earlier {i}", kind="IMAGE",
        )  # fmt: skip
        SandboxPost.objects.filter(pk=post.pk).update(
            created_at=timezone.now() - timedelta(hours=hours)
        )
        posts.append(SandboxPost.objects.get(pk=post.pk))
    return posts


def test_a_full_quota_reschedules_for_when_the_oldest_publish_leaves_the_window(
    brand, owner, ig, monkeypatch, settings
):
    monkeypatch.setenv("SANDBOX_INSTAGRAM_QUOTA_TOTAL", "2")
    oldest, _ = _seed_posts([5, 1])
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "quota_exceeded"

    job.refresh_from_db()
    reset = oldest.created_at.replace(microsecond=0) + timedelta(hours=24)
    assert job.status == S.RETRYING and job.last_error_code == "quota_exceeded"
    assert reset <= job.next_attempt_at <= reset + timedelta(seconds=10)
    assert platform_calls.blocked_until(ig.pk) == job.next_attempt_at
    assert list(job.attempt_rows.values_list("outcome", flat=True)) == ["quota_exceeded"]
    assert containers() == [] and calls("media", "POST") == []  # checked before containers
    assert job.platform_ids == {}  # nothing on the platform: the next try validates again

    # Never failed for it, however many attempts it has used.
    settings.PUBLISH_MAX_ATTEMPTS = 1
    platform_calls.block_connection(ig.pk, until=timezone.now())
    requeue(job)
    assert execution.job_execute(job.pk) == "quota_exceeded"
    job.refresh_from_db()
    assert job.status == S.RETRYING and job.attempts == 2

    # The window moves on: the oldest publish leaves it, and the post goes out.
    SandboxPost.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=25))
    platform_calls.block_connection(ig.pk, until=timezone.now())
    requeue(job)
    assert execution.job_execute(job.pk) == "published"
    assert SandboxPost.objects.count() == 3


def test_a_quota_error_from_media_publish_itself_also_reschedules(brand, owner, ig, monkeypatch):
    # The quota fills up between our check and the publish (another app posted meanwhile).
    monkeypatch.setenv("SANDBOX_INSTAGRAM_QUOTA_TOTAL", "1")
    monkeypatch.setenv("SANDBOX_INSTAGRAM_POLLS_TO_FINISH", "0")
    asset = photo(brand, owner)
    content = pb.PostContent(text="Race", media=(pb.MediaItem(asset.public_url, "image/jpeg"),))
    saved: dict = {}
    token = pb.TokenSet(access_token=ig.access_token)
    provider = get_provider("instagram")

    def checkpoint(**ids):
        saved.update(ids)
        if "publish_pending" in ids and ids["publish_pending"]:
            _seed_posts([2])

    with pytest.raises(pb.QuotaExceeded) as full:
        provider.publish(token, account_id=IG, content=content, saved=saved, checkpoint=checkpoint)
    expected = SandboxPost.objects.get().created_at + timedelta(hours=24)
    assert abs((full.value.retry_at - expected).total_seconds()) <= 10


# --- Unknown outcomes ----------------------------------------------------------------------


def test_a_timeout_after_media_publish_was_accepted_is_reconciled_without_publishing_again(
    brand, owner, ig, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="instagram", kind="accepted_timeout", scope="publish",
        path_contains="media_publish", options={"seconds": 2},
    )  # fmt: skip
    assets = [photo(brand, owner, f"p{i}.jpg") for i in range(2)]
    job = queued_job(brand, owner, ig, text="Lost answer", media=[a.pk for a in assets])

    assert execution.job_execute(job.pk) == "reconciling"
    job.refresh_from_db()
    assert job.status == S.RECONCILING and job.platform_ids["publish_pending"]
    assert SandboxPost.objects.count() == 1  # the platform did publish it

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.permalink.startswith("https://www.instagram.com/p/")
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "found"),
    ]
    assert len(calls("media_publish")) == 1


def test_a_publish_that_never_reached_the_platform_is_sent_again_with_the_same_container(
    brand, owner, ig, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="instagram", kind="timeout", scope="publish", path_contains="media_publish",
        options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "requeued"  # the container is not PUBLISHED
    assert execution.job_execute(job.pk) == "published"

    assert len(containers()) == 1 and SandboxPost.objects.count() == 1


def test_a_retry_after_a_lost_answer_finds_the_post_instead_of_publishing_again(brand, owner, ig):
    # The worker died after sending media_publish: only `publish_pending` was saved.
    asset = photo(brand, owner)
    content = pb.PostContent(text="Once", media=(pb.MediaItem(asset.public_url, "image/jpeg"),))
    result, saved = direct(ig, content)
    lost = {k: v for k, v in saved.items() if k != "media_id"}
    lost["publish_pending"] = saved["container_id"]

    again, _ = direct(ig, content, saved=lost)

    assert again.platform_post_id == result.platform_post_id
    assert SandboxPost.objects.count() == 1 and len(calls("media_publish")) == 1


# --- Rate limits -----------------------------------------------------------------------------


def test_a_throttled_account_waits_for_the_time_meta_names(brand, owner, ig):
    add_fault(
        platform="instagram", kind="status", scope="publish", path_contains=f"{IG}/media",
        options={"status": 429},
    )  # fmt: skip
    job = queued_job(brand, owner, ig, media=[photo(brand, owner).pk])

    assert execution.job_execute(job.pk) == "rate_limited"

    job.refresh_from_db()
    # X-Business-Use-Case-Usage: estimated_time_to_regain_access = 5 minutes.
    assert job.next_attempt_at >= timezone.now() + timedelta(minutes=4)
    assert platform_calls.blocked_until(ig.pk) is not None


# --- The media listing (also read by analytics backfill) -----------------------------------


def test_the_media_listing_pages_newest_first_and_filters_by_time(ig, sandbox):
    seeded = _seed_posts([30, 20, 10, 3, 2, 1])  # oldest first
    url = f"{sandbox}/sandbox/instagram/graph/v21.0/{IG}/media"
    headers = {"Authorization": f"Bearer {ig.access_token}"}

    first = requests.get(url, params={"fields": "id,caption,timestamp", "limit": 4},
                         headers=headers, timeout=10).json()  # fmt: skip
    assert [m["id"] for m in first["data"]] == [p.post_id for p in reversed(seeded)][:4]
    assert first["data"][0]["timestamp"].endswith("+0000")
    second = requests.get(first["paging"]["next"], headers=headers, timeout=10).json()
    assert [m["id"] for m in second["data"]] == [seeded[1].post_id, seeded[0].post_id]
    assert "next" not in second["paging"] and "previous" in second["paging"]

    since = int((timezone.now() - timedelta(hours=12)).timestamp())
    until = int((timezone.now() - timedelta(hours=2, minutes=30)).timestamp())
    window = requests.get(url, params={"since": since, "until": until}, headers=headers,
                          timeout=10).json()  # fmt: skip
    assert [m["id"] for m in window["data"]] == [seeded[3].post_id, seeded[2].post_id]

    unknown = requests.get(url, params={"fields": "id,impressions"}, headers=headers, timeout=10)
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 100
