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
