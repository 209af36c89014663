"""Reviews sync against the sandbox over real HTTP: pagination, rating normalisation,
upserts, sentiment, one sync-run row per run, and how a run stops."""

import pytest

from audit.models import PlatformSyncRun
from reviews.models import Review
from reviews.services.sync import connections_to_sync, reviews_sync
from reviews.tasks import sync_connection
from sandbox.google_business.reviews import seed_reviews
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxPost
from tests.reviews.conftest import LOCATION
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sync_pages_through_every_review_and_records_one_run(google):
    seed_reviews(LOCATION, count=120, seed=3)

    result = reviews_sync(connection=google)

    assert (result.outcome, result.records, result.pages) == ("ok", 120, 3)
    assert Review.objects.filter(brand=google.brand, connection=google).count() == 120
    calls = SandboxRequest.objects.filter(endpoint="v4_reviews_list").order_by("id")
    assert [bool(c.params.get("pageToken")) for c in calls] == [False, True, True]
    assert all(c.params["pageSize"] == "50" for c in calls)
    run = PlatformSyncRun.objects.get()
    assert (run.kind, run.outcome, run.records) == ("reviews", "ok", 120)
    assert run.connection_id == google.pk
    assert run.details["pages"] == 3 and run.details["total"] == 120


def test_google_star_ratings_become_1_to_5_with_text_reviewer_and_existing_reply(seeded):
    reviews = {r.reviewer_name: r for r in Review.objects.all()}

    assert {name: r.rating for name, r in reviews.items()} == {
        "Alex Martin": 5, "Sam Lee": 4, "Priya Shah": 3, "Jordan Diaz": 2, "Chris Novak": 1,
    }  # fmt: skip
    alex = reviews["Alex Martin"]
    assert alex.text == "Best flat white in town!"
    assert alex.reply_text == "Thank you, Alex!" and alex.replied_at is not None
    assert reviews["Sam Lee"].reply_text == "" and reviews["Sam Lee"].replied_at is None
    assert alex.reviewed_at > reviews["Chris Novak"].reviewed_at  # seeded an hour apart


def test_an_unspecified_rating_is_kept_as_no_rating(google):
    SandboxPost.objects.create(
        platform="google_business", kind="REVIEW", account_id=LOCATION,
        post_id=f"{LOCATION}/reviews/odd1", text="Hm.",
        payload={"reviewId": "odd1", "reviewer": {"displayName": "Kim"},
                 "starRating": "STAR_RATING_UNSPECIFIED",
                 "createTime": "2026-01-02T03:04:05Z", "updateTime": "2026-01-02T03:04:05Z"},
    )  # fmt: skip

    reviews_sync(connection=google)

    assert Review.objects.get().rating is None


def test_sentiment_blends_the_text_with_the_stars(seeded):
    sentiment = dict(Review.objects.values_list("reviewer_name", "sentiment"))

    assert sentiment == {
        "Alex Martin": "positive", "Sam Lee": "positive", "Priya Shah": "neutral",
        "Jordan Diaz": "negative", "Chris Novak": "negative",
    }  # fmt: skip


def test_a_second_sync_updates_reviews_in_place(seeded):
    sam = SandboxPost.objects.get(kind="REVIEW", text__startswith="Good coffee")
    sam.payload["reviewReply"] = {"comment": "Come early!", "updateTime": "2026-01-01T00:00:00Z"}
    sam.text = "Good coffee, a bit crowded. Staff were lovely though."
    sam.save()

    reviews_sync(connection=seeded)

    assert Review.objects.count() == 5
    updated = Review.objects.get(reviewer_name="Sam Lee")
    assert updated.reply_text == "Come early!"
    assert updated.text.endswith("lovely though.")
    assert PlatformSyncRun.objects.filter(kind="reviews").count() == 2


def test_a_review_the_platform_no_longer_lists_is_removed_after_a_complete_run(seeded):
    SandboxPost.objects.get(kind="REVIEW", text__startswith="Good coffee").delete()

    result = reviews_sync(connection=seeded)

    assert result.outcome == "ok"
    assert "Sam Lee" not in set(Review.objects.values_list("reviewer_name", flat=True))
    assert Review.objects.count() == 4
    assert PlatformSyncRun.objects.latest("id").details["removed"] == 1


def test_a_run_that_stops_midway_removes_nothing(google, monkeypatch):
    seed_reviews(LOCATION, count=60, seed=2)
    reviews_sync(connection=google)
    SandboxPost.objects.filter(kind="REVIEW").order_by("id").first().delete()
    monkeypatch.setenv("SANDBOX_GOOGLE_V4_QPM", "3")  # the first run's two calls + one

    result = reviews_sync(connection=google)

    assert result.outcome == "partial"
    assert Review.objects.count() == 60  # the unread second page may still hold it
    assert "removed" not in PlatformSyncRun.objects.latest("id").details


def test_a_quota_stop_midway_keeps_what_was_read_and_records_a_partial_run(google, monkeypatch):
    seed_reviews(LOCATION, count=60, seed=1)
    monkeypatch.setenv("SANDBOX_GOOGLE_V4_QPM", "1")

    result = reviews_sync(connection=google)

    assert (result.outcome, result.records, result.error_code) == ("partial", 50, "rate_limited")
    assert Review.objects.count() == 50
    run = PlatformSyncRun.objects.get()
    assert run.outcome == "partial" and run.error_code == "rate_limited"
    assert run.details["stopped_at_page"] == 2


def test_a_location_the_user_lost_access_to_needs_reconnecting(sandbox, brand):
    gone = sandbox_connection(brand, "google_business", account_id="accounts/999/locations/7")

    result = reviews_sync(connection=gone)

    gone.refresh_from_db()
    assert result.outcome == "error" and result.error_code == "auth_revoked"
    assert gone.status == "needs_reauth"
    assert PlatformSyncRun.objects.get().error_code == "auth_revoked"


def test_the_beat_task_syncs_each_active_google_location(google, brand):
    sandbox_connection(brand, "x")
    revoked = sandbox_connection(
        brand, "google_business", account_id=f"{LOCATION[:-3]}502", status="revoked"
    )
    seed_reviews(LOCATION, count=3, seed=2)

    assert connections_to_sync() == [google.pk]
    assert revoked.pk not in connections_to_sync()
    assert sync_connection(connection_id=google.pk) == "ok"
    assert Review.objects.filter(connection=google).count() == 3
