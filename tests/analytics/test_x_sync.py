"""X analytics sync against the sandbox over HTTP: the 90-day backfill, incremental runs, a
429 in the middle of a walk, slowing down and stopping near the limit, metrics X does not
return, and connections that do not hold each other up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import PostMetrics, SyncCursor
from analytics.services import schedule
from connections.models import PlatformConnection
from sandbox.analytics.seed import seed_posts
from sandbox.faults import add_fault
from sandbox.published.models import SandboxPost
from tests.analytics.conftest import cursor_of, days_ago, requests_to, runs_of
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)
USER = "1500000000000000001"


def _metrics(i):
    return {
        "impression_count": 1000 + i,
        "like_count": 10 + i,
        "reply_count": 2,
        "retweet_count": 3,
        "quote_count": 1,
        "bookmark_count": 4,
    }


@pytest.fixture
def x_conn(sandbox, brand):
    return sandbox_connection(brand, "x")


def _seed(count, *, newest=None, spacing=timedelta(hours=3), account=USER, prefix="9"):
    return seed_posts(
        platform="x", account_id=account, count=count, newest=newest or days_ago(0.01),
        spacing=spacing, post_id=lambda i: f"{prefix}{i:07d}", metrics=_metrics,
    )  # fmt: skip


def _listing_tokens(status=200):
    return [r.params.get("pagination_token") for r in requests_to("user_tweets", status=status)]


def test_the_backfill_stores_90_days_of_posts_with_their_public_metrics(x_conn, run_sync):
    _seed(150, spacing=timedelta(hours=12))  # 75 days of posts
    seed_posts(platform="x", account_id=USER, count=2, newest=days_ago(95),
               post_id=lambda i: f"old{i}", metrics=_metrics)  # fmt: skip

    result = run_sync(x_conn)

    assert result.outcome == "ok" and result.records == 150
    rows = PostMetrics.objects.filter(connection=x_conn)
    assert rows.count() == 150 and not rows.filter(platform_post_id__startswith="old").exists()
    newest = rows.get(platform_post_id="90000149")
    assert (newest.views, newest.likes, newest.comments, newest.shares, newest.saves) == (
        1149, 159, 2, 3, 4,
    )  # fmt: skip
    # X does not report reach, clicks or video views: NULL, not 0, and not "unavailable".
    assert (newest.reach, newest.clicks, newest.video_views) == (None, None, None)
    assert newest.unavailable == [] and newest.raw["public_metrics"]["quote_count"] == 1
    assert newest.brand_id == x_conn.brand_id and newest.posted_at is not None
    # Two pages of 100, and one id lookup (public_metrics) per page.
    assert _listing_tokens() == [None, _listing_tokens()[1]] and _listing_tokens()[1]
    lookups = requests_to("tweets_by_ids")
    assert [len(r.params["ids"].split(",")) for r in lookups] == [100, 50]
    assert "public_metrics" in lookups[0].params["tweet.fields"]
    cursor = cursor_of(x_conn)
    assert cursor.backfill_done_at is not None and cursor.kind == "incremental"
    assert cursor.state == {} and cursor.leased_until is None
    assert cursor.next_allowed_at > timezone.now() + timedelta(hours=5)
    [run] = runs_of(x_conn)
    assert (run.kind, run.outcome, run.records) == ("analytics_backfill", "ok", 150)
    assert run.details["cursor_before"]["page"] is None and run.details["pages"] == 2


def test_an_incremental_run_adds_new_posts_and_refreshes_recent_ones_only(x_conn, run_sync):
    _seed(40, spacing=timedelta(days=2))  # 80 days
    assert run_sync(x_conn).outcome == "ok"
    recent = SandboxPost.objects.get(post_id="90000039")
    recent.metrics = {**recent.metrics, "like_count": 500}
    recent.save()
    seed_posts(platform="x", account_id=USER, count=3, newest=timezone.now(),
               spacing=timedelta(minutes=1), post_id=lambda i: f"new{i}",
               metrics=lambda i: {"like_count": i})  # fmt: skip
    lookups_before = len(requests_to("tweets_by_ids"))

    result = run_sync(x_conn)

    assert result.outcome == "ok"
    assert PostMetrics.objects.filter(connection=x_conn).count() == 43
    assert PostMetrics.objects.get(platform_post_id="90000039").likes == 500
    assert PostMetrics.objects.get(platform_post_id="new2").likes == 2
    # Only the last REFRESH_DAYS were read again: not the 80-day-old posts.
    looked_up = ",".join(r.params["ids"] for r in requests_to("tweets_by_ids")[lookups_before:])
    assert "90000039" in looked_up and "90000000" not in looked_up
    start = requests_to("user_tweets")[-1].params["start_time"]
    assert start.startswith(days_ago(14).strftime("%Y-%m-%d"))
    runs = runs_of(x_conn)
    assert [r.kind for r in runs] == ["analytics_backfill", "analytics_incremental"]


def test_a_429_mid_sync_pauses_and_the_next_run_resumes_from_the_saved_cursor(x_conn, run_sync):
    _seed(250, spacing=timedelta(hours=6))
    # The second listing page is rate-limited (the first goes through).
    add_fault(platform="x", kind="status_on_nth", count=2, path_contains="/users/",
              options={"status": 429})  # fmt: skip

    first = run_sync(x_conn)

    assert first.outcome == "partial" and first.records == 100
    cursor = cursor_of(x_conn)
    saved_page = cursor.state["page"]
    assert saved_page and cursor.state["pages_done"] == 1 and cursor.backfill_done_at is None
    # Not before X's x-rate-limit-reset (the sandbox's 429 carries now + 15 min).
    assert cursor.next_allowed_at > timezone.now() + timedelta(minutes=14)
    assert schedule.cursors_due() == []
    [run] = runs_of(x_conn)
    assert (run.outcome, run.error_code, run.records) == ("partial", "rate_limited", 100)
    assert run.details["cursor_after"]["page"] == saved_page

    # The reset has passed.
    second = run_sync(x_conn)

    assert second.outcome == "ok" and second.records == 150
    assert PostMetrics.objects.filter(connection=x_conn).count() == 250
    # Each page was read successfully exactly once; the resumed run started at the saved one.
    ok_tokens = _listing_tokens()
    assert ok_tokens[0] is None and ok_tokens[1] == saved_page
    assert len(ok_tokens) == len(set(ok_tokens)) == 3
    assert [r.params.get("pagination_token") for r in requests_to("user_tweets", status=429)] == [
        saved_page
    ]
    assert runs_of(x_conn)[1].details["cursor_before"]["page"] == saved_page
    assert cursor_of(x_conn).backfill_done_at is not None


def test_near_the_limit_the_sync_slows_down_then_stops_before_a_429(
    x_conn, run_sync, sleeps, monkeypatch
):
    monkeypatch.setenv("SANDBOX_X_LOOKUPS_PER_WINDOW", "5")
    _seed(600, spacing=timedelta(hours=3))

    result = run_sync(x_conn)

    # Lookups leave 80 % used after the 4th page (a pause), 100 % after the 5th (stop).
    assert result.outcome == "partial" and result.records == 500
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 2
    assert not requests_to("tweets_by_ids", status=429)
    cursor = cursor_of(x_conn)
    assert cursor.state["pages_done"] == 5
    assert timezone.now() + timedelta(minutes=14) < cursor.next_allowed_at
    [run] = runs_of(x_conn)
    assert run.error_code == "near_rate_limit" and run.details["usage_peak"] == 1.0
    assert run.details["pauses"] == 1


def test_metrics_x_leaves_out_are_unavailable_and_null_never_zero(x_conn, run_sync):
    seed_posts(platform="x", account_id=USER, count=2, post_id=lambda i: f"bare{i}",
               metrics=lambda i: {} if i == 0 else {"like_count": 0, "reply_count": 1})  # fmt: skip

    assert run_sync(x_conn).outcome == "ok"

    bare = PostMetrics.objects.get(platform_post_id="bare0")
    assert (bare.views, bare.likes, bare.comments, bare.shares, bare.saves) == (None,) * 5
    assert set(bare.unavailable) == {"views", "likes", "comments", "shares", "saves"}
    partial = PostMetrics.objects.get(platform_post_id="bare1")
    assert partial.likes == 0 and partial.comments == 1 and partial.views is None
    assert set(partial.unavailable) == {"views", "shares", "saves"}


def test_a_rate_limited_connection_does_not_hold_up_another(brand, sandbox, run_sync):
    limited = sandbox_connection(brand, "x")
    other = sandbox_connection(brand, "x", account_id="1500000000000000002",
                               subject="1500000000000000002")  # fmt: skip
    _seed(30, account=limited.account_id, prefix="7")
    _seed(30, account=other.account_id, prefix="8")
    add_fault(platform="x", kind="status", path_contains=f"/users/{limited.account_id}/",
              options={"status": 429})  # fmt: skip

    assert run_sync(limited).outcome == "partial"
    assert run_sync(other).outcome == "ok"

    assert PostMetrics.objects.filter(connection=other).count() == 30
    assert not PostMetrics.objects.filter(connection=limited).exists()
    # The other's next slot comes; the limited one stays out until its reset.
    SyncCursor.objects.filter(connection=other).update(next_allowed_at=timezone.now())
    assert schedule.cursors_due() == [other.pk]


def test_the_sweep_gives_new_connections_a_due_backfill_and_skips_inactive_ones(brand, sandbox):
    active = sandbox_connection(brand, "x")
    revoked = sandbox_connection(brand, "x", account_id="2", subject="2", status="revoked")

    assert schedule.cursors_create_missing() == 1

    assert schedule.cursors_due() == [active.pk]
    assert not SyncCursor.objects.filter(connection=revoked).exists()
    assert cursor_of(active).kind == "backfill"
    # A claimed cursor is not handed out twice.
    assert schedule.cursor_claim(connection_id=active.pk) is not None
    assert schedule.cursor_claim(connection_id=active.pk) is None
    assert schedule.cursors_due() == []


def test_a_token_refused_before_its_expiry_is_refreshed_once_and_the_sync_goes_on(x_conn, run_sync):
    from sandbox.models import SandboxToken

    _seed(5)
    # The platform expired the access token early; our copy still looks valid.
    SandboxToken.objects.filter(token=x_conn.access_token).update(expires_at=timezone.now())

    assert run_sync(x_conn).outcome == "ok"

    x_conn.refresh_from_db()
    assert PostMetrics.objects.filter(connection=x_conn).count() == 5
    assert SandboxToken.objects.get(token=x_conn.access_token).expires_at > timezone.now()


def test_a_revoked_grant_marks_the_connection_for_reauth_and_the_sweep_skips_it(x_conn, run_sync):
    _seed(5)
    add_fault(platform="x", kind="revoked")

    result = run_sync(x_conn)

    assert result.outcome == "error"
    x_conn.refresh_from_db()
    assert x_conn.status == "needs_reauth"
    [run] = runs_of(x_conn)
    assert run.outcome == "error" and run.error_code == "auth_revoked"
    assert schedule.cursors_due() == []
    # Reconnected: due at once.
    PlatformConnection.objects.filter(pk=x_conn.pk).update(status="active")
    assert schedule.cursors_due() == [x_conn.pk]
