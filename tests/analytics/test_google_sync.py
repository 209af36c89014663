"""Google Business Profile analytics against the sandbox over HTTP: local posts with
reportInsights (best effort), the Performance API's daily series per location, proto3 zeros,
a retired v4 method, and the per-minute quota stopping a walk mid-way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import AccountDailyMetrics, PostMetrics
from sandbox.analytics.seed import seed_account_days, seed_posts
from tests.analytics.conftest import cursor_of, days_ago, requests_to, runs_of
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)
LOCATION = "accounts/111000/locations/501"


def _seed(count, *, spacing=timedelta(days=1), metrics=None, newest=None):
    metrics = metrics or (lambda i: {"LOCAL_POST_VIEWS_SEARCH": 40 + i,
                                     "LOCAL_POST_ACTIONS_CALL_TO_ACTION": 3})  # fmt: skip
    return seed_posts(
        platform="google_business", account_id=LOCATION, count=count, kind="STANDARD",
        newest=newest or days_ago(0.01), spacing=spacing, metrics=metrics,
        post_id=lambda i: f"{LOCATION}/localPosts/{i:018d}",
    )  # fmt: skip


@pytest.fixture
def gbp(sandbox, brand):
    return sandbox_connection(brand, "google_business", account_kind="location")


def test_the_backfill_reads_local_posts_their_insights_and_the_locations_days(gbp, run_sync):
    _seed(130, spacing=timedelta(hours=17))  # ~92 days: the oldest few are outside
    today = timezone.now().date()
    seed_account_days(platform="google_business", account_id=LOCATION, days={
        today - timedelta(days=5): {"WEBSITE_CLICKS": 12, "CALL_CLICKS": 0,
                                    "BUSINESS_IMPRESSIONS_MOBILE_MAPS": 340},
    })  # fmt: skip

    result = run_sync(gbp)

    assert result.outcome == "ok"
    rows = PostMetrics.objects.filter(connection=gbp)
    assert 125 <= rows.count() < 130
    row = rows.get(platform_post_id=f"{LOCATION}/localPosts/{129:018d}")
    assert (row.views, row.clicks) == (169, 3) and row.unavailable == []
    assert (row.reach, row.likes, row.comments, row.shares) == (None,) * 4
    assert row.permalink.startswith("https://local.google.com/place")
    assert [r.params.get("pageToken") is None for r in requests_to("v4_local_posts_list")] == [
        True, False,
    ]  # fmt: skip
    assert len(requests_to("v4_report_insights")) == 2
    days = AccountDailyMetrics.objects.filter(connection=gbp)
    assert days.count() == 91 and len(requests_to("performance_daily")) == 4
    day = days.get(day=today - timedelta(days=5))
    assert day.values["WEBSITE_CLICKS"] == 12 and day.values["CALL_CLICKS"] == 0
    assert day.values["BUSINESS_IMPRESSIONS_MOBILE_MAPS"] == 340
    assert "BUSINESS_DIRECTION_REQUESTS" in day.unavailable
    blank = days.get(day=today - timedelta(days=6))
    assert set(blank.values.values()) == {None}
    assert runs_of(gbp)[0].records == rows.count() + 91


def test_a_zero_is_zero_and_a_post_without_data_is_unavailable(gbp, run_sync):
    _seed(2, metrics=lambda i: {"LOCAL_POST_VIEWS_SEARCH": 0} if i else {})

    assert run_sync(gbp).outcome == "ok"

    zero = PostMetrics.objects.get(platform_post_id=f"{LOCATION}/localPosts/{1:018d}")
    assert zero.views == 0 and zero.clicks is None and zero.unavailable == ["clicks"]
    none = PostMetrics.objects.get(platform_post_id=f"{LOCATION}/localPosts/{0:018d}")
    assert (none.views, none.clicks) == (None, None)
    assert set(none.unavailable) == {"views", "clicks"}


def test_a_retired_report_insights_leaves_post_metrics_unavailable_and_the_sync_ok(
    gbp, run_sync, monkeypatch
):
    monkeypatch.setenv("SANDBOX_GOOGLE_REPORT_INSIGHTS_RETIRED", "true")
    _seed(3)

    result = run_sync(gbp)

    assert result.outcome == "ok"
    for row in PostMetrics.objects.filter(connection=gbp):
        assert (row.views, row.clicks) == (None, None) and set(row.unavailable) == {
            "views", "clicks",
        }  # fmt: skip
    assert AccountDailyMetrics.objects.filter(connection=gbp).count() == 91


def test_the_per_minute_quota_stops_the_walk_and_the_next_minute_resumes_it(
    gbp, run_sync, monkeypatch
):
    monkeypatch.setenv("SANDBOX_GOOGLE_V4_QPM", "2")
    _seed(150, spacing=timedelta(hours=12))

    first = run_sync(gbp)

    # Listing + reportInsights use the minute's two calls; the second listing gets a 429.
    assert first.outcome == "partial" and first.records == 100
    cursor = cursor_of(gbp)
    saved = cursor.state["page"]
    assert saved and cursor.next_allowed_at <= timezone.now() + timedelta(minutes=1)
    assert runs_of(gbp)[0].error_code == "rate_limited"

    monkeypatch.setenv("SANDBOX_GOOGLE_V4_QPM", "300")
    assert run_sync(gbp).outcome == "ok"

    assert PostMetrics.objects.filter(connection=gbp).count() == 150
    tokens = [r.params.get("pageToken") for r in requests_to("v4_local_posts_list", status=200)]
    assert tokens == [None, saved]
