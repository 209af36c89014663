"""Google Business Profile reviews of one location (v4): list, reply, delete a reply.
https://developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews

    GET    {API_BASE}/accounts/{a}/locations/{l}/reviews?pageSize=50&pageToken=...
           -> {reviews:[Review], averageRating, totalReviewCount, nextPageToken}
    PUT    .../reviews/{reviewId}/reply {comment}  -> ReviewReply {comment, updateTime}
    DELETE .../reviews/{reviewId}/reply            -> {}

A Review's `starRating` is an enum (ONE..FIVE, or STAR_RATING_UNSPECIFIED); it becomes 1-5
here (None for unspecified), so nothing outside the provider knows Google's spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connections.providers import base as pb
from connections.providers.google_business.publish import location_http
from connections.providers.http import json_body

PAGE_SIZE = 50  # the list maximum
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}


@dataclass(frozen=True)
class PlatformReview:
    review_id: str
    rating: int | None  # 1-5; None when Google says STAR_RATING_UNSPECIFIED
    text: str
    reviewer_name: str
    created_at: datetime | None
    updated_at: datetime | None
    reply_text: str = ""
    reply_updated_at: datetime | None = None


@dataclass(frozen=True)
class ReviewPage:
    reviews: tuple[PlatformReview, ...]
    next_page_token: str = ""
    average_rating: float | None = None
    total_count: int | None = None


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _review(raw: dict[str, Any]) -> PlatformReview:
    reviewer = raw.get("reviewer") or {}
    reply = raw.get("reviewReply") or {}
    return PlatformReview(
        review_id=str(raw.get("reviewId") or str(raw.get("name", "")).rsplit("/", 1)[-1]),
        rating=STARS.get(str(raw.get("starRating", ""))),
        text=str(raw.get("comment", "")),
        # Anonymous reviewers come without a display name.
        reviewer_name=str(reviewer.get("displayName", "")),
        created_at=_time(raw.get("createTime")),
        updated_at=_time(raw.get("updateTime")),
        reply_text=str(reply.get("comment", "")),
        reply_updated_at=_time(reply.get("updateTime")),
    )


def _url(provider, account_id: str, suffix: str = "") -> str:
    return f"{provider.setting('API_BASE').rstrip('/')}/{account_id}/reviews{suffix}"


def list_reviews(
    provider, token: pb.TokenSet, *, account_id: str, page_token: str = "",
    page_size: int = PAGE_SIZE,
) -> ReviewPage:  # fmt: skip
    params: dict[str, Any] = {"pageSize": page_size}
    if page_token:
        params["pageToken"] = page_token
    body = json_body(
        location_http(provider).request(
            "GET", _url(provider, account_id), bearer=token.access_token, params=params
        )
    )
    average = body.get("averageRating")
    total = body.get("totalReviewCount")
    return ReviewPage(
        reviews=tuple(_review(r) for r in body.get("reviews") or [] if isinstance(r, dict)),
        next_page_token=str(body.get("nextPageToken") or ""),
        average_rating=float(average) if isinstance(average, int | float) else None,
        total_count=int(total) if isinstance(total, int) else None,
    )


def reply_to_review(
    provider, token: pb.TokenSet, *, account_id: str, review_id: str, text: str
) -> datetime | None:
    """Create or replace the owner's reply; returns Google's updateTime for it."""
    response = location_http(provider).request(
        "PUT", _url(provider, account_id, f"/{review_id}/reply"), bearer=token.access_token,
        json={"comment": text},
    )  # fmt: skip
    return _time(json_body(response).get("updateTime"))


def delete_reply(provider, token: pb.TokenSet, *, account_id: str, review_id: str) -> None:
    location_http(provider).request(
        "DELETE", _url(provider, account_id, f"/{review_id}/reply"), bearer=token.access_token
    )
