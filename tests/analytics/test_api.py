"""The analytics API: latest metrics per post and per-brand totals over a date range, brand
isolation (another brand's rows never show), and nulls that stay null in totals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from analytics.models import PostMetrics
from publishing.services.posts import post_create
from tenancy.models import Brand
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _row(connection, post_id, posted_at, **metrics):
    return PostMetrics.objects.create(
        brand=connection.brand, connection=connection, platform=connection.platform,
        platform_post_id=post_id, posted_at=posted_at, fetched_at=timezone.now(), **metrics,
    )  # fmt: skip


@pytest.fixture
def rows(brand, outsider):
    x = sandbox_connection(brand, "x")
    fb = sandbox_connection(brand, "facebook")
    other_brand = Brand.objects.exclude(pk=brand.pk).get()
    theirs = sandbox_connection(other_brand, "x")
    today = timezone.now().astimezone(PARIS).replace(hour=12, minute=0)
    _row(x, "x1", today, views=100, likes=5, comments=1)
    _row(x, "x2", today - timedelta(days=1), views=50, likes=0)
    _row(fb, "fb1", today - timedelta(days=2), likes=7, reach=30)
    _row(x, "old", today - timedelta(days=40), views=9999)
    _row(theirs, "secret", today, views=123456)
    return {"x": x, "fb": fb, "today": today}


def test_a_viewer_reads_the_latest_metrics_of_the_brands_posts_newest_first(
    rows, brand, viewer, api_client_for
):
    response = api_client_for(viewer).get(f"/api/v1/brands/{brand.pk}/analytics/posts/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["platform_post_id"] for r in results] == ["x1", "x2", "fb1"]
    assert results[0]["metrics"] == {
        "views": 100, "reach": None, "likes": 5, "comments": 1, "shares": None, "saves": None,
        "clicks": None, "video_views": None,
    }  # fmt: skip
    assert results[1]["metrics"]["likes"] == 0  # a real zero stays zero


def test_posts_filter_by_day_range_in_the_brand_time_zone_and_platform(
    rows, brand, owner, api_client_for
):
    api = api_client_for(owner)
    day = rows["today"].date() - timedelta(days=1)

    one_day = api.get(f"/api/v1/brands/{brand.pk}/analytics/posts/?since={day}&until={day}")
    facebook = api.get(f"/api/v1/brands/{brand.pk}/analytics/posts/?platform=facebook")
    wide = api.get(f"/api/v1/brands/{brand.pk}/analytics/posts/?since={day - timedelta(days=60)}")

    assert [r["platform_post_id"] for r in one_day.json()["results"]] == ["x2"]
    assert [r["platform_post_id"] for r in facebook.json()["results"]] == ["fb1"]
    assert "old" in [r["platform_post_id"] for r in wide.json()["results"]]


def test_a_bad_range_is_a_400_in_the_api_error_shape(rows, brand, owner, api_client_for):
    api = api_client_for(owner)

    reversed_ = api.get(
        f"/api/v1/brands/{brand.pk}/analytics/posts/?since=2025-02-01&until=2025-01-01"
    )
    too_long = api.get(
        f"/api/v1/brands/{brand.pk}/analytics/summary/?since=2023-01-01&until=2025-01-01"
    )

    assert reversed_.status_code == 400 and reversed_.json()["code"] == "invalid"
    assert "since" in reversed_.json()["details"]
    assert too_long.status_code == 400


def test_the_summary_totals_each_platform_and_keeps_unreported_metrics_null(
    rows, brand, viewer, api_client_for
):
    response = api_client_for(viewer).get(f"/api/v1/brands/{brand.pk}/analytics/summary/")

    assert response.status_code == 200
    by_platform = {p["platform"]: p for p in response.json()["platforms"]}
    assert set(by_platform) == {"x", "facebook"}  # the other brand's post is not counted
    assert by_platform["x"]["posts"] == 2 and by_platform["x"]["views"] == 150
    assert by_platform["x"]["likes"] == 5 and by_platform["x"]["reach"] is None
    assert by_platform["facebook"]["views"] is None and by_platform["facebook"]["reach"] == 30


def test_the_post_id_links_back_to_our_post_when_we_published_it(brand, owner, api_client_for):
    connection = sandbox_connection(brand, "x")
    post = post_create(brand=brand, author=owner, text="Ours", targets=[connection.pk])
    job = post.jobs.get()
    row = _row(connection, "ours1", timezone.now(), likes=3)
    row.publish_job = job
    row.save()

    response = api_client_for(owner).get(f"/api/v1/brands/{brand.pk}/analytics/posts/")

    [result] = response.json()["results"]
    assert result["post"] == post.pk and result["publish_job"] == job.pk


def test_an_outsider_gets_404_for_another_brands_analytics(rows, brand, outsider, api_client_for):
    api = api_client_for(outsider)

    for path in ("posts", "summary"):
        assert api.get(f"/api/v1/brands/{brand.pk}/analytics/{path}/").status_code == 404


def test_the_schema_documents_both_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()

    posts = schema["paths"]["/api/v1/brands/{brand_id}/analytics/posts/"]["get"]
    assert {p["name"] for p in posts["parameters"]} >= {"since", "until", "platform", "cursor"}
    assert "/api/v1/brands/{brand_id}/analytics/summary/" in schema["paths"]


def test_day_boundaries_follow_the_brand_time_zone(brand, owner, api_client_for):
    connection = sandbox_connection(brand, "x")
    # 23:30 in Paris on 1 March is 22:30 UTC: it belongs to 1 March for this brand.
    _row(connection, "late", datetime(2025, 3, 1, 23, 30, tzinfo=PARIS), likes=1)

    response = api_client_for(owner).get(
        f"/api/v1/brands/{brand.pk}/analytics/posts/?since=2025-03-01&until=2025-03-01"
    )

    assert [r["platform_post_id"] for r in response.json()["results"]] == ["late"]
