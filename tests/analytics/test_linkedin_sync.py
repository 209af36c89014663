"""LinkedIn analytics against the sandbox over HTTP: organization posts listed by author and
measured with organizationalEntityShareStatistics (one call per page), member posts (which
LinkedIn will not list) measured by socialActions from the posts we published, and a 429 in
the middle of a walk."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from analytics.models import PostMetrics
from publishing.models import JobStatus, PublishJob
from publishing.services.posts import post_create
from sandbox.analytics.seed import seed_posts
from sandbox.faults import add_fault
from tests.analytics.conftest import cursor_of, days_ago, requests_to, runs_of
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)
ORG = "urn:li:organization:900001"
MEMBER = "urn:li:person:sbxMember01"


def _stats(i):
    return {"impressionCount": 500 + i, "uniqueImpressionsCount": 300, "clickCount": 12,
            "likeCount": 9 + i, "commentCount": 2, "shareCount": 1, "engagement": 0.05}  # fmt: skip


def _seed(count, *, spacing=timedelta(days=1), metrics=_stats, author=ORG, newest=None,
          post_id=None):  # fmt: skip
    return seed_posts(
        platform="linkedin", account_id=author, count=count, newest=newest or days_ago(0.01),
        spacing=spacing, post_id=post_id or (lambda i: f"urn:li:share:{7000000 + i}"),
        metrics=metrics,
    )  # fmt: skip


@pytest.fixture
def org_conn(sandbox, brand):
    return sandbox_connection(brand, "linkedin", account_id=ORG, account_kind="organization")


def test_the_backfill_walks_the_orgs_posts_until_the_window_and_reads_share_statistics(
    org_conn, run_sync
):
    _seed(120, spacing=timedelta(hours=20))  # 100 days: the oldest 12 are outside the window

    result = run_sync(org_conn)

    assert result.outcome == "ok"
    rows = PostMetrics.objects.filter(connection=org_conn)
    assert rows.count() == 108
    row = rows.get(platform_post_id="urn:li:share:7000119")
    assert (row.views, row.reach, row.clicks, row.likes, row.comments, row.shares) == (
        619, 300, 12, 128, 2, 1,
    )  # fmt: skip
    assert (row.saves, row.video_views) == (None, None) and row.unavailable == []
    assert row.permalink == "https://www.linkedin.com/feed/update/urn:li:share:7000119/"
    # Three listing pages (the third reaches past the window), one statistics call each.
    assert [r.params["start"] for r in requests_to("posts_find")] == ["0", "50", "100"]
    stats_calls = requests_to("share_statistics")
    assert len(stats_calls) == 3
    assert stats_calls[0].params["shares"].startswith("List(urn:li:share:7000119,")
    assert cursor_of(org_conn).backfill_done_at is not None


def test_ugc_posts_and_posts_without_statistics(org_conn, run_sync):
    _seed(2, post_id=lambda i: f"urn:li:ugcPost:{800 + i}")
    _seed(1, newest=days_ago(3), metrics=lambda i: {}, post_id=lambda i: "urn:li:share:1")

    assert run_sync(org_conn).outcome == "ok"

    assert PostMetrics.objects.get(platform_post_id="urn:li:ugcPost:801").views == 501
    assert "ugcPosts" in requests_to("share_statistics")[0].params
    bare = PostMetrics.objects.get(platform_post_id="urn:li:share:1")
    assert (bare.views, bare.likes) == (None, None)
    assert set(bare.unavailable) == {"views", "reach", "clicks", "likes", "comments", "shares"}


def test_member_posts_are_measured_by_social_actions_from_what_we_published(
    sandbox, brand, owner, run_sync
):
    member = sandbox_connection(brand, "linkedin")
    _seed(3, author=MEMBER, metrics=lambda i: {"likeCount": 4 + i, "commentCount": i})
    for i in range(3):
        post = post_create(brand=brand, author=owner, text=f"Ours {i}", targets=[member.pk])
        PublishJob.objects.filter(post=post).update(
            status=JobStatus.PUBLISHED, platform_post_id=f"urn:li:share:{7000000 + i}",
            published_at=days_ago(1 + i),
        )  # fmt: skip

    result = run_sync(member)

    assert result.outcome == "ok" and result.records == 3
    row = PostMetrics.objects.get(platform_post_id="urn:li:share:7000002")
    assert (row.likes, row.comments) == (6, 2)
    # Not reported for member posts: NULL, and not "unavailable" either.
    assert (row.views, row.reach, row.clicks, row.shares) == (None,) * 4
    assert row.unavailable == [] and row.publish_job.post.text == "Ours 2"
    assert not requests_to("posts_find")  # LinkedIn does not list a member's posts
    assert len(requests_to("social_actions")) == 3


def test_a_daily_limit_429_mid_sync_waits_for_midnight_utc_and_resumes(org_conn, run_sync):
    _seed(120, spacing=timedelta(hours=12))
    add_fault(platform="linkedin", kind="status_on_nth", count=2, path_contains="/rest/posts",
              options={"status": 429})  # fmt: skip

    first = run_sync(org_conn)

    assert first.outcome == "partial" and first.records == 50
    cursor = cursor_of(org_conn)
    assert cursor.state["page"] == "50"
    midnight = datetime.combine(timezone.now().astimezone(UTC).date() + timedelta(days=1),
                                time(), tzinfo=UTC)  # fmt: skip
    assert cursor.next_allowed_at == midnight
    assert runs_of(org_conn)[0].error_code == "quota_exceeded"

    assert run_sync(org_conn).outcome == "ok"

    assert PostMetrics.objects.filter(connection=org_conn).count() == 120
    ok = [r.params["start"] for r in requests_to("posts_find", status=200)]
    assert ok == ["0", "50", "100"]


def test_an_incremental_run_reads_only_until_the_refresh_window(org_conn, run_sync):
    _seed(30, spacing=timedelta(days=3))
    assert run_sync(org_conn).outcome == "ok"
    _seed(1, newest=timezone.now(), post_id=lambda i: "urn:li:share:99")

    assert run_sync(org_conn).outcome == "ok"

    assert PostMetrics.objects.filter(connection=org_conn).count() == 31
    last = requests_to("share_statistics")[-1].params["shares"]
    assert "urn:li:share:99" in last and "urn:li:share:7000000" not in last
    assert runs_of(org_conn)[-1].kind == "analytics_incremental"
