"""A token that expires in the middle of a multi-call publish (an X thread) is refreshed once and
the publish resumes from what the first try checkpointed: nothing is sent twice."""

import pytest

from publishing.models import JobStatus
from publishing.services import execution
from publishing.services.posts import post_create, post_publish_now
from sandbox.faults import add_fault
from sandbox.published.models import SandboxPost
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_thread_whose_token_expires_after_the_first_tweet_posts_each_tweet_once(
    sandbox, brand, owner
):
    connection = sandbox_connection(brand, "x")
    post = post_create(
        brand=brand, author=owner, text="One\n\nTwo\n\nThree", targets=[connection.pk],
        x_thread=True,
    )  # fmt: skip
    post_publish_now(post=post, actor=owner)
    job = post.jobs.get()
    # the first tweet goes out; the token expires as the second is sent
    add_fault(platform="x", kind="expire_token", scope="publish", path_contains="/2/tweets",
              options={"skip": 1})  # fmt: skip

    assert execution.job_execute(job.pk) == "published"

    posts = list(SandboxPost.objects.order_by("id"))
    assert [p.text for p in posts] == ["One", "Two", "Three"]
    assert [p.reply_to for p in posts] == ["", posts[0].post_id, posts[1].post_id]
    job.refresh_from_db()
    assert job.status == JobStatus.PUBLISHED
    connection.refresh_from_db()
    assert connection.last_refreshed_at is not None
