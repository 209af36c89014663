"""LinkedIn video publishing against the sandbox over real HTTP, one worker step at a time: the
Videos API upload (initializeUpload, part PUTs, finalizeUpload, status reads) as LinkedIn
received it, each part sent once, resumed after an interruption, started again when the upload
URLs expired, and refused when LinkedIn cannot process the file.

The video is a real upload (`media_create`) served at its public URL by the app's /media/ route
on the live server; small parts (SANDBOX_LINKEDIN_VIDEO_PART_BYTES) make a few MiB several PUTs.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from connections.providers.linkedin.oauth import VERSION_HEADERS
from publishing import state
from publishing.models import JobStatus, PublishJob
from publishing.services import execution, platform_calls
from publishing.services.media import media_create
from publishing.services.posts import post_create, post_publish_now
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
MiB = 1024 * 1024
ORG = "urn:li:organization:900001"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_parts(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLISH_VIDEO_POLL_MAX_SECONDS = 0.01
    settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS = 30
    monkeypatch.setenv("SANDBOX_LINKEDIN_VIDEO_PART_BYTES", str(MiB))


@pytest.fixture
def member(sandbox, brand):
    return sandbox_connection(brand, "linkedin")


@pytest.fixture
def org(sandbox, brand):
    return sandbox_connection(brand, "linkedin", account_id=ORG, display_name="Acme Corp")


def mp4_bytes(size: int, *, valid: bool = True) -> bytes:
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" if valid else b"not a video at all"
    body = bytes(range(256)) * (size // 256 + 1)
    return (head + body)[:size]


def video_job(brand, owner, connection, data: bytes, text="Behind the roaster", **kwargs):
    clip = media_create(
        brand=brand,
        actor=owner,
        file=SimpleUploadedFile("clip.mp4", data, "video/mp4"),
        duration_s=12.0,
    )
    post = post_create(
        brand=brand, author=owner, text=text, targets=[connection.pk], media=[clip.pk], **kwargs
    )
    assert post_publish_now(post=post, actor=owner), "held for review"
    return post.jobs.get()


def requeue(job):
    # What the dispatcher does once the retry is due (retrying -> queued).
    platform_calls.block_connection(job.connection_id, until=timezone.now())
    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def calls(*endpoints: str) -> list[tuple[str, int]]:
    return list(
        SandboxRequest.objects.filter(platform="linkedin", endpoint__in=endpoints)
        .order_by("id")
        .values_list("endpoint", "status")
    )


def videos() -> list[SandboxMedia]:
    return list(SandboxMedia.objects.filter(platform="linkedin").order_by("id"))


def fault_when(monkeypatch, saved, **fault) -> None:
    """Add `fault` (once) the moment a checkpoint saves ids for which `saved(ids)` holds, so the
    upload is interrupted exactly there."""
    real = execution._checkpoint
    fired = []

    def checkpoint(job_id):
        save = real(job_id)

        def save_then_fault(**ids):
            save(**ids)
            if saved(ids) and not fired:
                fired.append(ids)
                add_fault(platform="linkedin", scope="publish", **fault)

        return save_then_fault

    monkeypatch.setattr(execution, "_checkpoint", checkpoint)


def fault_after_part(monkeypatch, done: int) -> None:
    """The PUT of part `done` answers 503."""
    fault_when(
        monkeypatch, lambda ids: len(ids.get("video_etags") or []) == done,
        kind="status", path_contains="uploaded-video", options={"status": 503},
    )  # fmt: skip


def test_a_member_video_is_uploaded_in_parts_processed_then_posted_once(brand, owner, member):
    data = mp4_bytes(2 * MiB + 300_000)
    job = video_job(brand, owner, member, data)

    assert execution.job_execute(job.pk) == "published"

    (video,) = videos()
    post = SandboxPost.objects.get()
    assert video.media_id.startswith("urn:li:video:") and video.state == "AVAILABLE"
    assert video.account_id == member.account_id and video.size_bytes == len(data)
    assert video.payload["received"] == [0, 1, 2]  # three parts, each once
    assert post.payload["content"] == {"media": {"id": video.media_id}}
    assert post.media_ids == [video.media_id] and post.text == "Behind the roaster"
    assert calls(
        "videos_initialize", "video_upload_part", "videos_finalize", "video_get", "posts_create"
    ) == [
        ("videos_initialize", 200),
        *[("video_upload_part", 200)] * 3,
        ("videos_finalize", 200),
        ("video_get", 200),
        ("video_get", 200),
        ("posts_create", 201),
    ]
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.platform_ids["video_urn"] == video.media_id and job.platform_ids["video_ready"]
    assert job.platform_ids["video_etags"] == [video.payload["etags"][str(i)] for i in range(3)]


def test_an_organization_video_with_a_link_keeps_the_link_in_the_commentary(brand, owner, org):
    job = video_job(
        brand, owner, org, mp4_bytes(MiB), text="New blend", link="https://acme.example/blend"
    )

    assert execution.job_execute(job.pk) == "published"

    post = SandboxPost.objects.get()
    (video,) = videos()
    assert post.account_id == ORG and video.account_id == ORG
    assert post.payload["content"] == {"media": {"id": video.media_id}}  # no article card
    assert "https://acme.example/blend" in post.text


def test_an_upload_interrupted_midway_resumes_at_the_next_part(brand, owner, member, monkeypatch):
    job = video_job(brand, owner, member, mp4_bytes(3 * MiB))
    fault_after_part(monkeypatch, 1)

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    (video,) = videos()
    assert job.status == S.RETRYING and job.last_error_code == "transient"
    assert len(job.platform_ids["video_etags"]) == 1
    assert video.payload["received"] == [0] and video.state == "WAITING_UPLOAD"

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    (video,) = videos()  # the same upload, continued
    assert video.payload["received"] == [0, 1, 2]
    assert [s for _, s in calls("video_upload_part")] == [200, 503, 200, 200]
    assert len(calls("videos_initialize")) == 1 and len(calls("videos_finalize")) == 1
    assert SandboxPost.objects.get().media_ids == [video.media_id]


def test_expired_upload_urls_start_a_new_upload(brand, owner, member, monkeypatch):
    job = video_job(brand, owner, member, mp4_bytes(2 * MiB))
    fault_after_part(monkeypatch, 1)
    assert execution.job_execute(job.pk) == "retrying"
    # The retry comes after the upload URLs' expiry (uploadUrlsExpireAt).
    expired = int((time.time() - 1) * 1000)
    PublishJob.objects.filter(pk=job.pk).update(
        platform_ids={**PublishJob.objects.get(pk=job.pk).platform_ids, "video_expires_at": expired}
    )

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    abandoned, fresh = videos()
    assert abandoned.payload["received"] == [0] and abandoned.state == "WAITING_UPLOAD"
    assert fresh.payload["received"] == [0, 1] and fresh.state == "AVAILABLE"
    # The expired URLs were not tried again: a new upload from its first part.
    assert [s for _, s in calls("video_upload_part")] == [200, 503, 200, 200]
    assert SandboxPost.objects.get().payload["content"] == {"media": {"id": fresh.media_id}}


def test_a_lost_finalize_answer_is_reconciled_then_finished_without_sending_parts_again(
    brand, owner, member, settings, monkeypatch
):
    settings.PLATFORM_READ_TIMEOUT = 1
    job = video_job(brand, owner, member, mp4_bytes(2 * MiB))
    # Finalize is accepted, but its answer never arrives (armed once both parts are stored).
    fault_when(
        monkeypatch, lambda ids: len(ids.get("video_etags") or []) == 2,
        kind="accepted_timeout", path_contains="/rest/videos", options={"seconds": 2},
    )  # fmt: skip

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "requeued"  # members' posts cannot be read: 403
    assert execution.job_execute(job.pk) == "published"

    (video,) = videos()
    assert video.payload["received"] == [0, 1]
    # The first finalize's answer is still being held by the sandbox (its 2 s are longer than
    # our 1 s read timeout): wait for it to be logged before reading its status.
    deadline = time.monotonic() + 30
    while any(status is None for _, status in calls("videos_finalize")):
        assert time.monotonic() < deadline, calls("videos_finalize")
        time.sleep(0.1)
    assert [s for _, s in calls("videos_finalize")] == [200, 200]  # the same finalize again
    assert len(calls("videos_initialize")) == 1
    assert SandboxPost.objects.count() == 1


def test_a_video_linkedin_cannot_process_fails_with_the_reason(brand, owner, member):
    job = video_job(brand, owner, member, mp4_bytes(MiB, valid=False))

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    (video,) = videos()
    assert video.state == "PROCESSING_FAILED"
    assert job.status == S.FAILED and job.last_error_code == "rejected"
    assert job.last_error_message == (
        "LinkedIn could not process the video: The video could not be transcoded"
    )
    assert not SandboxPost.objects.exists()


def test_the_sandbox_checks_parts_and_etags_and_refuses_a_post_before_the_video_is_available(
    sandbox, member
):
    api = f"{sandbox}/sandbox/linkedin/api/rest"
    auth = {"Authorization": f"Bearer {member.access_token}", **VERSION_HEADERS}
    data = mp4_bytes(MiB + 10)
    request = {"owner": member.account_id, "fileSizeBytes": len(data)}
    value = requests.post(
        f"{api}/videos", params={"action": "initializeUpload"}, headers=auth,
        json={"initializeUploadRequest": {**request, "uploadCaptions": False}},
    ).json()["value"]  # fmt: skip
    first, second = value["uploadInstructions"]
    assert (first["firstByte"], first["lastByte"], second["lastByte"]) == (0, MiB - 1, MiB + 9)

    def put(part, chunk):
        return requests.put(part["uploadUrl"], data=chunk, headers=auth)

    def finalize(etags):
        body = {"video": value["video"], "uploadToken": value["uploadToken"]}
        return requests.post(
            f"{api}/videos", params={"action": "finalizeUpload"}, headers=auth,
            json={"finalizeUploadRequest": {**body, "uploadedPartIds": etags}},
        )  # fmt: skip

    assert put(first, data[:100]).status_code == 400  # not the part's length
    etags = [put(first, data[:MiB]).headers["ETag"]]
    assert finalize(etags).status_code == 400  # a part is missing
    etags.append(put(second, data[MiB:]).headers["ETag"])
    assert finalize(etags[::-1]).status_code == 400  # not in part order
    assert finalize(etags).status_code == 200

    post = {
        "author": member.account_id, "commentary": "Too soon?", "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED"}, "lifecycleState": "PUBLISHED",
        "content": {"media": {"id": value["video"]}},
    }  # fmt: skip
    assert requests.post(f"{api}/posts", headers=auth, json=post).status_code == 422
    video_url = f"{api}/videos/{quote(value['video'], safe='')}"
    statuses = [requests.get(video_url, headers=auth).json()["status"] for _ in range(2)]
    assert statuses == ["PROCESSING", "AVAILABLE"]
    assert requests.post(f"{api}/posts", headers=auth, json=post).status_code == 201
