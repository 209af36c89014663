"""Facebook Page analytics against the sandbox over HTTP: published_posts with reaction,
comment and share summaries, the 2025 "views" insights per post, Page days, removed and empty
metrics, Meta's usage headers (slow down, stop, per-Page budgets) and a throttle mid-sync."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from analytics.models import AccountDailyMetrics, PostMetrics
from analytics.services import schedule
from sandbox.analytics.seed import seed_account_days, seed_posts
from sandbox.faults import add_fault
from sandbox.published.models import SandboxPost
from tests.analytics.conftest import cursor_of, days_ago, requests_to, runs_of
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "200000000001"
OTHER_PAGE = "200000000002"


def _metrics(i):
    return {
        "reactions": 5 + i, "comments": 2, "shares": 1, "post_media_view": 100 + i,
        "post_total_media_view_unique": 80, "post_clicks": 7,
        "post_reactions_by_type_total": {"like": 4 + i, "love": 1},
    }  # fmt: skip


def _seed(count, *, page=PAGE, spacing=timedelta(days=2), metrics=_metrics, newest=None):
    return seed_posts(
        platform="facebook", account_id=page, count=count, newest=newest or days_ago(0.01),
        spacing=spacing, post_id=lambda i: f"{page}_{1000 + i}", metrics=metrics,
    )  # fmt: skip


@pytest.fixture
def fb_conn(sandbox, brand):
    return sandbox_connection(brand, "facebook")


def test_the_backfill_reads_posts_their_views_insights_and_the_pages_days(fb_conn, run_sync):
    _seed(30)  # 60 days, two pages of 25
    today = timezone.now().date()
    seed_account_days(platform="facebook", account_id=PAGE, days={
        today - timedelta(days=3): {"page_media_view": 400, "page_follows": 2},
        today - timedelta(days=50): {"page_media_view": 90, "page_post_engagements": 12,
                                     "page_total_media_view_unique": 70, "page_follows": 0},
    })  # fmt: skip

    result = run_sync(fb_conn)

    assert result.outcome == "ok"
    row = PostMetrics.objects.get(platform_post_id=f"{PAGE}_1029")
    assert (row.views, row.reach, row.likes, row.comments, row.shares, row.clicks) == (
        129, 80, 34, 2, 1, 7,
    )  # fmt: skip
    assert (row.saves, row.video_views) == (None, None) and row.unavailable == []
    assert row.permalink.startswith("https://www.facebook.com/")
    assert PostMetrics.objects.filter(connection=fb_conn).count() == 30
    listing = requests_to("published_posts")
    assert len(listing) == 2 and "reactions.summary(true)" in listing[0].params["fields"]
    asked = requests_to("insights", path__contains=f"{PAGE}_")[0].params["metric"].split(",")
    assert asked == ["post_total_media_view_unique", "post_media_view",
                     "post_reactions_by_type_total", "post_clicks"]  # fmt: skip
    assert not any("impressions" in m for m in asked)
    # 91 days of Page insights in chunks of at most 30 days.
    days = AccountDailyMetrics.objects.filter(connection=fb_conn)
    assert days.count() == 91
    recent = days.get(day=today - timedelta(days=3))
    assert (
        recent.values["page_media_view"] == 400 and recent.values["page_post_engagements"] is None
    )
    assert set(recent.unavailable) == {"page_total_media_view_unique", "page_post_engagements"}
    assert days.get(day=today - timedelta(days=50)).values["page_follows"] == 0
    assert days.get(day=today - timedelta(days=10)).values["page_media_view"] is None
    assert len(requests_to("insights", path__endswith=f"/{PAGE}/insights")) == 4
    [run] = runs_of(fb_conn)
    assert run.records == 30 + 91 and run.details["usage_source"]


def test_an_incremental_run_reads_the_new_post_and_the_recent_days(fb_conn, run_sync):
    _seed(5, spacing=timedelta(days=20))
    assert run_sync(fb_conn).outcome == "ok"
    SandboxPost.objects.filter(post_id=f"{PAGE}_1004").update(
        metrics={**_metrics(4), "reactions": 99}
    )
    seed_posts(platform="facebook", account_id=PAGE, count=1, newest=timezone.now(),
               post_id=lambda i: f"{PAGE}_2000", metrics=_metrics)  # fmt: skip

    assert run_sync(fb_conn).outcome == "ok"

    assert PostMetrics.objects.get(platform_post_id=f"{PAGE}_1004").likes == 99
    assert PostMetrics.objects.filter(connection=fb_conn).count() == 6
    assert cursor_of(fb_conn).kind == "incremental"
    assert runs_of(fb_conn)[-1].kind == "analytics_incremental"


def test_a_removed_metric_is_unavailable_and_the_sync_still_succeeds(
    fb_conn, run_sync, monkeypatch
):
    monkeypatch.setenv("SANDBOX_FACEBOOK_REMOVED_METRICS", "post_clicks")
    _seed(3)

    result = run_sync(fb_conn)

    assert result.outcome == "ok"
    rows = PostMetrics.objects.filter(connection=fb_conn)
    assert rows.count() == 3
    for row in rows:
        assert row.clicks is None and row.unavailable == ["clicks"]
        assert row.views is not None and row.reach == 80
    # Graph's code 100 names no metric: asked one by one once, then never again this page.
    post_calls = [r for r in requests_to("insights") if f"{PAGE}_" in r.path]
    assert [r.status for r in post_calls][:6] == [400, 200, 200, 200, 400, 200]
    assert all("post_clicks" not in r.params["metric"] for r in post_calls[6:])


def test_a_post_with_empty_insights_keeps_views_null_not_zero(fb_conn, run_sync):
    _seed(1, metrics=lambda i: {"reactions": 0, "comments": 0})

    assert run_sync(fb_conn).outcome == "ok"

    row = PostMetrics.objects.get(connection=fb_conn)
    assert (row.views, row.reach, row.clicks) == (None, None, None)
    assert set(row.unavailable) == {"views", "reach", "clicks"}
    # Reactions and comments counted 0, and Graph leaves `shares` out when there are none.
    assert (row.likes, row.comments, row.shares) == (0, 0, 0)


def test_without_read_insights_the_listing_counts_are_kept_and_views_unavailable(
    sandbox, brand, run_sync
):
    conn = sandbox_connection(brand, "facebook", scopes=["pages_show_list",
                                                         "pages_read_engagement"])  # fmt: skip
    _seed(2)

    assert run_sync(conn).outcome == "ok"

    row = PostMetrics.objects.filter(connection=conn).first()
    assert row.likes is not None and row.views is None and "views" in row.unavailable


def test_the_pages_call_budget_slows_then_stops_the_sync_and_another_page_goes_on(
    sandbox, brand, run_sync, sleeps, monkeypatch
):
    monkeypatch.setenv("SANDBOX_FACEBOOK_PAGE_CALLS", "40")
    busy = sandbox_connection(brand, "facebook")
    other = sandbox_connection(brand, "facebook", account_id=OTHER_PAGE)
    _seed(60, spacing=timedelta(hours=12))
    _seed(10, page=OTHER_PAGE)

    busy_run = run_sync(busy)
    other_run = run_sync(other)

    # Listing + 25 insights calls per page: the first page leaves the Page at 65 % of its
    # budget; in the second, calls past 75 % pause, and at 90 % (call 36) the page is cut
    # short after the post just read: no call is ever refused.
    assert busy_run.outcome == "partial" and busy_run.records == 25 + 9
    assert len(sleeps) == 5 and sleeps == sorted(sleeps) and all(0 < s <= 2 for s in sleeps)
    assert {r.status for r in requests_to("insights")} == {200}
    [run] = runs_of(busy)
    assert run.error_code == "near_rate_limit"
    assert run.details["usage_source"] == "X-Business-Use-Case-Usage"
    cursor = cursor_of(busy)
    assert cursor.state["page"].startswith("until:")
    assert cursor.next_allowed_at > timezone.now() + timedelta(minutes=10)
    # The other Page has its own budget and its own schedule.
    assert other_run.outcome == "ok"
    assert PostMetrics.objects.filter(connection=other).count() == 10
    assert schedule.cursors_due() == []

    # After the reset (a larger budget here), the walk resumes at the first unread post.
    monkeypatch.setenv("SANDBOX_FACEBOOK_PAGE_CALLS", "4800")
    assert run_sync(busy).outcome == "ok"
    assert PostMetrics.objects.filter(connection=busy).count() == 60
    resumed = requests_to("published_posts", path__contains=PAGE)[2]
    assert resumed.params["until"] == cursor.state["page"].removeprefix("until:")
    assert "after" not in resumed.params


def test_a_throttle_error_mid_sync_pauses_and_resumes_from_the_saved_page(fb_conn, run_sync):
    _seed(60, spacing=timedelta(hours=12))
    add_fault(platform="facebook", kind="status_on_nth", count=2,
              path_contains="/published_posts", options={"status": 429})  # fmt: skip

    first = run_sync(fb_conn)

    assert first.outcome == "partial" and first.records == 25
    saved = cursor_of(fb_conn).state["page"]
    assert saved and cursor_of(fb_conn).next_allowed_at > timezone.now() + timedelta(minutes=10)

    second = run_sync(fb_conn)

    assert second.outcome == "ok" and second.records == 35 + 91
    assert PostMetrics.objects.filter(connection=fb_conn).count() == 60
    ok = [r.params.get("after") for r in requests_to("published_posts", status=200)]
    assert ok[0] is None and ok[1] == saved and len(ok) == len(set(ok)) == 3


def test_days_before_the_window_are_not_read(fb_conn, run_sync):
    old_day = date.today() - timedelta(days=120)
    seed_account_days(platform="facebook", account_id=PAGE, days={old_day: {"page_media_view": 5}})

    assert run_sync(fb_conn).outcome == "ok"

    assert not AccountDailyMetrics.objects.filter(day__lt=date.today() - timedelta(days=91))
