"""Validation gates publishing: errors block, review holds until an admin approves."""

import pytest

from audit.models import ActionLog
from publishing.models import JobStatus, Post, PublishJob
from validation.models import ValidationRun
from validation.services import policy_update

S = JobStatus


def _url(brand, post, action):
    return f"/api/v1/brands/{brand.pk}/posts/{post.pk}/{action}/"


@pytest.fixture
def policy(brand, owner):
    return policy_update(
        brand=brand, actor=owner, banned_phrases=["miracle cure"], review_keywords=["giveaway"]
    )


def test_a_post_breaking_the_rules_is_blocked_and_the_validation_recorded(
    policy, make_post, editor, api_client_for, brand
):
    post = make_post(text="A miracle cure in every cup")

    response = api_client_for(editor).post(_url(brand, post, "publish"))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["details"]["validation"]["ok"] is False
    assert set(post.jobs.values_list("status", flat=True)) == {S.DRAFT}
    assert ValidationRun.objects.filter(post_id=post.pk, outcome="blocked").exists()


def test_a_post_needing_review_is_held_until_an_admin_approves_it(
    policy,
    make_post,
    editor,
    admin_member,
    api_client_for,
    brand,
    django_capture_on_commit_callbacks,
):
    post = make_post(text="Big giveaway this weekend")

    held = api_client_for(editor).post(_url(brand, post, "publish"))
    editor_approval = api_client_for(editor).post(_url(brand, post, "approve"))
    with django_capture_on_commit_callbacks(execute=False):
        approved = api_client_for(admin_member).post(_url(brand, post, "approve"))

    assert held.status_code == 200 and held.json()["review_status"] == "pending"
    assert editor_approval.status_code == 403
    assert approved.status_code == 200, approved.json()
    post = Post.objects.get(pk=post.pk)
    assert post.review_status == "approved" and post.approved_by == admin_member
    assert set(PublishJob.objects.filter(post=post).values_list("status", flat=True)) == {S.QUEUED}
    assert ActionLog.objects.filter(action="post.approve", target_id=str(post.pk)).exists()


def test_an_approval_covers_only_the_content_that_was_approved(
    policy,
    make_post,
    editor,
    admin_member,
    api_client_for,
    brand,
    django_capture_on_commit_callbacks,
):
    post = make_post(text="Big giveaway this weekend")
    client = api_client_for(editor)
    client.post(_url(brand, post, "publish"))
    Post.objects.filter(pk=post.pk).update(
        review_status="approved", approved_content_hash="not-this-content"
    )

    with django_capture_on_commit_callbacks(execute=False):
        again = client.post(_url(brand, post, "publish"))

    assert again.json()["review_status"] == "pending"
    assert set(post.jobs.values_list("status", flat=True)) == {S.DRAFT}
