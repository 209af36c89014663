"""Instagram analytics against the sandbox over HTTP: the media edge, per-media insights with
the current metric names only, empty and removed metrics as unavailable, account days, the
missing insights permission, and the account's BUC budget."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import AccountDailyMetrics, PostMetrics
from sandbox.analytics.seed import seed_account_days, seed_posts
from sandbox.faults import add_fault
from tests.analytics.conftest import cursor_of, days_ago, requests_to, runs_of
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)
IG = "17840000000000001"
SCOPES = [
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
]


def _metrics(i):
    return {"views": 300 + i, "reach": 200, "likes": 20 + i, "comments": 3, "shares": 2,
            "saved": 5, "total_interactions": 30 + i}  # fmt: skip


def _seed(count, *, spacing=timedelta(days=2), metrics=_metrics, newest=None):
    return seed_posts(
        platform="instagram", account_id=IG, count=count, newest=newest or days_ago(0.01),
        spacing=spacing, post_id=lambda i: str(18000000000000000 + i), metrics=metrics,
        kind="IMAGE",
    )  # fmt: skip


@pytest.fixture
def ig_conn(sandbox, brand):
    return sandbox_connection(brand, "instagram", scopes=SCOPES)


def test_the_backfill_reads_media_insights_with_current_metric_names(ig_conn, run_sync):
    _seed(30)
    today = timezone.now().date()
    seed_account_days(platform="instagram", account_id=IG, days={
        today - timedelta(days=2): {"reach": 900, "follower_count": 4},
        today - timedelta(days=60): {"reach": 300},
    })  # fmt: skip

    result = run_sync(ig_conn)

    assert result.outcome == "ok"
    assert PostMetrics.objects.filter(connection=ig_conn).count() == 30
    row = PostMetrics.objects.get(platform_post_id=str(18000000000000029))
    assert (row.views, row.reach, row.likes, row.comments, row.shares, row.saves) == (
        329, 200, 49, 3, 2, 5,
    )  # fmt: skip
    assert (row.clicks, row.video_views) == (None, None) and row.unavailable == []
    assert row.raw["insights"]["total_interactions"] == 59
    assert row.permalink.startswith("https://www.instagram.com/p/")
    asked = {m for r in requests_to("ig_insights") for m in r.params["metric"].split(",")}
    assert {"views", "saved"} <= asked
    assert asked.isdisjoint({"impressions", "plays", "video_views", "clips_replays_count"})
    days = AccountDailyMetrics.objects.filter(connection=ig_conn)
    assert days.count() == 91
    assert days.get(day=today - timedelta(days=2)).values == {"reach": 900, "follower_count": 4}
    sixty = days.get(day=today - timedelta(days=60))
    assert sixty.values["reach"] == 300 and sixty.unavailable == ["follower_count"]
    [run] = runs_of(ig_conn)
    assert run.outcome == "ok" and run.details["usage_source"] == "X-Business-Use-Case-Usage"


def test_media_with_no_data_yet_is_unavailable_not_zero(ig_conn, run_sync):
    _seed(1, metrics=lambda i: {"like_count": 4})

    assert run_sync(ig_conn).outcome == "ok"

    row = PostMetrics.objects.get(connection=ig_conn)
    assert (row.views, row.reach, row.shares, row.saves) == (None, None, None, None)
    assert set(row.unavailable) == {"views", "reach", "shares", "saves"}
    # The media node's own like_count stands in; comments_count (0) is a real 0.
    assert row.likes == 4 and row.comments == 0


def test_a_metric_instagram_removed_is_dropped_and_recorded_unavailable(
    ig_conn, run_sync, monkeypatch
):
    monkeypatch.setenv("SANDBOX_INSTAGRAM_REMOVED_METRICS", "shares")
    _seed(3)

    assert run_sync(ig_conn).outcome == "ok"

    for row in PostMetrics.objects.filter(connection=ig_conn):
        assert row.shares is None and row.unavailable == ["shares"] and row.views is not None
    # The error names the metric: asked again without it at once, and not again this page.
    calls = requests_to("ig_insights", path__contains="/1800")
    assert [c.status for c in calls] == [400, 200, 200, 200]
    assert "shares" not in calls[1].params["metric"]


def test_without_the_insights_scope_the_sync_keeps_the_counts_it_can_read(sandbox, brand, run_sync):
    conn = sandbox_connection(brand, "instagram", scopes=SCOPES[:2])
    _seed(2, metrics=lambda i: {"like_count": 7, "comments_count": 1, "views": 99})

    result = run_sync(conn)

    assert result.outcome == "ok"
    row = PostMetrics.objects.filter(connection=conn).first()
    assert (row.likes, row.comments, row.views) == (7, 1, None)
    assert "views" in row.unavailable


def test_a_buc_throttle_mid_page_keeps_what_was_read_and_resumes_at_the_next_media(
    ig_conn, run_sync
):
    _seed(60, spacing=timedelta(hours=12))
    # The 30th insights call (the 5th media of the second page) is throttled.
    add_fault(platform="instagram", kind="status_on_nth", count=30, path_contains="/insights",
              options={"status": 429})  # fmt: skip

    first = run_sync(ig_conn)

    assert first.outcome == "partial" and first.records == 25 + 4
    cursor = cursor_of(ig_conn)
    assert cursor.state["page"].startswith("until:")
    # The sandbox's throttle names 5 minutes in estimated_time_to_regain_access.
    assert timezone.now() + timedelta(minutes=4) < cursor.next_allowed_at
    assert cursor.next_allowed_at < timezone.now() + timedelta(minutes=6)
    assert runs_of(ig_conn)[0].error_code == "rate_limited"

    assert run_sync(ig_conn).outcome == "ok"

    assert PostMetrics.objects.filter(connection=ig_conn).count() == 60
    # Insights were read once per media (plus the one refused call): nothing read twice.
    ok = [r.path for r in requests_to("ig_insights", status=200) if "/1800" in r.path]
    assert len(ok) == len(set(ok)) == 60
    resumed = requests_to("media", status=200)[2]
    assert resumed.params["until"] == cursor.state["page"].removeprefix("until:")
