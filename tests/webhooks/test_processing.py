"""Processing deliveries the sandbox sent over HTTP: removals mark our jobs deleted, comments
and mentions on our posts are recorded, a replay changes nothing, and only the brands that
connected the account are touched. The worker step is the Celery task run in-thread."""

from __future__ import annotations

import pytest
import requests

from audit.models import ActionLog
from connections.models import PlatformConnection
from publishing.models import PublishJob
from sandbox.published.models import SandboxPost
from sandbox.webhooks import sender
from tenancy.services import brand_create, tenant_create
from tests.conftest import make_user
from tests.webhooks.conftest import (
    IG_ACCOUNT_ID,
    PAGE_ID,
    facebook_connection,
    process_pending,
    published_job,
)
from webhooks.models import PostActivity, ProcessedChange, WebhookDelivery
from webhooks.selectors import activity_counts

pytestmark = pytest.mark.django_db(transaction=True)

POST_ID = f"{PAGE_ID}_555000111"
MEDIA_ID = "18000000000000042"


def _removal(post_id=POST_ID, at=1767000000):
    change = sender.feed_change(item="status", verb="remove", post_id=post_id, created_time=at)
    return sender.envelope("facebook", PAGE_ID, [change], at=at)


def _comment(verb="add", comment_id="555000111_9001", at=1767000100):
    change = sender.feed_change(
        item="comment", verb=verb, post_id=POST_ID, comment_id=comment_id,
        message="Where can I buy this?", author={"id": "777", "name": "Casey"}, created_time=at,
    )  # fmt: skip
    return sender.envelope("facebook", PAGE_ID, [change], at=at)


def test_a_post_removal_marks_our_job_deleted_on_the_platform(brand, fb_live):
    job = published_job(fb_live, POST_ID)
    other = published_job(fb_live, f"{PAGE_ID}_999")

    assert sender.send_event("facebook", _removal()).status == 200
    assert process_pending() == ["processed"]

    job.refresh_from_db()
    other.refresh_from_db()
    assert job.platform_deleted_at is not None
    assert job.platform_deleted_at.timestamp() == 1767000000  # when the platform says
    assert job.status == "published"  # it did publish; deletion is a fact beside the status
    assert other.platform_deleted_at is None
    row = ActionLog.objects.get(action="job.deleted_on_platform")
    assert row.brand == brand and row.target_id == str(job.pk)


def test_the_same_delivery_sent_twice_is_processed_once(brand, fb_live):
    job = published_job(fb_live, POST_ID)
    body = sender.envelope("facebook", PAGE_ID, [
        _removal()["entry"][0]["changes"][0], _comment()["entry"][0]["changes"][0],
    ], at=1767000200)  # fmt: skip

    first = sender.send_event("facebook", body)
    second = sender.send_event("facebook", first.sent_body)  # byte-identical resend

    assert first.status == second.status == 200
    assert WebhookDelivery.objects.count() == 2  # both stored: the audit trail is complete
    assert process_pending() == ["processed", "duplicate"]
    job.refresh_from_db()
    deleted_at = job.platform_deleted_at
    assert deleted_at is not None
    assert ActionLog.objects.filter(action="job.deleted_on_platform").count() == 1
    assert PostActivity.objects.count() == 1
    assert ProcessedChange.objects.count() == 2
    # And a third time, straight through the task again: still nothing changes.
    from webhooks.tasks import process_delivery

    first_id = WebhookDelivery.objects.order_by("id").first().pk
    assert process_delivery(delivery_id=first_id) == "duplicate"
    job.refresh_from_db()
    assert job.platform_deleted_at == deleted_at
    assert PostActivity.objects.count() == 1


def test_a_change_seen_before_is_skipped_when_it_comes_back_in_another_batch(brand, fb_live):
    published_job(fb_live, POST_ID)
    sender.send_event("facebook", _comment(comment_id="c1"))
    process_pending()
    # Same entry id, time, field and value, now batched with a new comment.
    again = _comment(comment_id="c1")
    again["entry"][0]["changes"].append(_comment(comment_id="c2")["entry"][0]["changes"][0])

    sender.send_event("facebook", again)
    process_pending()

    assert sorted(PostActivity.objects.values_list("item_id", flat=True)) == ["c1", "c2"]
    latest = WebhookDelivery.objects.order_by("-id").first().processing_runs.get()
    assert (latest.changes_applied, latest.changes_duplicate) == (1, 1)


def test_comments_on_our_post_are_counted_and_a_removal_uncounts_them(brand, fb_live):
    job = published_job(fb_live, POST_ID)

    sender.send_event("facebook", _comment(comment_id="c1", at=1767000100))
    sender.send_event("facebook", _comment(comment_id="c2", at=1767000101))
    process_pending()
    assert activity_counts(brand=brand, job_ids=[job.pk]) == {
        job.pk: {"comments": 2, "mentions": 0}
    }

    sender.send_event("facebook", _comment(verb="remove", comment_id="c1", at=1767000300))
    process_pending()

    assert activity_counts(brand=brand, job_ids=[job.pk])[job.pk]["comments"] == 1
    removed = PostActivity.objects.get(item_id="c1")
    assert removed.removed_at is not None and removed.job == job
    assert removed.author_name == "Casey" and removed.text == "Where can I buy this?"


def test_a_comment_on_a_post_that_is_not_ours_is_ignored(brand, fb_live):
    published_job(fb_live, f"{PAGE_ID}_other")

    sender.send_event("facebook", _comment())

    assert process_pending() == ["ignored"]
    assert PostActivity.objects.count() == 0


def test_instagram_comments_and_mentions_on_our_media_are_recorded(brand, ig_live):
    job = published_job(ig_live, MEDIA_ID)
    payload = sender.envelope("instagram", IG_ACCOUNT_ID, [
        sender.instagram_comment(media_id=MEDIA_ID, comment_id="17900001", text="So good",
                                 username="casey.c"),
        sender.instagram_comment(media_id="18000000000000999", comment_id="17900002",
                                 text="not ours", username="x"),
        sender.instagram_mention(media_id=MEDIA_ID, comment_id="17900003"),
        sender.instagram_mention(media_id="18000000000000777"),
    ])  # fmt: skip

    assert sender.send_event("instagram", payload).status == 200
    assert process_pending() == ["processed"]

    rows = {r.item_id: r for r in PostActivity.objects.all()}
    assert set(rows) == {"17900001", "17900003", "18000000000000777"}
    assert rows["17900001"].kind == "comment" and rows["17900001"].job == job
    assert rows["17900001"].author_name == "casey.c"
    assert rows["17900003"].kind == "mention" and rows["17900003"].job == job
    # A mention elsewhere concerns the account, not one of our posts.
    assert rows["18000000000000777"].job is None and rows["18000000000000777"].brand == brand
    assert activity_counts(brand=brand, job_ids=[job.pk]) == {
        job.pk: {"comments": 1, "mentions": 1}
    }


def test_only_brands_that_connected_the_page_are_touched(brand, fb_live):
    ours = published_job(fb_live, POST_ID)
    # Another tenant's brand connected the same Page and published the same post id...
    other_brand = brand_create(
        tenant=tenant_create(name="Globex", slug="globex"), name="Globex Tea",
        owner=make_user("globex_owner"),
    )  # fmt: skip
    theirs = published_job(facebook_connection(other_brand), POST_ID)
    # ...and a third brand has a job with that id on a different Page.
    third_brand = brand_create(
        tenant=tenant_create(name="Initech", slug="initech"), name="Initech",
        owner=make_user("initech_owner"),
    )  # fmt: skip
    other_page = PlatformConnection.objects.create(
        brand=third_brand, platform="facebook", account_id="200000000999"
    )
    elsewhere = published_job(other_page, POST_ID)

    sender.send_event("facebook", _removal())
    process_pending()

    deleted = set(
        PublishJob.objects.filter(platform_deleted_at__isnull=False).values_list("pk", flat=True)
    )
    assert deleted == {ours.pk, theirs.pk}
    assert elsewhere.pk not in deleted
    assert set(
        ActionLog.objects.filter(action="job.deleted_on_platform").values_list(
            "brand_id", flat=True
        )
    ) == {brand.pk, other_brand.pk}


def test_the_sandbox_control_endpoint_removes_the_post_and_tells_us(brand, fb_live, sandbox):
    SandboxPost.objects.create(platform="facebook", account_id=PAGE_ID, post_id=POST_ID)
    job = published_job(fb_live, POST_ID)

    response = requests.post(
        f"{sandbox}/sandbox/_control/webhooks/deliveries",
        json={"platform": "facebook", "event": "post_removed", "post_id": POST_ID},
        timeout=10,
    )
    process_pending()

    assert response.status_code == 200 and response.json()["status"] == 200
    assert SandboxPost.objects.get(post_id=POST_ID).deleted_at is not None
    job.refresh_from_db()
    assert job.platform_deleted_at is not None


def test_a_valid_delivery_that_is_not_json_is_recorded_as_ignored(fb_live):
    sent = sender.send_event("facebook", b"not json at all")

    assert sent.status == 200
    assert process_pending() == ["ignored"]
    run = WebhookDelivery.objects.get().processing_runs.get()
    assert run.error == "malformed_json"
