"""Google Business Profile local posts against the sandbox over real HTTP, one worker step at a
time: STANDARD with a photo and a link, EVENT and OFFER (asserting the LocalPost Google
received), details refused by our API, REJECTED posts, quotas, lost access, lost answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections.providers import base as pb
from connections.providers.google_business.publish import local_post
from publishing.models import JobStatus, MediaAsset
from publishing.services import execution, platform_calls
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxPost
from tests.publishing.conftest import queued_job
from tests.sandbox_accounts import sandbox_connection
from validation.services import policy_update

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)
LOCATION = "accounts/111000/locations/501"


@pytest.fixture
def google(sandbox, brand):
    return sandbox_connection(brand, "google_business")


def _photo(brand, sandbox, name="latte"):
    return MediaAsset.objects.create(
        brand=brand, source_url=f"{sandbox}/sandbox/google_business/photos/{name}.png",
        mime="image/png", width=1200, height=900, size_bytes=40_000,
    )  # fmt: skip


def test_a_standard_post_with_a_photo_and_a_link_goes_out_with_a_learn_more_button(
    brand, owner, google, sandbox
):
    photo = _photo(brand, sandbox)
    job = queued_job(
        brand, owner, google, text="Our autumn blend is here.",
        link="https://acme.example/autumn", media=[photo.pk],
    )  # fmt: skip

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get(platform="google_business")
    assert sent.kind == "STANDARD" and sent.account_id == LOCATION
    assert sent.payload == {
        "languageCode": "en",
        "summary": "Our autumn blend is here.",
        "topicType": "STANDARD",
        "callToAction": {"actionType": "LEARN_MORE", "url": "https://acme.example/autumn"},
        "media": [{"mediaFormat": "PHOTO", "sourceUrl": photo.source_url}],
    }
    job.refresh_from_db()
    assert job.status == S.PUBLISHED and job.platform_post_id == sent.post_id
    assert job.platform_post_id.startswith(f"{LOCATION}/localPosts/")
    assert job.permalink.startswith("https://local.google.com/place?id=501&use=posts&lpsid=")
    assert job.platform_ids["post_name"] == sent.post_id and job.platform_ids["pending_since"]


def test_an_event_post_sends_its_title_schedule_and_button(brand, owner, google):
    details = {
        "title": "Latte art night", "start": "2026-05-01T18:30", "end": "2026-05-01T21:00",
        "cta_type": "BOOK", "cta_url": "https://acme.example/book",
    }  # fmt: skip
    job = queued_job(
        brand, owner, google, text="Come and pour with us.", google_post_type="EVENT",
        google_details=details,
    )  # fmt: skip

    assert execution.job_execute(job.pk) == "published"

    sent = SandboxPost.objects.get(platform="google_business")
    assert sent.kind == "EVENT"
    assert sent.payload["topicType"] == "EVENT"
    assert sent.payload["callToAction"] == {
        "actionType": "BOOK",
        "url": "https://acme.example/book",
    }
    assert sent.payload["event"] == {
        "title": "Latte art night",
        "schedule": {
            "startDate": {"year": 2026, "month": 5, "day": 1},
            "startTime": {"hours": 18, "minutes": 30, "seconds": 0, "nanos": 0},
            "endDate": {"year": 2026, "month": 5, "day": 1},
            "endTime": {"hours": 21, "minutes": 0, "seconds": 0, "nanos": 0},
        },
    }
    assert "offer" not in sent.payload


def test_an_offer_post_sends_its_coupon_and_terms_and_no_button(brand, owner, google):
    details = {
        "title": "Two for one", "start": "2026-06-01", "end": "2026-06-07",
        "coupon_code": "TWOFOR1", "redeem_url": "https://acme.example/redeem",
        "terms": "One per customer.",
    }  # fmt: skip
    job = queued_job(
        brand, owner, google, text="Bring a friend this week.", google_post_type="OFFER",
        google_details=details, link="https://acme.example/offer",
    )  # fmt: skip

    assert execution.job_execute(job.pk) == "published"

    payload = SandboxPost.objects.get(platform="google_business").payload
    assert payload["topicType"] == "OFFER"
    assert payload["offer"] == {
        "couponCode": "TWOFOR1",
        "redeemOnlineUrl": "https://acme.example/redeem",
        "termsConditions": "One per customer.",
    }
    # Whole days: dates without times.
    assert payload["event"] == {
        "title": "Two for one",
        "schedule": {
            "startDate": {"year": 2026, "month": 6, "day": 1},
            "endDate": {"year": 2026, "month": 6, "day": 7},
        },
    }
    assert "callToAction" not in payload  # Google ignores one on OFFER posts


def test_a_call_button_is_sent_without_a_url(brand, owner, google):
    job = queued_job(
        brand, owner, google, text="Order by phone.", google_details={"cta_type": "CALL"}
    )

    assert execution.job_execute(job.pk) == "published"

    payload = SandboxPost.objects.get(platform="google_business").payload
    assert payload["callToAction"] == {"actionType": "CALL"}


@pytest.mark.parametrize(
    ("post_type", "details", "field"),
    [
        ("EVENT", {"start": "2026-05-01", "end": "2026-05-02"}, "title"),
        ("OFFER", {"title": "Sale", "start": "2026-05-01"}, "end"),
        ("EVENT", {"title": "G", "start": "2026-05-01T20:00+02:00", "end": "2026-05-02"}, "start"),
        ("EVENT", {"title": "Gig", "start": "2026-05-03", "end": "2026-05-02"}, "end"),
        ("STANDARD", {"cta_type": "CALL", "cta_url": "https://acme.example"}, "cta_url"),
        ("STANDARD", {"cta_type": "BOOK"}, "cta_url"),
        ("STANDARD", {"cta_type": "DANCE", "cta_url": "https://acme.example"}, "cta_type"),
        ("STANDARD", {"coupon_code": "X"}, "coupon_code"),
        ("OFFER", {"title": "T", "start": "2026-05-01", "end": "2026-05-01", "cta_type": "CALL"},
         "cta_type"),
        ("STANDARD", {"colour": "red"}, "colour"),
    ],
)  # fmt: skip
def test_bad_google_details_are_a_400_naming_the_field(
    api_client_for, brand, owner, post_type, details, field
):
    connection = sandbox_connection(brand, "google_business")
    api = api_client_for(owner)

    response = api.post(
        f"/api/v1/brands/{brand.pk}/posts/",
        {"text": "Hello", "targets": [connection.pk], "google_post_type": post_type,
         "google_details": details},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["details"]["google_details"]
    assert not brand.posts.exists()


def test_good_google_details_are_accepted_by_the_api(api_client_for, brand, owner):
    connection = sandbox_connection(brand, "google_business")

    response = api_client_for(owner).post(
        f"/api/v1/brands/{brand.pk}/posts/",
        {"text": "Hello", "targets": [connection.pk], "google_post_type": "EVENT",
         "google_details": {"title": "Gig", "start": "2026-05-01T20:00", "end": "2026-05-01"}},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    assert response.json()["google_details"]["title"] == "Gig"


def test_a_post_google_rejects_fails_with_the_reason(brand, owner, google):
    # The brand's own number passes our checks; Google's post policy still refuses numbers in
    # the text (the CALL button is for that), and answers state REJECTED.
    policy_update(brand=brand, actor=owner, allowed_contacts=["+33 1 42 68 53 00"])
    job = queued_job(brand, owner, google, text="Call us on +33 1 42 68 53 00 to book.")

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == S.FAILED and job.last_error_code == "rejected"
    assert "content policy" in job.last_error_message
    assert SandboxPost.objects.filter(platform="google_business").count() == 1


def test_googles_invalid_argument_fails_the_job_with_googles_message(brand, owner, google, sandbox):
    missing = MediaAsset.objects.create(
        brand=brand, source_url=f"{sandbox}/sandbox/nowhere/gone.png", mime="image/png",
        width=1200, height=900,
    )  # fmt: skip
    job = queued_job(brand, owner, google, text="A photo that is gone", media=[missing.pk])

    assert execution.job_execute(job.pk) == "failed"

    job.refresh_from_db()
    assert job.last_error_code == "rejected"
    assert "sourceUrl could not be fetched" in job.last_error_message
    assert not SandboxPost.objects.filter(platform="google_business").exists()


def test_resource_exhausted_retries_after_the_minute(brand, owner, google):
    add_fault(platform="google_business", kind="status", scope="publish", options={"status": 429})
    job = queued_job(brand, owner, google)
    before = timezone.now()

    assert execution.job_execute(job.pk) == "rate_limited"

    job.refresh_from_db()
    assert job.status == S.RETRYING and job.last_error_code == "rate_limited"
    assert job.next_attempt_at >= before + timedelta(seconds=59)
    assert platform_calls.blocked_until(google.pk) is not None
    assert not SandboxPost.objects.filter(platform="google_business").exists()


def test_the_sandboxs_per_minute_quota_answers_resource_exhausted(
    brand, owner, google, monkeypatch
):
    monkeypatch.setenv("SANDBOX_GOOGLE_V4_QPM", "1")
    first = queued_job(brand, owner, google, text="First")
    second = queued_job(brand, owner, google, text="Second")

    assert execution.job_execute(first.pk) == "published"
    assert execution.job_execute(second.pk) == "rate_limited"

    assert list(SandboxPost.objects.values_list("text", flat=True)) == ["First"]


def test_a_location_the_user_lost_access_to_pauses_the_job(brand, owner, sandbox):
    elsewhere = sandbox_connection(brand, "google_business", account_id="accounts/999/locations/7")
    job = queued_job(brand, owner, elsewhere)

    assert execution.job_execute(job.pk) == "paused"

    job.refresh_from_db()
    elsewhere.refresh_from_db()
    assert job.status == S.PAUSED and elsewhere.status == "needs_reauth"
    assert "lost access to the location" in elsewhere.last_error


def test_a_5xx_is_retried(brand, owner, google):
    add_fault(platform="google_business", kind="status", scope="publish", options={"status": 503})
    job = queued_job(brand, owner, google)

    assert execution.job_execute(job.pk) == "retrying"

    job.refresh_from_db()
    assert job.last_error_code == "transient"


def test_a_lost_answer_is_reconciled_from_the_locations_posts_without_posting_again(
    brand, owner, google, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="google_business", kind="accepted_timeout", scope="publish",
        options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, google, text="Did it go?")

    assert execution.job_execute(job.pk) == "reconciling"
    assert execution.job_reconcile(job.pk) == "published"

    job.refresh_from_db()
    sent = SandboxPost.objects.get(platform="google_business")
    assert job.status == S.PUBLISHED and job.platform_post_id == sent.post_id
    assert job.permalink


def test_the_lookup_after_a_lost_answer_pages_through_a_busy_locations_posts(
    brand, owner, google, settings
):
    settings.PLATFORM_READ_TIMEOUT = 1
    add_fault(
        platform="google_business", kind="accepted_timeout", scope="publish",
        options={"seconds": 2},
    )  # fmt: skip
    job = queued_job(brand, owner, google, text="Only once")
    assert execution.job_execute(job.pk) == "reconciling"
    for n in range(120):
        SandboxPost.objects.create(
            platform="google_business", account_id=LOCATION, kind="STANDARD",
            post_id=f"{LOCATION}/localPosts/filler{n}", text=f"filler {n}",
            payload={"summary": f"filler {n}", "topicType": "STANDARD"},
        )  # fmt: skip

    found = platform_calls.find_post(job)

    assert found is not None
    assert found.platform_post_id == SandboxPost.objects.get(text="Only once").post_id
    pages = SandboxRequest.objects.filter(endpoint="v4_local_posts_list").count()
    assert pages == 2  # 121 posts, 100 a page, the oldest on the second


def test_more_than_one_photo_is_refused_before_anything_is_sent():
    content = pb.PostContent(
        text="Two photos",
        media=(pb.MediaItem(url="https://a/1.png", mime="image/png"),) * 2,
        options={"topic_type": "STANDARD"},
    )

    with pytest.raises(pb.Rejected, match="one photo"):
        local_post(content)


def test_a_saved_post_name_is_described_from_google_without_listing(brand, owner, google):
    job = queued_job(brand, owner, google, text="Look me up")
    execution.job_execute(job.pk)
    job.refresh_from_db()

    found = platform_calls.find_post(job)
    described = platform_calls.result_for_existing(job, job.platform_post_id)

    assert found.platform_post_id == described.platform_post_id == job.platform_post_id
    assert described.permalink == job.permalink
    assert not SandboxRequest.objects.filter(endpoint="v4_local_posts_list").exists()
    assert SandboxRequest.objects.filter(endpoint="v4_local_post_get").count() == 2
