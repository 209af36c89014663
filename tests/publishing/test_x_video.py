"""X video and GIF publishing against the sandbox over real HTTP, one worker step at a time:
the chunked upload (initialize, append, finalize, STATUS) as X received it, each segment sent
once, resumed after an interruption, restarted when X lost the upload, and refused when X
cannot process the file.

The media is a real upload (`media_create`) served at its public URL by the app's /media/
route on the live server; small segments (X_MEDIA_CHUNK_BYTES) make a few MiB several appends.
"""

from __future__ import annotations

import time

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from publishing import state
from publishing.models import JobStatus
from publishing.services import execution, platform_calls
from publishing.services.media import media_create
from publishing.services.posts import post_create, post_publish_now
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
MiB = 1024 * 1024
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def x_account(sandbox, brand, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLISH_VIDEO_POLL_MAX_SECONDS = 0.01  # X asks for 1 s between STATUS reads
    settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS = 30
    monkeypatch.setenv("X_MEDIA_CHUNK_BYTES", str(MiB))
    return sandbox_connection(brand, "x")


def mp4_bytes(size: int, *, valid: bool = True) -> bytes:
    """`size` bytes that open like an MP4 (an `ftyp` box first), or, with valid=False, bytes
    that do not."""
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" if valid else b"not a video at all"
    body = bytes(range(256)) * (size // 256 + 1)
    return (head + body)[:size]


def gif_bytes(size: int) -> bytes:
    return (b"GIF89a\x10\x00\x10\x00" + b"\x00" * size)[:size]


def asset(brand, owner, data: bytes, *, name="clip.mp4", mime="video/mp4"):
    return media_create(
        brand=brand,
        actor=owner,
        file=SimpleUploadedFile(name, data, mime),
        duration_s=12.0 if mime.startswith("video/") else None,
    )


def queued_job(brand, owner, connection, media, text="Roasting day, in motion"):
    post = post_create(
        brand=brand, author=owner, text=text, targets=[connection.pk], media=[media.pk]
    )
    assert post_publish_now(post=post, actor=owner), "held for review"
    return post.jobs.get()


def requeue(job):
    # What the dispatcher does once the retry is due (retrying -> queued).
    platform_calls.block_connection(job.connection_id, until=timezone.now())
    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def calls(*endpoints: str) -> list[tuple[str, int]]:
    return list(
        SandboxRequest.objects.filter(platform="x", endpoint__in=endpoints)
        .order_by("id")
        .values_list("endpoint", "status")
    )


def uploads() -> list[SandboxMedia]:
    return list(SandboxMedia.objects.filter(platform="x").order_by("id"))


def fault_after_segment(monkeypatch, segment: int, status: int = 503) -> None:
    """Make the append of `segment` fail: the fault is added the moment the segment before it
    is checkpointed, so the upload is interrupted exactly there (once)."""
    real = execution._checkpoint
    fired = []

    def checkpoint(job_id):
        save = real(job_id)

        def save_then_fault(**ids):
            save(**ids)
            if ids.get("upload_next_segment") == segment and not fired:
                fired.append(segment)
                add_fault(
                    platform="x", kind="status", scope="publish", path_contains="/append",
                    options={"status": status},
                )  # fmt: skip

        return save_then_fault

    monkeypatch.setattr(execution, "_checkpoint", checkpoint)


# --- Videos ----------------------------------------------------------------------------------


def test_a_video_is_sent_in_order_processed_then_posted_once(brand, owner, x_account):
    data = mp4_bytes(3 * MiB + 512 * 1024)
    job = queued_job(brand, owner, x_account, asset(brand, owner, data))

    assert execution.job_execute(job.pk) == "published"

    (upload,) = uploads()
    tweet = SandboxPost.objects.get()
    assert upload.state == "succeeded" and upload.mime == "video/mp4"
    assert upload.size_bytes == len(data)
    assert upload.payload["category"] == "tweet_video"
    assert upload.payload["received"] == [0, 1, 2, 3]  # four 1 MiB segments, each once
    assert tweet.media_ids == [upload.media_id]
    assert tweet.text == "Roasting day, in motion"
    # Polled until processed, and only then posted.
    assert calls(
        "media_initialize", "media_append", "media_finalize", "media_status", "tweets_create"
    ) == [
        ("media_initialize", 200),
        *[("media_append", 200)] * 4,
        ("media_finalize", 200),
        ("media_status", 200),
        ("media_status", 200),
        ("tweets_create", 201),
    ]
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == tweet.post_id
    assert job.platform_ids["media_ids"] == [upload.media_id]
    assert job.platform_ids["upload_next_segment"] == 4


def test_an_upload_interrupted_midway_resumes_at_the_next_segment(
    brand, owner, x_account, monkeypatch
):
    job = queued_job(brand, owner, x_account, asset(brand, owner, mp4_bytes(4 * MiB)))
    fault_after_segment(monkeypatch, 2)

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    (upload,) = uploads()
    assert job.status == S.RETRYING and job.last_error_code == "transient"
    assert job.platform_ids["upload_next_segment"] == 2
    assert upload.payload["received"] == [0, 1]
    assert not SandboxPost.objects.exists()

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    (upload,) = uploads()  # the same upload, continued
    assert upload.payload["received"] == [0, 1, 2, 3]
    assert [s for _, s in calls("media_append")] == [200, 200, 503, 200, 200]
    assert len(calls("media_initialize")) == 1
    assert SandboxPost.objects.get().media_ids == [upload.media_id]


def test_an_upload_x_no_longer_has_is_started_again(brand, owner, x_account, monkeypatch):
    job = queued_job(brand, owner, x_account, asset(brand, owner, mp4_bytes(3 * MiB)))
    fault_after_segment(monkeypatch, 1)
    assert execution.job_execute(job.pk) == "retrying"
    # The retry comes after X's expiry for the half-sent upload.
    (lost,) = uploads()
    lost.payload["expires_at"] = time.time() - 1
    lost.save(update_fields=["payload"])

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    lost_again, fresh = uploads()
    assert lost_again.payload["received"] == [0] and lost_again.state == "uploading"
    assert fresh.payload["received"] == [0, 1, 2] and fresh.state == "succeeded"
    assert len(calls("media_initialize")) == 2
    # One refused append on the lost upload (400 expired), then the new upload from 0.
    assert [s for _, s in calls("media_append")] == [200, 503, 400, 200, 200, 200]
    assert SandboxPost.objects.get().media_ids == [fresh.media_id]


def test_a_lost_finalize_answer_is_reconciled_then_finished_without_sending_again(
    brand, owner, x_account, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="x", kind="accepted_timeout", scope="publish", path_contains="/finalize",
        options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, x_account, asset(brand, owner, mp4_bytes(2 * MiB)))

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "requeued"  # no tweet on the timeline
    assert execution.job_execute(job.pk) == "published"

    (upload,) = uploads()
    assert upload.payload["received"] == [0, 1]
    assert len(calls("media_initialize")) == 1 and len(calls("media_finalize")) == 2
    assert SandboxPost.objects.get().media_ids == [upload.media_id]


def test_a_video_x_cannot_process_fails_with_xs_reason(brand, owner, x_account):
    job = queued_job(brand, owner, x_account, asset(brand, owner, mp4_bytes(MiB, valid=False)))

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    (upload,) = uploads()
    assert upload.state == "failed"
    assert job.status == S.FAILED and job.last_error_code == "rejected"
    assert job.last_error_message == "X could not process the video: Unsupported video format"
    assert not SandboxPost.objects.exists()
    assert job.platform_ids.get("upload_id") is None  # a retry by hand uploads afresh


def test_a_video_still_processing_at_the_deadline_is_polled_again_on_the_next_attempt(
    brand, owner, x_account, settings, monkeypatch
):
    monkeypatch.setenv("SANDBOX_X_MEDIA_PROCESSING_POLLS", "4")
    monkeypatch.setenv("SANDBOX_X_MEDIA_CHECK_AFTER_SECS", "5")
    settings.PUBLISH_VIDEO_POLL_MAX_SECONDS = 2
    settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS = 1  # shorter than one capped wait
    job = queued_job(brand, owner, x_account, asset(brand, owner, mp4_bytes(MiB)))

    assert execution.job_execute(job.pk) == "retrying"
    job.refresh_from_db()
    assert job.platform_ids["upload_finalized"] is True
    assert "still processing" in job.last_error_message

    settings.PUBLISH_VIDEO_POLL_MAX_SECONDS = 0.01
    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    assert len(calls("media_finalize")) == 1 and len(calls("media_append")) == 1
    assert SandboxPost.objects.get().media_ids == [uploads()[0].media_id]


# --- GIFs ------------------------------------------------------------------------------------


def test_a_gif_goes_up_chunked_as_tweet_gif(brand, owner, x_account):
    gif = asset(brand, owner, gif_bytes(MiB + 300_000), name="loop.gif", mime="image/gif")
    job = queued_job(brand, owner, x_account, gif, text="Latte art, on a loop")

    assert execution.job_execute(job.pk) == "published"

    (upload,) = uploads()
    assert upload.mime == "image/gif" and upload.payload["category"] == "tweet_gif"
    assert upload.payload["received"] == [0, 1]
    assert SandboxPost.objects.get().media_ids == [upload.media_id]
    assert not calls("media_upload")  # never the one-shot image upload


# --- Images still go up in one shot ----------------------------------------------------------


def test_images_still_go_up_in_one_shot_beside_the_chunked_routes(brand, owner, x_account):
    photos = [
        asset(brand, owner, b"\xff\xd8\xff\xe0" + bytes([i]) * 2000, name=f"p{i}.jpg",
              mime="image/jpeg")
        for i in range(2)
    ]  # fmt: skip
    post = post_create(
        brand=brand, author=owner, text="Two cups", targets=[x_account.pk],
        media=[p.pk for p in photos],
    )  # fmt: skip
    assert post_publish_now(post=post, actor=owner)

    assert execution.job_execute(post.jobs.get().pk) == "published"

    images = uploads()
    assert [m.mime for m in images] == ["image/jpeg", "image/jpeg"]
    assert [s for _, s in calls("media_upload")] == [200, 200]
    assert not calls("media_initialize")
    assert SandboxPost.objects.get().media_ids == [m.media_id for m in images]


# --- The sandbox's own rules -----------------------------------------------------------------


def test_the_sandbox_refuses_a_post_with_media_still_processing_and_segments_out_of_order(
    sandbox, x_account
):
    api = f"{sandbox}/sandbox/x/2"
    auth = {"Authorization": f"Bearer {x_account.access_token}"}
    data = mp4_bytes(1500)
    init = requests.post(
        f"{api}/media/upload/initialize", headers=auth,
        json={"media_type": "video/mp4", "total_bytes": len(data), "media_category": "tweet_video"},
    ).json()["data"]  # fmt: skip
    media_id = init["id"]

    def append(index, chunk):
        return requests.post(
            f"{api}/media/upload/{media_id}/append", headers=auth,
            data={"segment_index": str(index)}, files={"media": ("s", chunk)},
        )  # fmt: skip

    def tweet():
        body = {"text": "Too soon?", "media": {"media_ids": [media_id]}}
        return requests.post(f"{api}/tweets", headers=auth, json=body)

    assert append(1, data[1000:]).status_code == 400  # segment 0 comes first
    assert append(0, data[:1000]).status_code == 200
    short = requests.post(f"{api}/media/upload/{media_id}/finalize", headers=auth)
    assert short.status_code == 400 and "mismatch" in short.json()["detail"]
    assert append(1, data[1000:]).status_code == 200
    finalized = requests.post(f"{api}/media/upload/{media_id}/finalize", headers=auth).json()
    assert finalized["data"]["processing_info"]["state"] == "pending"
    assert tweet().status_code == 400  # not usable before processing succeeded

    status = {"command": "STATUS", "media_id": media_id}
    states = [
        requests.get(f"{api}/media/upload", headers=auth, params=status).json()["data"][
            "processing_info"
        ]["state"]
        for _ in range(2)
    ]
    assert states == ["in_progress", "succeeded"]
    assert tweet().status_code == 201
    unknown = requests.get(f"{api}/media/upload", headers=auth, params={**status, "media_id": "1"})
    assert unknown.status_code == 400
