"""Instagram video against the sandbox over real HTTP, one worker step at a time: a single video
is a Reel (media_type=REELS), a carousel may mix images and VIDEO children, video containers are
polled longer, a file Instagram cannot read fails with 2207026, and a Reel whose publish answer
was lost is found, not published again.

Videos and images are MediaAssets served by the live server at their public URL (MEDIA_ROOT
is a temporary directory); the sandbox downloads them as Instagram would.
"""

from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from connections.providers import base as pb
from connections.providers import get_provider
from publishing.models import JobStatus
from publishing.services import execution
from publishing.services.media import media_create
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.conftest import queued_job as shared_queued_job
from tests.publishing.test_facebook_video import mp4
from tests.publishing.test_instagram_publishing import jpeg
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_polling(settings):
    settings.PUBLISH_INSTAGRAM_POLL_MS = 10
    settings.PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS = 20
    settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS = 20


@pytest.fixture
def ig(sandbox, brand, media_root):
    return sandbox_connection(brand, "instagram")


def clip(brand, owner, data=None, name="reel.mp4"):
    upload = SimpleUploadedFile(name, mp4() if data is None else data, content_type="video/mp4")
    return media_create(
        brand=brand, actor=owner, file=upload, width=1080, height=1920, duration_s=12.0
    )


def photo(brand, owner, name="cup.jpg"):
    upload = SimpleUploadedFile(name, jpeg(1080, 1080), content_type="image/jpeg")
    return media_create(brand=brand, actor=owner, file=upload, width=1080, height=1080)


queued_job = partial(shared_queued_job, text="Behind the roaster #coffee")


def calls(endpoint=None, method=None):
    log = SandboxRequest.objects.filter(platform="instagram").order_by("id")
    if endpoint:
        log = log.filter(endpoint=endpoint)
    if method:
        log = log.filter(method=method)
    return list(log.values_list("endpoint", "method"))


def containers():
    return list(SandboxMedia.objects.filter(platform="instagram").order_by("id"))


def sent(container):
    """What the container was created with (the sandbox's own bookkeeping left out)."""
    return {k: v for k, v in container.payload.items() if not k.startswith("_")}


def test_a_single_video_is_published_as_a_reel(brand, owner, ig):
    asset = clip(brand, owner)
    job = queued_job(brand, owner, ig, media=[asset.pk])

    assert execution.job_execute(job.pk) == "published"

    (container,) = containers()
    post = SandboxPost.objects.get()
    assert sent(container) == {
        "media_type": "REELS",
        "video_url": asset.public_url,
        "caption": "Behind the roaster #coffee",
        "share_to_feed": "true",
    }
    assert container.state == "PUBLISHED" and container.mime == "video/mp4"
    assert post.kind == "VIDEO" and post.payload["media_product_type"] == "REELS"
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.permalink.startswith("https://www.instagram.com/p/")
    # A video container stays IN_PROGRESS longer than an image's: three reads, then FINISHED.
    assert calls() == [
        ("content_publishing_limit", "GET"),
        ("media", "POST"),
        *[("object", "GET")] * 4,
        ("media_publish", "POST"),
        ("object", "GET"),
    ]


def test_a_carousel_mixes_an_image_and_a_video_with_the_caption_on_the_parent(brand, owner, ig):
    image, video = photo(brand, owner), clip(brand, owner)
    job = queued_job(brand, owner, ig, text="Bean to cup", media=[image.pk, video.pk])

    assert execution.job_execute(job.pk) == "published"

    image_child, video_child, parent = containers()
    post = SandboxPost.objects.get()
    assert sent(image_child) == {"image_url": image.public_url, "is_carousel_item": "true"}
    assert sent(video_child) == {
        "media_type": "VIDEO", "video_url": video.public_url, "is_carousel_item": "true",
    }  # fmt: skip
    assert sent(parent)["media_type"] == "CAROUSEL" and sent(parent)["caption"] == "Bean to cup"
    assert sent(parent)["children"] == [image_child.media_id, video_child.media_id]
    assert post.kind == "CAROUSEL_ALBUM" and post.text == "Bean to cup"
    assert post.media_ids == [image_child.media_id, video_child.media_id]
    assert [c.get("video_url") for c in post.payload["children"]] == [None, video.public_url]
    job.refresh_from_db()
    assert job.platform_ids["children"] == [image_child.media_id, video_child.media_id]
    assert job.platform_post_id == post.post_id


def test_video_gets_the_longer_processing_wait(brand, owner, ig, settings, monkeypatch):
    # Five in-progress reads 300 ms apart outlast the image wait, not the video wait.
    monkeypatch.setenv("SANDBOX_INSTAGRAM_VIDEO_POLLS_TO_FINISH", "5")
    settings.PUBLISH_INSTAGRAM_POLL_MS = 300
    settings.PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS = 1
    job = queued_job(brand, owner, ig, media=[clip(brand, owner).pk])

    assert execution.job_execute(job.pk) == "published"

    assert len(calls("object")) == 7  # five IN_PROGRESS, FINISHED, then the permalink
    assert len(containers()) == 1


def test_a_file_instagram_cannot_read_as_video_fails_with_2207026(brand, owner, ig):
    broken = clip(brand, owner, data=b"\x00not a movie" * 200, name="broken.mp4")
    job = queued_job(brand, owner, ig, media=[broken.pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    (container,) = containers()
    assert container.state == "ERROR"
    assert job.last_error_code == "rejected"
    assert "the video format is not supported (2207026)" in job.last_error_message
    assert not SandboxPost.objects.exists() and not calls("media_publish")


def test_a_video_that_is_not_mp4_or_mov_is_refused_before_any_call(ig):
    content = pb.PostContent(
        text="Webm", media=(pb.MediaItem("https://cdn.example/clip.webm", "video/webm"),)
    )
    token = pb.TokenSet(access_token=ig.access_token)

    with pytest.raises(pb.Rejected, match="MP4 or MOV"):
        get_provider("instagram").publish(
            token, account_id=ig.account_id, content=content, saved={},
            checkpoint=lambda **ids: None,
        )  # fmt: skip
    assert not SandboxRequest.objects.exists()


def test_a_single_video_container_is_refused_by_the_sandbox_as_instagram_does(ig, sandbox):
    import requests

    answer = requests.post(
        f"{sandbox}/sandbox/instagram/graph/{ig.account_id}/media",
        headers={"Authorization": f"Bearer {ig.access_token}"},
        data={"media_type": "VIDEO", "video_url": f"{sandbox}/media/x.mp4"},
        timeout=10,
    )

    assert answer.status_code == 400 and answer.json()["error"]["error_subcode"] == 2207023
    assert not containers()


def test_a_reel_whose_publish_answer_was_lost_is_found_by_reconcile_not_published_again(
    brand, owner, ig, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="instagram", kind="accepted_timeout", scope="publish",
        path_contains="media_publish", options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, ig, text="Lost reel", media=[clip(brand, owner).pk])

    assert execution.job_execute(job.pk) == "reconciling"
    assert SandboxPost.objects.count() == 1  # Instagram did publish it

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert post.kind == "VIDEO"
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "found"),
    ]
    assert len(calls("media_publish")) == 1 and len(calls("media", "POST")) == 1
