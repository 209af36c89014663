"""The sandbox's Google reviews over HTTP: the list's shape and paging, replies and their
deletion through the provider, the seeding control endpoint, and Google's refusals."""

import pytest
import requests

from connections.providers import get_provider
from connections.providers.base import Rejected
from connections.services.vault import token_of
from sandbox.google_business.reviews import seed_reviews
from tests.reviews.conftest import LOCATION

pytestmark = pytest.mark.django_db(transaction=True)
API = "/sandbox/google_business/mybusiness/v4"


def _get(sandbox, google, path, **params):
    return requests.get(
        f"{sandbox}{API}/{path}", params=params, timeout=10,
        headers={"Authorization": f"Bearer {google.access_token}"},
    )  # fmt: skip


def test_the_list_answers_googles_shape_with_paging(sandbox, google):
    seed_reviews(LOCATION, reviews=[{"stars": 5}, {"stars": 4}, {"stars": 2}])

    first = _get(sandbox, google, f"{LOCATION}/reviews", pageSize=2).json()
    rest = _get(sandbox, google, f"{LOCATION}/reviews", pageSize=2,
                pageToken=first["nextPageToken"]).json()  # fmt: skip

    assert first["totalReviewCount"] == 3 and first["averageRating"] == 3.7
    assert [r["starRating"] for r in first["reviews"] + rest["reviews"]] == ["FIVE", "FOUR", "TWO"]
    assert "nextPageToken" not in rest
    review = first["reviews"][0]
    assert set(review) >= {"name", "reviewId", "reviewer", "starRating", "createTime"}
    assert review["name"] == f"{LOCATION}/reviews/{review['reviewId']}"


def test_a_bad_page_token_or_page_size_is_invalid_argument(sandbox, google):
    bad = _get(sandbox, google, f"{LOCATION}/reviews", pageToken="nope!")
    big = _get(sandbox, google, f"{LOCATION}/reviews", pageSize=51)

    assert bad.status_code == big.status_code == 400
    assert bad.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_a_reply_can_be_replaced_and_deleted_through_the_provider(sandbox, google):
    (review,) = seed_reviews(LOCATION, reviews=[{"stars": 4, "comment": "Nice"}])
    review_id = review.payload["reviewId"]
    provider, token = get_provider("google_business"), token_of(google)

    provider.reply_to_review(token, account_id=LOCATION, review_id=review_id, text="Thanks!")
    provider.reply_to_review(token, account_id=LOCATION, review_id=review_id, text="Merci !")
    page = provider.list_reviews(token, account_id=LOCATION)
    assert page.reviews[0].reply_text == "Merci !" and page.reviews[0].rating == 4

    provider.delete_reply(token, account_id=LOCATION, review_id=review_id)
    assert provider.list_reviews(token, account_id=LOCATION).reviews[0].reply_text == ""
    with pytest.raises(Rejected):  # nothing left to delete: 404 NOT_FOUND
        provider.delete_reply(token, account_id=LOCATION, review_id=review_id)


def test_google_refuses_an_empty_or_too_long_reply(sandbox, google):
    (review,) = seed_reviews(LOCATION, reviews=[{"stars": 4}])
    provider, token = get_provider("google_business"), token_of(google)

    for text in ("", "x" * 4097):
        with pytest.raises(Rejected, match="comment"):
            provider.reply_to_review(
                token, account_id=LOCATION, review_id=review.payload["reviewId"], text=text
            )


def test_reviews_can_be_seeded_and_cleared_over_http(sandbox, google):
    seeded = requests.post(
        f"{sandbox}/sandbox/google_business/_control/reviews",
        json={"location": LOCATION, "count": 7, "seed": 4}, timeout=10,
    )  # fmt: skip
    again = requests.post(
        f"{sandbox}/sandbox/google_business/_control/reviews",
        json={"location": "accounts/111000/locations/502", "count": 7, "seed": 4}, timeout=10,
    )  # fmt: skip

    assert seeded.status_code == 201 and len(seeded.json()["created"]) == 7
    listed = _get(sandbox, google, f"{LOCATION}/reviews").json()
    other = _get(sandbox, google, "accounts/111000/locations/502/reviews").json()
    # The same seed gives the same reviews (ratings and texts) on any location.
    assert [(r["starRating"], r.get("comment")) for r in listed["reviews"]] == [
        (r["starRating"], r.get("comment")) for r in other["reviews"]
    ]
    assert again.status_code == 201
    cleared = requests.delete(
        f"{sandbox}/sandbox/google_business/_control/reviews",
        params={"location": LOCATION}, timeout=10,
    )  # fmt: skip
    assert cleared.json()["deleted"] == 7
    assert _get(sandbox, google, f"{LOCATION}/reviews").json()["totalReviewCount"] == 0
