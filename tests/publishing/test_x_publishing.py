"""X publishing against the sandbox over real HTTP, one worker step at a time (no broker):
what the platform received is asserted, including that nothing was posted twice."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from connections.providers import base as pb
from connections.providers import get_provider
from publishing.models import JobStatus
from publishing.services import execution, platform_calls
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest, SandboxToken
from sandbox.published.models import SandboxPost
from tests.publishing.conftest import queued_job

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


def _requeue(job):
    # What the dispatcher does once the retry is due (retrying -> queued).
    from publishing import state

    state.transition(job.pk, expected=S.RETRYING, to=S.QUEUED)


def test_publish_now_posts_once_and_records_the_permalink(brand, owner, x_live):
    job = queued_job(brand, owner, x_live)

    outcome = execution.job_execute(job.pk)

    job.refresh_from_db()
    posts = list(SandboxPost.objects.filter(platform="x"))
    assert outcome == "published" and job.status == S.PUBLISHED
    assert [p.text for p in posts] == ["Fresh roast today"]
    assert job.platform_post_id == posts[0].post_id
    assert job.permalink == f"https://x.com/i/web/status/{posts[0].post_id}"
    assert list(job.attempt_rows.values_list("outcome", flat=True)) == ["published"]
    assert list(job.events.values_list("status", flat=True)) == [
        "queued",
        "publishing",
        "published",
    ]


def test_a_second_delivery_of_the_same_job_posts_nothing(brand, owner, x_live):
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "published"
    assert execution.job_execute(job.pk) == "not_claimed"

    assert SandboxPost.objects.count() == 1


def test_a_thread_is_posted_as_a_reply_chain(brand, owner, x_live):
    job = queued_job(brand, owner, x_live, text="One\n\nTwo\n\nThree", x_thread=True)

    execution.job_execute(job.pk)

    posts = list(SandboxPost.objects.order_by("id"))
    assert [p.text for p in posts] == ["One", "Two", "Three"]
    assert [p.reply_to for p in posts] == ["", posts[0].post_id, posts[1].post_id]
    job.refresh_from_db()
    assert job.platform_ids["thread_ids"] == [p.post_id for p in posts]


def test_a_rate_limited_thread_waits_for_the_reset_and_resumes_after_the_last_posted_tweet(
    brand, owner, x_live, monkeypatch
):
    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_WINDOW", "2")
    job = queued_job(brand, owner, x_live, text="A\n\nB\n\nC", x_thread=True)

    assert execution.job_execute(job.pk) == "rate_limited"

    job.refresh_from_db()
    first_two = list(SandboxPost.objects.order_by("id"))
    assert [p.text for p in first_two] == ["A", "B"]
    assert job.status == S.RETRYING and job.last_error_code == "rate_limited"
    # Never earlier than the x-rate-limit-reset the sandbox sent (15-minute window).
    assert job.next_attempt_at >= timezone.now() + timedelta(minutes=14)
    assert platform_calls.blocked_until(x_live.pk) is not None

    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_WINDOW", "100")
    platform_calls.block_connection(x_live.pk, until=timezone.now())
    _requeue(job)
    assert execution.job_execute(job.pk) == "published"

    posts = list(SandboxPost.objects.order_by("id"))
    assert [p.text for p in posts] == ["A", "B", "C"]
    assert posts[2].reply_to == posts[1].post_id


def test_a_spent_15_minute_window_waits_for_its_own_reset_not_the_daily_one(
    brand, owner, x_live, monkeypatch
):
    # Before: the 24-hour reset was preferred whenever present, holding the post up to a day.
    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_WINDOW", "1")
    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_DAY", "100")
    assert execution.job_execute(queued_job(brand, owner, x_live, text="First").pk) == "published"
    job = queued_job(brand, owner, x_live, text="Second")

    assert execution.job_execute(job.pk) == "rate_limited"

    job.refresh_from_db()
    SandboxRequest.objects.get(endpoint="tweets_create", status=429)  # exactly one refusal
    assert timezone.now() + timedelta(minutes=14) <= job.next_attempt_at
    assert job.next_attempt_at <= timezone.now() + timedelta(minutes=16)


def test_a_spent_daily_window_waits_for_the_daily_reset(brand, owner, x_live, monkeypatch):
    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_WINDOW", "100")
    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_DAY", "1")
    assert execution.job_execute(queued_job(brand, owner, x_live, text="First").pk) == "published"
    job = queued_job(brand, owner, x_live, text="Second")

    assert execution.job_execute(job.pk) == "rate_limited"

    job.refresh_from_db()
    assert job.next_attempt_at >= timezone.now() + timedelta(hours=23, minutes=50)


def test_a_5xx_is_retried_later_with_backoff(brand, owner, x_live):
    add_fault(platform="x", kind="status", scope="publish", options={"status": 503})
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    assert job.status == S.RETRYING and job.last_error_code == "transient"
    assert job.next_attempt_at is not None
    assert not SandboxPost.objects.exists()


def test_a_timeout_after_the_post_was_accepted_is_reconciled_without_posting_again(
    brand, owner, x_live, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="x", kind="accepted_timeout", scope="publish", options={"seconds": 2})
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "reconciling"
    job.refresh_from_db()
    assert job.status == S.RECONCILING
    assert SandboxPost.objects.count() == 1  # the platform did accept it

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "found"),
    ]


def test_an_unknown_outcome_that_never_reached_the_platform_is_sent_again_once(
    brand, owner, x_live, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(platform="x", kind="timeout", scope="publish", options={"seconds": 2})
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "requeued"
    assert execution.job_execute(job.pk) == "published"

    assert SandboxPost.objects.count() == 1


def test_a_duplicate_of_an_earlier_post_fails_with_the_platforms_reason(brand, owner, x_live):
    first = queued_job(brand, owner, x_live, text="Same words")
    execution.job_execute(first.pk)
    second = queued_job(brand, owner, x_live, text="Same words")

    outcome = execution.job_execute(second.pk)

    second.refresh_from_db()
    assert outcome == "failed"
    assert second.status == S.FAILED and second.last_error_code == "duplicate"
    assert "duplicate content" in second.last_error_message
    assert SandboxPost.objects.count() == 1


def test_an_expired_token_is_refreshed_once_and_the_post_goes_out(brand, owner, x_live):
    SandboxToken.objects.filter(token=x_live.access_token).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "published"

    x_live.refresh_from_db()
    assert SandboxPost.objects.count() == 1
    assert SandboxToken.objects.get(token=x_live.access_token).expires_at > timezone.now()


def test_a_revoked_grant_pauses_the_job_until_the_account_is_reconnected(brand, owner, x_live):
    SandboxToken.objects.filter(platform="x").update(revoked_at=timezone.now())
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "paused"

    job.refresh_from_db()
    x_live.refresh_from_db()
    assert job.status == S.PAUSED and job.last_error_message == "Reconnect X to continue."
    assert x_live.status == "needs_reauth"
    assert platform_calls.resume_reconnected() == []

    # The admin reconnects: a fresh grant is stored on the same connection.
    from tests.publishing.conftest import sandbox_x_connection

    fresh = sandbox_x_connection(
        owner.memberships.get().brand.tenant.brands.create(name="tmp", slug="tmp")
    )
    x_live.access_token, x_live.refresh_token, x_live.status = (
        fresh.access_token,
        fresh.refresh_token,
        "active",
    )
    x_live.save()

    assert platform_calls.resume_reconnected() == [job.pk]
    assert execution.job_execute(job.pk) == "published"
    assert SandboxPost.objects.count() == 1


# --- Connection resets: the sandbox drops the TCP connection without answering -----------


def test_a_connection_reset_is_a_connection_error_not_an_http_answer(sandbox):
    add_fault(platform="x", kind="connection_reset", scope="publish")

    with pytest.raises(requests.ConnectionError):
        requests.post(f"{sandbox}/sandbox/x/2/tweets", json={"text": "hi"}, timeout=5)

    assert SandboxRequest.objects.get(endpoint="tweets_create").fault == "connection_reset"
    # The sandbox still answers the next call on a fresh connection.
    assert requests.post(f"{sandbox}/sandbox/x/2/tweets", json={}, timeout=5).status_code == 401


def test_a_reset_after_sending_maps_to_unknown_not_transient(x_live):
    """Once the request went out the client cannot tell a reset before the platform acted
    from one after: only a reconcile can, so the error must be Unknown."""
    add_fault(platform="x", kind="connection_reset", scope="publish")
    provider = get_provider("x")

    with pytest.raises(pb.Unknown, match="connection lost after sending"):
        provider.http.request(
            "POST",
            provider.setting("API_BASE").rstrip("/") + "/tweets",
            bearer=x_live.access_token,
            json={"text": "Lost on the wire"},
        )
    assert not SandboxPost.objects.exists()


def test_an_answer_cut_off_mid_body_maps_to_unknown(x_live):
    # requests raises ChunkedEncodingError here, outside its ConnectionError family: the
    # helper must still map it, and to Unknown, since the platform already answered 201.
    add_fault(platform="x", kind="connection_reset", scope="publish", options={"mid_answer": True})
    provider = get_provider("x")

    with pytest.raises(pb.Unknown, match="cut off"):
        provider.http.request(
            "POST",
            provider.setting("API_BASE").rstrip("/") + "/tweets",
            bearer=x_live.access_token,
            json={"text": "Half an answer"},
        )
    assert SandboxPost.objects.get().text == "Half an answer"


def test_a_reset_before_the_post_was_accepted_is_checked_then_sent_once(brand, owner, x_live):
    add_fault(platform="x", kind="connection_reset", scope="publish")
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "reconciling"
    assert not SandboxPost.objects.exists()  # the platform never saw it

    assert execution.job_reconcile(job.pk) == "requeued"
    assert execution.job_execute(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "not_found"),
        ("publish", "published"),
    ]


def test_a_lost_post_with_links_is_found_in_its_t_co_form_and_not_sent_again(brand, owner, x_live):
    """X answers with links as t.co and & < > escaped: the lookup must still know the post."""
    add_fault(
        platform="x", kind="connection_reset", scope="publish", options={"after_accept": True}
    )
    text = "Beans & brews <new> at acme.example.com, menu: https://acme.example.com/menu?a=1&b=2."
    job = queued_job(brand, owner, x_live, text=text, link="https://acme.example.com/story")

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "published"

    post = SandboxPost.objects.get()
    assert "https://acme.example.com/story" in post.text
    assert SandboxRequest.objects.filter(endpoint="tweets_create").count() == 1


def test_the_text_as_sent_is_rebuilt_from_x_answer():
    from connections.providers.x.publish import _as_sent

    tweet = {
        "text": "Fika &amp; buns https://t.co/aaaaaaaaaa! https://t.co/bbbbbbbbbb",
        "entities": {
            "urls": [
                {"url": "https://t.co/aaaaaaaaaa", "expanded_url": "http://acme.example.com"},
                {"url": "https://t.co/bbbbbbbbbb", "media_key": "3_1",
                 "expanded_url": "https://x.com/i/web/status/1/photo/1"},
            ]
        },
    }  # fmt: skip

    assert _as_sent(tweet).strip() == "Fika & buns http://acme.example.com!"


@pytest.mark.parametrize("variant", ["after_accept", "mid_answer"])
def test_a_reset_after_the_post_was_accepted_is_found_and_not_sent_again(
    brand, owner, x_live, variant
):
    add_fault(platform="x", kind="connection_reset", scope="publish", options={variant: True})
    job = queued_job(brand, owner, x_live)

    assert execution.job_execute(job.pk) == "reconciling"
    assert SandboxPost.objects.count() == 1  # accepted, but the answer never came

    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    post = SandboxPost.objects.get()
    assert job.status == S.PUBLISHED and job.platform_post_id == post.post_id
    assert job.permalink == f"https://x.com/i/web/status/{post.post_id}"
    assert SandboxRequest.objects.filter(endpoint="tweets_create").count() == 1
    assert list(job.attempt_rows.values_list("kind", "outcome")) == [
        ("publish", "unknown"),
        ("reconcile", "found"),
    ]


def test_the_sandbox_shows_text_as_x_does():
    """Links as t.co (the original in entities.urls), a media link appended, & < > escaped."""
    from sandbox.x.display import render

    post = SandboxPost(
        platform="x", post_id="42", media_ids=["9"],
        text="New <blend> & more: https://acme.example.com/a, or acme.example.com.",
    )  # fmt: skip

    shown, urls = render(post)

    assert shown.startswith("New &lt;blend&gt; &amp; more: https://t.co/")
    assert [u["expanded_url"] for u in urls] == [
        "https://acme.example.com/a",
        "http://acme.example.com",
        "https://x.com/i/web/status/42/photo/1",
    ]
    assert all(shown[u["start"] : u["end"]] == u["url"] for u in urls)
    assert shown.endswith(" " + urls[-1]["url"]) and urls[-1]["media_key"] == "3_9"
    assert "acme.example.com" not in shown
