"""Facebook Page video posts against the sandbox over real HTTP, one worker step at a time:
the video is uploaded once from its public URL (POST /{page-id}/videos with file_url), its
processing is polled until it is ready or fails, a lost upload answer is found instead of
uploading again. What the "platform" received is asserted, including that nothing was uploaded
twice.

Videos are MediaAssets uploaded like any other and served by the live server at their public
URL (MEDIA_ROOT is a temporary directory); the sandbox fetches them as Facebook would and
tells a real MP4 from other bytes by its first box.
"""

import struct
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from connections.providers import base as pb
from connections.providers import get_provider
from publishing import state
from publishing.models import JobStatus
from publishing.services import execution
from publishing.services.media import media_create
from sandbox.facebook.videos import NOT_PROCESSED
from sandbox.faults import add_fault
from sandbox.identities import FACEBOOK_PAGES
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.conftest import queued_job as shared_queued_job
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
PAGE = FACEBOOK_PAGES[0]["id"]
pytestmark = pytest.mark.django_db(transaction=True)


def mp4(size: int = 4096) -> bytes:
    """The start of an MP4 file: an `ftyp` box (ISO base media, brand isom), then an `mdat`
    box of zeros filling the file to `size` bytes."""
    ftyp = struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 0x200, b"isomiso2")
    rest = max(size - len(ftyp), 8)
    return ftyp + struct.pack(">I4s", rest, b"mdat") + bytes(rest - 8)


@pytest.fixture(autouse=True)
def short_waits(settings):
    settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS = 20


@pytest.fixture
def page(sandbox, brand, media_root):
    return sandbox_connection(brand, "facebook")


def clip(brand, owner, data=None, name="clip.mp4"):
    upload = SimpleUploadedFile(name, mp4() if data is None else data, content_type="video/mp4")
    return media_create(brand=brand, actor=owner, file=upload, duration_s=12.0)


queued_job = partial(shared_queued_job, text="Our roastery in 12 seconds")


def requeue(job):
    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def calls(endpoint=None):
    log = SandboxRequest.objects.filter(platform="facebook").order_by("id")
    return list(
        log.filter(endpoint=endpoint) if endpoint else log.values_list("endpoint", flat=True)
    )


def videos():
    return list(SandboxMedia.objects.filter(platform="facebook").order_by("id"))


def test_a_video_is_uploaded_once_from_its_public_url_and_published_once_processed(
    brand, owner, page, sandbox
):
    asset = clip(brand, owner)
    job = queued_job(brand, owner, page, link="https://acme.example/tour", media=[asset.pk])

    assert execution.job_execute(job.pk) == "published"

    (video,) = videos()
    post = SandboxPost.objects.get()
    assert video.payload["file_url"] == asset.public_url and asset.public_url.startswith(sandbox)
    assert video.state == "ready" and video.size_bytes == len(mp4())
    assert video.payload["description"] == "Our roastery in 12 seconds\nhttps://acme.example/tour"
    assert video.payload["published"] is True
    assert (post.kind, post.text, post.media_ids) == (
        "video", video.payload["description"], [video.media_id],
    )  # fmt: skip
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.permalink == f"https://www.facebook.com/{PAGE}/videos/{video.media_id}/"
    assert job.platform_ids["video_id"] == video.media_id
    # Upload, then two reads while Facebook processes it and the one that finds it ready.
    assert calls() == ["videos_publish", "node", "node", "node"]
    assert calls("videos_publish")[0].path == f"/sandbox/facebook/graph/{PAGE}/videos"
    assert all(r.params == {"fields": "status,permalink_url,post_id,created_time"}
               for r in calls("node"))  # fmt: skip


def test_a_video_still_processing_at_the_deadline_is_polled_again_not_uploaded_again(
    brand, owner, page, settings, monkeypatch
):
    monkeypatch.setenv("SANDBOX_FACEBOOK_VIDEO_POLLS_TO_READY", "100000")
    settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS = 1
    job = queued_job(brand, owner, page, media=[clip(brand, owner).pk])

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    (video,) = videos()
    assert job.last_error_code == "transient" and "still processing" in job.last_error_message
    assert job.platform_ids["video_id"] == video.media_id and not SandboxPost.objects.exists()
    # Facebook finishes processing meanwhile; the retry only reads the same video.
    video.payload["_polls_to_ready"] = 0
    video.save(update_fields=["payload"])
    requeue(job)
    assert execution.job_execute(job.pk) == "published"
    assert len(videos()) == 1 and len(calls("videos_publish")) == 1
    assert SandboxPost.objects.get().media_ids == [video.media_id]


def test_a_video_facebook_cannot_process_fails_the_job_with_facebooks_reason(brand, owner, page):
    broken = clip(brand, owner, data=b"\x00not a movie" * 200, name="broken.mp4")
    job = queued_job(brand, owner, page, media=[broken.pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    (video,) = videos()
    assert video.state == "error"
    assert job.status == S.FAILED and job.last_error_code == "rejected"
    assert NOT_PROCESSED in job.last_error_message
    assert not SandboxPost.objects.exists() and len(calls("videos_publish")) == 1


def test_a_url_that_is_not_a_video_is_refused_at_upload(brand, owner, page, sandbox):
    # Facebook reads the type the server sends, not the one we recorded: here an SVG.
    svg = media_create(
        brand=brand, actor=owner, url=f"{sandbox}/sandbox/avatar/facebook/clip.svg",
        mime="video/mp4",
    )  # fmt: skip
    job = queued_job(brand, owner, page, media=[svg.pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert "No Video Detected" in job.last_error_message
    assert not videos() and not SandboxPost.objects.exists()


def test_an_upload_whose_answer_was_lost_is_found_by_reconcile_and_not_sent_again(
    brand, owner, page, settings, monkeypatch
):
    monkeypatch.setenv("SANDBOX_FACEBOOK_VIDEO_POLLS_TO_READY", "0")
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="facebook", kind="accepted_timeout", scope="publish",
              path_contains="/videos", options={"seconds": 2})  # fmt: skip
    job = queued_job(brand, owner, page, media=[clip(brand, owner).pk])

    assert execution.job_execute(job.pk) == "reconciling"
    job.refresh_from_db()
    assert "video_pending_since" in job.platform_ids and "video_id" not in job.platform_ids
    assert len(videos()) == 1  # Facebook did take the upload

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    (video,) = videos()
    post = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.permalink.endswith(f"/videos/{video.media_id}/")
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "found"),
    ]
    assert len(calls("videos_publish")) == 1 and len(calls("videos_list")) == 1


def test_a_lost_upload_still_processing_is_requeued_then_polled_without_a_second_upload(
    brand, owner, page, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="facebook", kind="accepted_timeout", scope="publish",
              path_contains="/videos", options={"seconds": 2})  # fmt: skip
    job = queued_job(brand, owner, page, media=[clip(brand, owner).pk])
    assert execution.job_execute(job.pk) == "reconciling"

    # Found, but still processing: not a post yet, so the job goes back to the queue...
    assert execution.job_reconcile(job.pk) == "requeued"
    assert not SandboxPost.objects.exists()
    # ...and the next attempt finds the same upload again and waits for it.
    assert execution.job_execute(job.pk) == "published"

    job.refresh_from_db()
    (video,) = videos()
    assert job.platform_ids["video_id"] == video.media_id
    assert len(calls("videos_publish")) == 1 and SandboxPost.objects.count() == 1


def test_a_video_with_photos_is_refused_before_any_call(page):
    content = pb.PostContent(
        text="Both",
        media=(
            pb.MediaItem("https://cdn.example/clip.mp4", "video/mp4"),
            pb.MediaItem("https://cdn.example/cup.jpg", "image/jpeg"),
        ),
    )
    token = pb.TokenSet(access_token=page.access_token)

    with pytest.raises(pb.Rejected, match="one video"):
        get_provider("facebook").publish(
            token, account_id=PAGE, content=content, saved={}, checkpoint=lambda **ids: None
        )
    assert not SandboxRequest.objects.exists()
