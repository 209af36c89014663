"""Reviews fixtures: a Google location of the shared `brand`, connected with sandbox tokens,
and the sandbox's reviews for it."""

import pytest

from reviews.services.sync import reviews_sync
from sandbox.google_business.reviews import seed_reviews
from tests.sandbox_accounts import sandbox_connection

LOCATION = "accounts/111000/locations/501"


@pytest.fixture
def google(sandbox, brand):
    return sandbox_connection(brand, "google_business")


@pytest.fixture
def seeded(google):
    """Five reviews, one per rating, the 5-star one already answered on Google."""
    seed_reviews(
        LOCATION,
        reviews=[
            {"stars": 5, "comment": "Best flat white in town!", "reviewer": "Alex Martin",
             "reply": "Thank you, Alex!"},
            {"stars": 4, "comment": "Good coffee, a bit crowded.", "reviewer": "Sam Lee"},
            {"stars": 3, "comment": "", "reviewer": "Priya Shah"},
            {"stars": 2, "comment": "Slow service and my latte was lukewarm.",
             "reviewer": "Jordan Diaz"},
            {"stars": 1, "comment": "Rude staff and a dirty table. Never again.",
             "reviewer": "Chris Novak"},
        ],
    )  # fmt: skip
    reviews_sync(connection=google)
    return google
