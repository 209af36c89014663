"""X post metrics (PLATFORMS.md §4.6): GET /2/tweets?ids=…&tweet.fields=public_metrics.

- Up to 100 ids; more is a 400 problem. Ids that do not exist (or were deleted) come back in
  an `errors` array beside `data`, as X does.
- `public_metrics` holds exactly the counts seeded in SandboxPost.metrics under X's names
  (retweet_count, reply_count, like_count, quote_count, bookmark_count, impression_count):
  the sandbox never makes numbers up, so an unseeded count is simply absent.
- An app-wide read limit of SANDBOX_X_LOOKUPS_PER_WINDOW calls per 15 minutes (default 450,
  X's documented app limit for this endpoint), sent as x-rate-limit-limit/remaining/reset;
  over it, a 429 problem object with the same headers.

POST /2/tweets (publishing) shares the path: `tweets` dispatches on the method.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import tokens
from sandbox.analytics.usage import env_limit, window_usage
from sandbox.common import endpoint, json_response
from sandbox.published.models import SandboxPost
from sandbox.x import display, publish
from sandbox.x.errors import problem

P = "x"
WINDOW = timedelta(minutes=15)
PUBLIC_METRICS = (
    "retweet_count",
    "reply_count",
    "like_count",
    "quote_count",
    "bookmark_count",
    "impression_count",
)


def _rate_headers(response: HttpResponse) -> HttpResponse:
    usage = window_usage(
        platform=P,
        endpoints=("tweets_by_ids",),
        window=WINDOW,
        limit=env_limit("SANDBOX_X_LOOKUPS_PER_WINDOW", 450),
    )
    if usage.over:
        response = problem(
            429, "Too Many Requests", "Too Many Requests",
            "https://api.twitter.com/2/problems/rate-limit-exceeded",
        )  # fmt: skip
    response["x-rate-limit-limit"] = str(usage.limit)
    response["x-rate-limit-remaining"] = str(usage.remaining)
    response["x-rate-limit-reset"] = str(int(usage.reset_at.timestamp()))
    return response


def _tweet(post: SandboxPost, fields: set[str]) -> dict:
    shown, urls = display.render(post)
    data = {"id": post.post_id, "text": shown, "edit_history_tweet_ids": [post.post_id]}
    if "entities" in fields and urls:
        data["entities"] = {"urls": urls}
    if "created_at" in fields:
        data["created_at"] = post.created_at.isoformat().replace("+00:00", "Z")
    if "author_id" in fields:
        data["author_id"] = post.account_id
    if "public_metrics" in fields:
        metrics = post.metrics or {}
        data["public_metrics"] = {k: int(metrics[k]) for k in PUBLIC_METRICS if k in metrics}
    return data


@endpoint(P, "tweets_by_ids")
def tweets_by_ids(request: HttpRequest) -> HttpResponse:
    tokens.authenticate(request, P)
    ids = [i for i in request.GET.get("ids", "").split(",") if i]
    if not ids or len(ids) > 100:
        return problem(
            400, "Invalid Request", "The `ids` query parameter value must be 1 to 100 ids."
        )
    fields = set(request.GET.get("tweet.fields", "").split(","))
    found = {
        p.post_id: p
        for p in SandboxPost.objects.filter(platform=P, post_id__in=ids, deleted_at__isnull=True)
    }
    body: dict = {"data": [_tweet(found[i], fields) for i in ids if i in found]}
    missing = [i for i in ids if i not in found]
    if missing:
        body["errors"] = [
            {
                "value": i,
                "detail": f"Could not find tweet with ids: [{i}].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "ids",
                "resource_id": i,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
            for i in missing
        ]
    if not body["data"]:
        del body["data"]
    return _rate_headers(json_response(body))


@csrf_exempt
def tweets(request: HttpRequest) -> HttpResponse:
    """/2/tweets: POST publishes (sandbox/x/publish.py), GET looks posts up by id."""
    if request.method == "POST":
        return publish.tweets_create(request)
    if request.method == "GET":
        return tweets_by_ids(request)
    return problem(405, "Method Not Allowed", f"{request.method} is not allowed here.")
