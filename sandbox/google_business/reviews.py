"""Google Business Profile reviews (v4), faithfully enough to test against:

- GET .../accounts/{a}/locations/{l}/reviews?pageSize=(1-50, default 50)&pageToken&orderBy
  -> {reviews:[Review], averageRating, totalReviewCount, nextPageToken}. A Review is
  {name, reviewId, reviewer:{displayName, profilePhotoUrl, isAnonymous}, starRating ONE..FIVE,
  comment, createTime, updateTime, reviewReply?:{comment, updateTime}}; orderBy is
  "updateTime desc" (default), "rating" or "rating desc".
- PUT .../reviews/{id}/reply {comment} -> ReviewReply {comment, updateTime} (create or
  replace; the comment must be 1-4,096 characters); DELETE .../reviews/{id}/reply -> {}.
- The same per-minute quota and location checks as local posts (publish.location_check).

Reviews are written by customers, so the sandbox is seeded: `seed_reviews()` in-process (tests)
or POST /sandbox/google_business/_control/reviews {"location": "accounts/111000/locations/501",
"count": 30, "seed": 1} (or "reviews": [{...}] spelled out); DELETE clears a location's.
Each review is kept as a SandboxPost of kind "REVIEW" (post_id = the review's name, text = the
comment, payload = the rest of the Review as Google would answer it).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.common import endpoint, json_response
from sandbox.google_business import errors
from sandbox.google_business.publish import location_check, page_offset, page_token, rfc3339
from sandbox.published.models import SandboxPost

P = "google_business"
KIND = "REVIEW"
STARS = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
MAX_REPLY = 4096
MAX_PAGE = 50
# (stars, comment) pairs the deterministic seed draws from; "" is a rating without text.
SAMPLES = (
    (5, "Best flat white in town, and the staff remember my order."),
    (5, "Lovely place, friendly baristas and great pastries."),
    (4, "Good coffee, a bit crowded at lunchtime."),
    (4, ""),
    (3, "It was ok. The cake was dry but the coffee was fine."),
    (3, ""),
    (2, "Slow service and my latte was lukewarm."),
    (1, "Rude staff and a dirty table. Never again."),
    (1, "Terrible experience, waited 30 minutes for a cold drink."),
    (5, ""),
)
NAMES = ("Alex Martin", "Sam Lee", "Priya Shah", "Jordan Diaz", "Chris Novak", "Mia Rossi")


def _review_json(post: SandboxPost) -> dict:
    return {**post.payload, "name": post.post_id, "comment": post.text}


def reviews_of(parent: str):
    return SandboxPost.objects.filter(platform=P, kind=KIND, account_id=parent)


def seed_reviews(
    parent: str,
    *,
    count: int = 0,
    seed: int = 0,
    reviews: list[dict] | None = None,
    start: datetime | None = None,
) -> list[SandboxPost]:
    """Add reviews to a location: `reviews` as given ({"stars": 1-5, "comment", "reviewer",
    "reply"}), or `count` drawn deterministically from SAMPLES with `seed`. Each review is one
    hour older than the one before it, from `start` (now by default)."""
    rng = random.Random(seed)  # noqa: S311  (a repeatable seed set, not a secret)
    wanted = list(reviews or [])
    for _ in range(count):
        stars, comment = rng.choice(SAMPLES)
        wanted.append({"stars": stars, "comment": comment, "reviewer": rng.choice(NAMES)})
    start = start or timezone.now()
    offset = reviews_of(parent).count()
    created = []
    for index, spec in enumerate(wanted):
        review_id = f"sbxrev{seed}x{offset + index:06d}{rng.randrange(10**6):06d}"
        moment = start - timedelta(hours=index)
        payload = {
            "reviewId": review_id,
            "reviewer": {
                "displayName": spec.get("reviewer", "A Google user"),
                "profilePhotoUrl": "",
                "isAnonymous": bool(spec.get("anonymous", False)),
            },
            "starRating": STARS[int(spec["stars"]) - 1],
            "createTime": rfc3339(moment),
            "updateTime": rfc3339(moment),
        }
        if spec.get("reply"):
            payload["reviewReply"] = {"comment": spec["reply"], "updateTime": rfc3339(moment)}
        created.append(
            SandboxPost(
                platform=P,
                account_id=parent,
                kind=KIND,
                post_id=f"{parent}/reviews/{review_id}",
                text=str(spec.get("comment", "")),
                payload=payload,
            )
        )
    return SandboxPost.objects.bulk_create(created)


@endpoint(P, "v4_reviews_list")
def reviews_list(request: HttpRequest, account: str, location: str) -> HttpResponse:
    problem = location_check(request, account, location)
    if problem is not None:
        return problem
    order = request.GET.get("orderBy", "")
    if order not in ("", "updateTime desc", "rating", "rating desc"):
        return errors.invalid_argument("orderBy must be updateTime desc, rating or rating desc.")
    try:
        size = int(request.GET.get("pageSize") or MAX_PAGE)
    except ValueError:
        return errors.invalid_argument("pageSize must be a number.")
    if not 1 <= size <= MAX_PAGE:
        return errors.invalid_argument(f"pageSize must be between 1 and {MAX_PAGE}.")
    offset = page_offset(request.GET.get("pageToken", ""))
    if offset is None:
        return errors.invalid_argument("page_token is invalid.")
    everything = [_review_json(p) for p in reviews_of(f"accounts/{account}/locations/{location}")]
    by_rating = {name: STARS.index(name) + 1 for name in STARS}
    if order.startswith("rating"):
        everything.sort(
            key=lambda r: by_rating.get(r["starRating"], 0), reverse=order == "rating desc"
        )
    else:
        everything.sort(key=lambda r: (r["updateTime"], r["name"]), reverse=True)
    page = everything[offset : offset + size]
    body: dict = {"reviews": page, "totalReviewCount": len(everything)}
    rated = [by_rating[r["starRating"]] for r in everything if r["starRating"] in by_rating]
    if rated:
        body["averageRating"] = round(sum(rated) / len(rated), 1)
    if offset + size < len(everything):
        body["nextPageToken"] = page_token(offset + size)
    return json_response(body)


@endpoint(P, "v4_review_reply", scope="publish")
@require_http_methods(["PUT", "DELETE"])
def review_reply(request: HttpRequest, account: str, location: str, review: str) -> HttpResponse:
    problem = location_check(request, account, location)
    if problem is not None:
        return problem
    parent = f"accounts/{account}/locations/{location}"
    found = reviews_of(parent).filter(post_id=f"{parent}/reviews/{review}").first()
    if found is None:
        return errors.not_found()
    if request.method == "DELETE":
        if "reviewReply" not in found.payload:
            return errors.not_found()
        found.payload.pop("reviewReply")
        found.save(update_fields=["payload"])
        return json_response({})
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.invalid_argument("the body is not valid JSON.")
    comment = body.get("comment") if isinstance(body, dict) else None
    if not isinstance(comment, str) or not comment.strip():
        return errors.invalid_argument("comment is required.")
    if len(comment) > MAX_REPLY:
        return errors.invalid_argument(f"comment must be at most {MAX_REPLY} characters.")
    reply = {"comment": comment, "updateTime": rfc3339(datetime.now(UTC))}
    found.payload["reviewReply"] = reply
    found.save(update_fields=["payload"])
    return json_response(reply)


@csrf_exempt
@require_http_methods(["POST", "DELETE"])
def control_reviews(request: HttpRequest) -> HttpResponse:
    """Seed (POST) or clear (DELETE ?location=...) a location's reviews."""
    if request.method == "DELETE":
        deleted, _ = reviews_of(request.GET.get("location", "")).delete()
        return json_response({"deleted": deleted})
    try:
        body = json.loads(request.body or b"{}")
        created = seed_reviews(
            str(body["location"]),
            count=int(body.get("count", 0)),
            seed=int(body.get("seed", 0)),
            reviews=list(body.get("reviews") or []),
        )
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return json_response({"error": str(exc)}, 400)
    return json_response({"created": [p.post_id for p in created]}, 201)
