"""The posts page: members see their brand's posts and targets; outsiders get a 404."""

from tests.conftest import PASSWORD


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_member_sees_posts_with_their_targets_and_the_live_socket(
    client, viewer, make_post, brand
):
    post = make_post(text="Visible to members")
    job = post.jobs.get()
    _login(client, viewer)

    response = client.get(f"/brands/{brand.pk}/posts/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Visible to members" in body
    assert f'data-job-id="{job.pk}"' in body
    assert "js/job_events.js" in body


def test_an_outsider_gets_a_404(client, outsider, make_post, brand):
    make_post()
    _login(client, outsider)

    assert client.get(f"/brands/{brand.pk}/posts/").status_code == 404


def test_the_brand_page_links_to_the_posts_page(client, viewer, brand):
    _login(client, viewer)

    response = client.get(f"/brands/{brand.pk}/")

    assert f"/brands/{brand.pk}/posts/" in response.content.decode()


def test_a_published_job_shows_its_synced_metrics_comments_and_deletion(
    client, viewer, make_post, brand
):
    from django.utils import timezone

    from analytics.models import PostMetrics
    from publishing.models import PublishJob
    from webhooks.models import ActivityKind, PostActivity

    job = make_post(text="Went out").jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(
        status="published", platform_post_id="555", platform_deleted_at=timezone.now()
    )
    PostMetrics.objects.create(
        brand=brand, connection=job.connection, platform="x", platform_post_id="555",
        publish_job=job, views=1200, likes=30, comments=None, fetched_at=timezone.now(),
    )  # fmt: skip
    PostActivity.objects.create(
        brand=brand, connection=job.connection, job=job, platform="x",
        kind=ActivityKind.COMMENT, item_id="c1", parent_id="555",
    )  # fmt: skip
    _login(client, viewer)

    body = client.get(f"/brands/{brand.pk}/posts/").content.decode()

    metrics = body.split('class="job-metrics')[1].split("</span>")[0]
    assert metrics.endswith("1200 views · 30 likes")  # comments not reported: not shown as 0
    assert "1 comment via webhooks" in body
    assert "deleted on the platform" in body
