"""The reviews API: filters, replies (typed or from a template) that reach the sandbox and
are audited, replies refused with validation's findings, templates, and roles."""

import pytest

from audit.models import ActionLog
from reviews.models import ResponseTemplate, Review
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxPost
from tenancy.models import Brand
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)


def _url(brand, suffix=""):
    return f"/api/v1/brands/{brand.pk}/reviews/{suffix}"


def _names(response):
    assert response.status_code == 200, response.json()
    return sorted(r["reviewer_name"] for r in response.json()["results"])


def _review(name):
    return Review.objects.get(reviewer_name=name)


def _on_google(review):
    return SandboxPost.objects.get(kind="REVIEW", post_id__endswith=f"/{review.platform_review_id}")


def test_reviews_filter_by_rating_and_by_replied(api_client_for, brand, viewer, seeded):
    api = api_client_for(viewer)

    assert _names(api.get(_url(brand), {"rating": 2})) == ["Jordan Diaz"]
    assert _names(api.get(_url(brand), {"min_rating": 4})) == ["Alex Martin", "Sam Lee"]
    assert _names(api.get(_url(brand), {"replied": "true"})) == ["Alex Martin"]
    assert len(_names(api.get(_url(brand), {"replied": "false"}))) == 4
    assert _names(api.get(_url(brand), {"sentiment": "negative"})) == [
        "Chris Novak", "Jordan Diaz",
    ]  # fmt: skip
    everything = api.get(_url(brand)).json()["results"]
    assert [r["rating"] for r in everything] == [5, 4, 3, 2, 1]  # newest first
    assert everything[0]["location"] == seeded.display_name
    assert api.get(_url(brand), {"rating": 6}).status_code == 400


def test_a_reply_from_a_template_is_filled_sent_counted_and_audited(
    api_client_for, brand, editor, seeded
):
    api = api_client_for(editor)
    created = api.post(
        _url(brand, "templates/"),
        {"name": "Warm thanks", "min_rating": 4, "max_rating": 5,
         "body": "Thanks {reviewer_name}! See you soon at {brand}, {location}."},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    sam = _review("Sam Lee")

    response = api.post(
        _url(brand, f"{sam.pk}/reply/"), {"template_id": created.json()["id"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    expected = f"Thanks Sam Lee! See you soon at {brand.name}, {seeded.display_name}."
    assert response.json()["reply_text"] == expected and response.json()["replied"] is True
    sam.refresh_from_db()
    assert sam.reply_text == expected and sam.replied_at is not None
    assert _on_google(sam).payload["reviewReply"]["comment"] == expected
    assert ResponseTemplate.objects.get().usage_count == 1
    audit = ActionLog.objects.get(action="review.reply")
    assert audit.target_id == str(sam.pk) and audit.actor == editor and audit.brand == brand
    assert audit.details["template_id"] == created.json()["id"]


def test_without_text_or_template_the_template_for_the_rating_is_used(
    api_client_for, brand, editor, seeded
):
    ResponseTemplate.objects.create(
        brand=brand, name="Sorry", min_rating=1, max_rating=2,
        body="We're sorry, {reviewer_name}. Please write to us.",
    )  # fmt: skip
    ResponseTemplate.objects.create(
        brand=brand, name="Any", min_rating=1, max_rating=5, body="Thanks for the review."
    )
    chris = _review("Chris Novak")

    response = api_client_for(editor).post(_url(brand, f"{chris.pk}/reply/"), {}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["reply_text"] == "We're sorry, Chris Novak. Please write to us."
    assert dict(ResponseTemplate.objects.values_list("name", "usage_count")) == {
        "Sorry": 1, "Any": 0,
    }  # fmt: skip


def test_a_typed_reply_is_sent_as_written(api_client_for, brand, editor, seeded):
    priya = _review("Priya Shah")

    response = api_client_for(editor).post(
        _url(brand, f"{priya.pk}/reply/"), {"text": "Thanks for stopping by!"}, format="json"
    )

    assert response.status_code == 200
    assert _on_google(priya).payload["reviewReply"]["comment"] == "Thanks for stopping by!"
    assert ActionLog.objects.get(action="review.reply").details["template_id"] is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Sorry! Email our manager at jane.doe@gmail.com for a refund.", "pii_email"),
        ("That is total bullshit, we were never slow.", "profanity"),
    ],
)
def test_a_reply_with_pii_or_profanity_is_refused_with_findings(
    api_client_for, brand, editor, seeded, text, rule
):
    jordan = _review("Jordan Diaz")

    response = api_client_for(editor).post(
        _url(brand, f"{jordan.pk}/reply/"), {"text": text}, format="json"
    )

    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "reply_refused" and "text" in body["details"]
    assert rule in [f["rule"] for f in body["details"]["findings"]]
    assert not SandboxRequest.objects.filter(endpoint="v4_review_reply").exists()
    jordan.refresh_from_db()
    assert jordan.reply_text == ""
    assert not ActionLog.objects.filter(action="review.reply").exists()


def test_a_reply_longer_than_google_takes_is_refused(api_client_for, brand, editor, seeded):
    response = api_client_for(editor).post(
        _url(brand, f"{_review('Sam Lee').pk}/reply/"), {"text": "Thanks! " * 600}, format="json"
    )

    assert response.status_code == 422
    assert [f["rule"] for f in response.json()["details"]["findings"]] == ["text_length"]


def test_a_template_for_other_ratings_or_no_template_at_all_is_a_400(
    api_client_for, brand, editor, seeded
):
    happy = ResponseTemplate.objects.create(
        brand=brand, name="Happy", min_rating=5, max_rating=5, body="Yay"
    )
    api = api_client_for(editor)
    chris = _review("Chris Novak")

    mismatch = api.post(_url(brand, f"{chris.pk}/reply/"), {"template_id": happy.pk}, format="json")
    none = api.post(_url(brand, f"{chris.pk}/reply/"), {}, format="json")

    assert mismatch.status_code == 400 and "template_id" in mismatch.json()["details"]
    assert none.status_code == 400 and none.json()["code"] == "no_template"


def test_templates_can_be_listed_changed_and_deleted(api_client_for, brand, editor):
    api = api_client_for(editor)
    made = api.post(
        _url(brand, "templates/"),
        {"name": "Meh", "min_rating": 3, "max_rating": 3, "body": "Thanks, {reviewer_name}."},
        format="json",
    ).json()

    changed = api.patch(_url(brand, f"templates/{made['id']}/"), {"max_rating": 4}, format="json")
    listed = api.get(_url(brand, "templates/"))
    deleted = api.delete(_url(brand, f"templates/{made['id']}/"))

    assert changed.status_code == 200 and changed.json()["max_rating"] == 4
    assert [t["name"] for t in listed.json()["results"]] == ["Meh"]
    assert deleted.status_code == 204 and not ResponseTemplate.objects.exists()
    assert set(ActionLog.objects.values_list("action", flat=True)) >= {
        "review_template.create", "review_template.update", "review_template.delete",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "min_rating": 1, "max_rating": 5, "body": "Hi {first_name}"}, "body"),
        ({"name": "X", "min_rating": 4, "max_rating": 2, "body": "Hi"}, "min_rating"),
        ({"name": "X", "min_rating": 0, "max_rating": 2, "body": "Hi"}, "min_rating"),
    ],
)
def test_a_bad_template_is_a_400_naming_the_field(api_client_for, brand, editor, payload, field):
    response = api_client_for(editor).post(_url(brand, "templates/"), payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["details"]


def test_viewers_read_but_cannot_reply_or_write_templates(api_client_for, brand, viewer, seeded):
    api = api_client_for(viewer)
    sam = _review("Sam Lee")

    assert api.get(_url(brand, f"{sam.pk}/")).status_code == 200
    reply = api.post(_url(brand, f"{sam.pk}/reply/"), {"text": "Hi"}, format="json")
    assert reply.status_code == 403
    assert api.post(
        _url(brand, "templates/"), {"name": "n", "min_rating": 1, "max_rating": 1, "body": "b"},
        format="json",
    ).status_code == 403  # fmt: skip


def test_an_outsider_sees_nothing_of_the_brands_reviews(api_client_for, brand, outsider, seeded):
    api = api_client_for(outsider)
    sam = _review("Sam Lee")
    template = ResponseTemplate.objects.create(
        brand=brand, name="T", min_rating=1, max_rating=5, body="b"
    )

    assert api.get(_url(brand)).status_code == 404
    assert api.get(_url(brand, f"{sam.pk}/")).status_code == 404
    reply = api.post(_url(brand, f"{sam.pk}/reply/"), {"text": "Hi"}, format="json")
    assert reply.status_code == 404
    assert api.get(_url(brand, f"templates/{template.pk}/")).status_code == 404
    assert not SandboxRequest.objects.filter(endpoint="v4_review_reply").exists()


def test_another_brands_review_is_a_404_even_to_a_member(api_client_for, brand, owner, outsider):
    theirs = Brand.objects.exclude(pk=brand.pk).get()
    connection = sandbox_connection(theirs, "google_business")
    foreign = Review.objects.create(
        brand=theirs, connection=connection, platform_review_id="r1", rating=5,
        reviewed_at="2026-01-01T00:00:00Z", sentiment="positive",
        last_synced_at="2026-01-01T00:00:00Z",
    )  # fmt: skip

    response = api_client_for(owner).get(_url(brand, f"{foreign.pk}/"))

    assert response.status_code == 404
