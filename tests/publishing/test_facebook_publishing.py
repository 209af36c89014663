"""Facebook Page publishing against the sandbox over real HTTP, one worker step at a time (no
broker): text, link, one photo, several photos (unpublished photos + attached_media), the
permalink, duplicates, the Page's call budget, dead tokens and lost answers. What the
"platform" received is asserted, including that nothing was posted or uploaded twice.

Photos are MediaAssets uploaded like any other, served by the live server at their public URL
(MEDIA_ROOT is a temporary directory); the sandbox fetches them from there as Facebook would.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from publishing import state
from publishing.models import JobStatus
from publishing.services import execution, platform_calls
from publishing.services.media import media_create
from sandbox.faults import add_fault
from sandbox.identities import FACEBOOK_PAGES
from sandbox.models import SandboxRequest, SandboxToken
from sandbox.published.models import SandboxMedia, SandboxPost
from tests.publishing.conftest import queued_job
from tests.sandbox_accounts import sandbox_connection

S = JobStatus
PAGE = FACEBOOK_PAGES[0]["id"]
pytestmark = pytest.mark.django_db(transaction=True)


def jpeg(seed: int = 0, size: int = 2048) -> bytes:
    """Bytes a browser would call a JPEG (SOI, JFIF header, filler, EOI)."""
    body = bytes((seed + i) % 251 for i in range(max(size - 24, 0)))
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + body + b"\xff\xd9"
    )


@pytest.fixture
def page(sandbox, brand, media_root):
    return sandbox_connection(brand, "facebook")


def photo(brand, owner, name="cup.jpg", seed=0):
    upload = SimpleUploadedFile(name, jpeg(seed), content_type="image/jpeg")
    return media_create(brand=brand, actor=owner, file=upload, width=1200, height=900)


def requeue(job):
    # What the dispatcher does once the retry is due (retrying -> queued).
    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def calls(endpoint=None):
    log = SandboxRequest.objects.filter(platform="facebook").order_by("id")
    return list(
        log.filter(endpoint=endpoint) if endpoint else log.values_list("endpoint", flat=True)
    )


def test_a_text_post_goes_to_the_page_feed_once_with_its_permalink_read_after_write(
    brand, owner, page
):
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get(platform="facebook")
    assert (sent.account_id, sent.kind, sent.text) == (PAGE, "status", "Fresh roast today")
    assert sent.payload == {"message": "Fresh roast today", "published": True}
    story = sent.post_id.removeprefix(f"{PAGE}_")
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == sent.post_id
    assert job.permalink == f"https://www.facebook.com/{PAGE}/posts/{story}"
    # The permalink came back with the POST (fields=id,permalink_url): no second call.
    assert calls() == ["feed_publish"]
    assert calls("feed_publish")[0].params == {"fields": "id,permalink_url"}
    assert list(job.attempt_rows.values_list("outcome", flat=True)) == ["published"]


def test_a_link_post_sends_the_link_for_facebook_to_preview(brand, owner, page):
    job = queued_job(brand, owner, page, text="Our autumn blend", link="https://acme.example/a")

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get()
    assert sent.kind == "link"
    assert sent.payload == {
        "message": "Our autumn blend",
        "link": "https://acme.example/a",
        "published": True,
    }


def test_a_single_photo_is_published_through_the_photos_edge_from_its_public_url(
    brand, owner, page, sandbox
):
    cup = photo(brand, owner)
    job = queued_job(brand, owner, page, text="A cup for you", media=[cup.pk])

    assert execution.job_execute(job.pk) == "published"

    picture = SandboxMedia.objects.get(platform="facebook")
    sent = SandboxPost.objects.get()
    assert picture.state == "published" and picture.size_bytes == len(jpeg(0))
    assert picture.payload["url"] == cup.public_url and cup.public_url.startswith(sandbox)
    assert (sent.kind, sent.text, sent.media_ids) == ("photo", "A cup for you", [picture.media_id])
    job.refresh_from_db()
    assert job.platform_post_id == sent.post_id
    assert job.permalink.endswith(sent.post_id.replace("_", "/posts/"))
    assert job.platform_ids["photo_ids"] == [picture.media_id]
    # /photos answers {id, post_id}; the permalink is read from the post.
    assert calls() == ["photos_publish", "node"]


def test_several_photos_are_uploaded_unpublished_then_attached_to_one_feed_post(brand, owner, page):
    assets = [photo(brand, owner, f"p{i}.jpg", seed=i) for i in range(3)]
    job = queued_job(
        brand, owner, page, text="Three cups", link="https://acme.example/cups",
        media=[a.pk for a in assets],
    )  # fmt: skip

    assert execution.job_execute(job.pk) == "published"

    uploaded = list(SandboxMedia.objects.filter(platform="facebook").order_by("id"))
    sent = SandboxPost.objects.get()
    ids = [m.media_id for m in uploaded]
    assert [m.payload["url"] for m in uploaded] == [a.public_url for a in assets]
    assert {m.state for m in uploaded} == {"attached"}
    assert sent.kind == "album" and sent.media_ids == ids
    assert sent.payload == {
        # A post with photos cannot also preview a link: the link goes into the text.
        "message": "Three cups\nhttps://acme.example/cups",
        "published": True,
        "attached_media": [{"media_fbid": i} for i in ids],
    }
    job.refresh_from_db()
    assert job.platform_ids["photo_ids"] == ids and job.platform_post_id == sent.post_id
    assert job.permalink
    assert calls() == ["photos_publish"] * 3 + ["feed_publish"]
    assert all(r.params == {} for r in calls("photos_publish"))


def test_a_failed_album_post_is_retried_with_the_photos_already_uploaded(brand, owner, page):
    assets = [photo(brand, owner, f"p{i}.jpg", seed=i) for i in range(2)]
    add_fault(platform="facebook", kind="status", scope="publish", path_contains="/feed",
              options={"status": 503})  # fmt: skip
    job = queued_job(brand, owner, page, text="Two cups", media=[a.pk for a in assets])

    assert execution.job_execute(job.pk) == "retrying"
    job.refresh_from_db()
    assert job.status == S.RETRYING and job.last_error_code == "transient"
    assert len(job.platform_ids["photo_ids"]) == 2 and not SandboxPost.objects.exists()

    requeue(job)
    assert execution.job_execute(job.pk) == "published"

    assert SandboxMedia.objects.count() == 2 and len(calls("photos_publish")) == 2
    sent = SandboxPost.objects.get()
    assert sent.media_ids == job.platform_ids["photo_ids"]


def test_a_duplicate_message_on_the_same_page_fails_with_facebooks_reason(brand, owner, page):
    first = queued_job(brand, owner, page, text="Same words")
    execution.job_execute(first.pk)
    second = queued_job(brand, owner, page, text="Same words")

    assert execution.job_execute(second.pk) == "failed"

    second.refresh_from_db()
    assert second.status == S.FAILED and second.last_error_code == "duplicate"
    assert "Duplicate status message" in second.last_error_message
    assert SandboxPost.objects.count() == 1


def test_the_pages_call_budget_makes_its_jobs_wait_for_the_regain_time(
    brand, owner, page, monkeypatch
):
    monkeypatch.setenv("SANDBOX_FACEBOOK_PAGE_CALLS", "1")
    monkeypatch.setenv("SANDBOX_FACEBOOK_PAGE_WINDOW_SECONDS", "3600")
    first = queued_job(brand, owner, page, text="One")
    assert execution.job_execute(first.pk) == "published"
    second = queued_job(brand, owner, page, text="Two")
    third = queued_job(brand, owner, page, text="Three")

    assert execution.job_execute(second.pk) == "rate_limited"

    second.refresh_from_db()
    refused = calls("feed_publish")[-1]
    assert refused.status == 400
    # The sandbox said: 100% used, access back in ~60 minutes (the first call leaves the
    # window). The retry is never earlier than that, and the whole account waits.
    assert second.status == S.RETRYING and second.last_error_code == "rate_limited"
    assert "(#80001)" in second.last_error_message
    assert second.next_attempt_at >= timezone.now() + timedelta(minutes=58)
    assert platform_calls.blocked_until(page.pk) >= timezone.now() + timedelta(minutes=58)
    assert execution.job_execute(third.pk) == "blocked"
    assert len(calls("feed_publish")) == 2  # the blocked job made no call
    assert list(SandboxPost.objects.values_list("text", flat=True)) == ["One"]


def test_the_app_limit_blocks_the_account_for_a_while_without_a_reset_time(brand, owner, page):
    add_fault(platform="facebook", kind="status", scope="publish", options={"status": 429})
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "rate_limited"

    job.refresh_from_db()
    assert job.status == S.RETRYING and "(#4) Application request limit" in job.last_error_message
    # Graph gives no reset time for the app limit: a minute's wait at the least.
    assert job.next_attempt_at >= timezone.now() + timedelta(seconds=55)
    assert platform_calls.blocked_until(page.pk) is not None
    assert not SandboxPost.objects.exists()


def test_every_answer_carries_the_usage_headers(brand, owner, page, sandbox):
    import json

    import requests

    url = f"{sandbox}/sandbox/facebook/graph/{PAGE}/feed"
    ok = requests.get(url, headers={"Authorization": f"Bearer {page.access_token}"}, timeout=10)
    refused = requests.get(url, headers={"Authorization": "Bearer nonsense"}, timeout=10)

    for answer in (ok, refused):
        app = json.loads(answer.headers["X-App-Usage"])
        buc = json.loads(answer.headers["X-Business-Use-Case-Usage"])
        assert set(app) == {"call_count", "total_cputime", "total_time"}
        assert buc[PAGE][0]["type"] == "pages"
        assert buc[PAGE][0]["estimated_time_to_regain_access"] == 0
    assert ok.status_code == 200 and refused.json()["error"]["code"] == 190


def test_an_expired_page_token_pauses_the_job_until_the_page_is_reconnected(brand, owner, page):
    SandboxToken.objects.filter(token=page.access_token).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "paused"

    job.refresh_from_db()
    page.refresh_from_db()
    assert (
        job.status == S.PAUSED and job.last_error_message == "Reconnect Facebook Pages to continue."
    )
    assert page.status == "needs_reauth"
    assert calls("feed_publish")[0].status == 400 and not SandboxPost.objects.exists()


def test_a_revoked_grant_pauses_the_job_and_a_reconnect_resumes_it(brand, owner, page):
    SandboxToken.objects.filter(platform="facebook").update(revoked_at=timezone.now())
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "paused"
    page.refresh_from_db()
    assert page.status == "needs_reauth"
    assert platform_calls.resume_reconnected() == []

    # An admin reconnects: a fresh Page token is stored on the same connection.
    other = brand.tenant.brands.create(name="tmp", slug="tmp")
    page.access_token = sandbox_connection(other, "facebook").access_token
    page.status = "active"
    page.save()

    assert platform_calls.resume_reconnected() == [job.pk]
    assert execution.job_execute(job.pk) == "published"
    assert SandboxPost.objects.count() == 1


def test_a_grant_without_pages_manage_posts_is_refused_for_good(brand, owner, sandbox):
    limited = sandbox_connection(brand, "facebook", scopes=["pages_show_list"])
    job = queued_job(brand, owner, limited)

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert job.last_error_code == "rejected" and "(#200)" in job.last_error_message


def test_a_photo_over_4_mb_is_refused_with_a_reason(brand, owner, page, media_root, sandbox):
    (media_root / "huge.jpg").write_bytes(jpeg(size=4 * 1024 * 1024 + 10))
    # A remote URL: its size is not known before the platform fetches it.
    huge = media_create(brand=brand, actor=owner, url=f"{sandbox}/media/huge.jpg")
    job = queued_job(brand, owner, page, text="Big", media=[huge.pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert job.last_error_code == "rejected" and "4 MB" in job.last_error_message
    assert not SandboxPost.objects.exists() and not SandboxMedia.objects.exists()


def test_a_photo_facebook_cannot_fetch_is_refused_with_a_reason(brand, owner, page, sandbox):
    gone = media_create(brand=brand, actor=owner, url=f"{sandbox}/media/missing.jpg")
    job = queued_job(brand, owner, page, text="Missing", media=[gone.pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert "could not fetch the media URL" in job.last_error_message
    assert not SandboxPost.objects.exists()


def test_a_5xx_is_retried_later(brand, owner, page):
    add_fault(platform="facebook", kind="status", scope="publish", options={"status": 500})
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    assert job.status == S.RETRYING and job.last_error_code == "transient"
    assert not SandboxPost.objects.exists()


def test_a_timeout_after_the_post_was_accepted_is_reconciled_without_posting_again(
    brand, owner, page, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="facebook", kind="accepted_timeout", scope="publish",
              options={"seconds": 2})  # fmt: skip
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "reconciling"
    job.refresh_from_db()
    assert job.status == S.RECONCILING and "pending_since" in job.platform_ids
    assert SandboxPost.objects.count() == 1  # Facebook did accept it

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    sent = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == sent.post_id
    assert job.permalink.endswith(sent.post_id.replace("_", "/posts/"))
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "found"),
    ]
    assert len(calls("feed_publish")) == 1


def test_reconcile_pages_through_a_busy_feed_to_find_the_lost_post(brand, owner, page, settings):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="facebook", kind="accepted_timeout", scope="publish",
              options={"seconds": 2})  # fmt: skip
    job = queued_job(brand, owner, page, text="Needle")
    assert execution.job_execute(job.pk) == "reconciling"
    # 150 newer posts on the Page push ours onto the second page of the feed.
    SandboxPost.objects.bulk_create(
        SandboxPost(platform="facebook", account_id=PAGE, post_id=f"{PAGE}_9{i:05d}",
                    text=f"hay {i}", kind="status")
        for i in range(150)
    )  # fmt: skip

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    assert job.platform_post_id == SandboxPost.objects.get(text="Needle").post_id
    listings = calls("feed_list")
    assert len(listings) == 2 and "after" in listings[1].params


def test_an_album_whose_answer_was_lost_is_found_and_its_photos_not_uploaded_again(
    brand, owner, page, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    assets = [photo(brand, owner, f"p{i}.jpg", seed=i) for i in range(2)]
    add_fault(platform="facebook", kind="accepted_timeout", scope="publish",
              path_contains="/feed", options={"seconds": 2})  # fmt: skip
    job = queued_job(brand, owner, page, text="Lost album", media=[a.pk for a in assets])

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "published"

    sent = SandboxPost.objects.get()
    job.refresh_from_db()
    assert job.platform_post_id == sent.post_id and sent.kind == "album"
    assert SandboxMedia.objects.count() == 2 and len(calls("photos_publish")) == 2


def test_an_attempt_that_never_reached_facebook_is_sent_again_once(brand, owner, page, settings):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="facebook", kind="timeout", scope="publish", options={"seconds": 2})
    job = queued_job(brand, owner, page)

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "requeued"
    assert execution.job_execute(job.pk) == "published"

    assert SandboxPost.objects.count() == 1
