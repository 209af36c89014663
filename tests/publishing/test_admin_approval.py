"""Staff approve held posts from the admin, through the same review service as the API."""

import pytest
from django.urls import reverse

from audit.models import ActionLog
from publishing.models import JobStatus, Post, PublishJob
from tests.publishing.test_review_gate import _url
from validation.services import policy_update


@pytest.fixture
def held_post(brand, owner, make_post, editor, api_client_for):
    policy_update(brand=brand, actor=owner, review_keywords=["giveaway"])
    post = make_post(text="Big giveaway this weekend")
    response = api_client_for(editor).post(_url(brand, post, "publish"))
    assert response.json()["review_status"] == "pending"
    return post


def _approve(client, post):
    return client.post(
        reverse("admin:publishing_post_changelist"),
        {"action": "approve", "_selected_action": [str(post.pk)]},
        follow=True,
    )


def test_a_superuser_approves_a_held_post_in_the_admin_and_it_is_queued(
    client, held_post, django_user_model, django_capture_on_commit_callbacks
):
    staff = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=False):
        response = _approve(client, held_post)

    assert response.status_code == 200
    post = Post.objects.get(pk=held_post.pk)
    assert post.review_status == "approved" and post.approved_by == staff
    statuses = set(PublishJob.objects.filter(post=post).values_list("status", flat=True))
    assert statuses == {JobStatus.QUEUED}
    assert ActionLog.objects.filter(action="post.approve", actor=staff).exists()


def test_staff_who_are_only_editors_of_the_brand_cannot_approve(client, held_post, editor):
    from django.contrib.auth.models import Permission

    editor.is_staff = True
    editor.save()
    editor.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(editor)

    response = _approve(client, held_post)

    assert response.status_code == 200
    assert b"only the brand&#x27;s admins approve" in response.content
    assert Post.objects.get(pk=held_post.pk).review_status == "pending"
