"""Google Business Profile local posts (PLATFORMS.md §5.2-5.3): one POST
{API_BASE}/accounts/{a}/locations/{l}/localPosts with a LocalPost (STANDARD, EVENT, OFFER,
a call to action, at most one photo); the answer is the LocalPost with its `name` (the post
id), `state` and `searchUrl` (the permalink).
https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts

Google gives no id before it answers, so the moment of sending is checkpointed *before* the
POST (`pending_since`) and the post's name the moment it is known (`post_name`). A lost answer
is then found by listing the location's posts since that moment with the same summary and
topic type; a retry looks there too before it sends again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from connections.providers import base as pb
from connections.providers.google_business import details as gd
from connections.providers.google_business.errors import raise_for_location_response
from connections.providers.http import Http, json_body

PAGE_SIZE = 100  # the list maximum
MAX_PAGES = 10


def location_http(provider) -> Http:
    """The provider's HTTP helper with the location-call error mapping (403 = access lost)."""
    return Http(provider.slug, raise_for_location_response)


def _api(provider, path: str) -> str:
    return f"{provider.setting('API_BASE').rstrip('/')}/{path.lstrip('/')}"


def local_post(content: pb.PostContent) -> dict[str, Any]:
    """The LocalPost body for this content; Rejected when it can never be accepted."""
    options = dict(content.options)
    topic = str(options.pop("topic_type", "STANDARD") or "STANDARD")
    errors = gd.check_details(topic, options, link=content.link)
    if errors:
        field, messages = next(iter(errors.items()))
        raise pb.Rejected(f"Google: {field}: {messages[0]}", reason="invalid_details")
    if len(content.media) > 1:
        raise pb.Rejected("Google: a local post takes one photo only", reason="media_count")
    body: dict[str, Any] = {
        "languageCode": options.get("language", "en"),
        "summary": content.text,
        "topicType": topic,
    }
    cta = gd.call_to_action(topic, options, content.link)
    if cta:
        body["callToAction"] = cta
    if content.media:
        item = content.media[0]
        if not item.mime.startswith("image/"):
            raise pb.Rejected("Google: local posts here take a photo only", reason="media_type")
        body["media"] = [{"mediaFormat": "PHOTO", "sourceUrl": item.url}]
    if topic in ("EVENT", "OFFER"):
        body["event"] = {"title": options["title"], "schedule": gd.schedule(options)}
    if topic == "OFFER" and (offer := gd.offer(options)):
        body["offer"] = offer
    return body


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _result(post: dict[str, Any]) -> pb.PublishResult:
    """A LocalPost as our result; REJECTED (content policy) is a permanent failure."""
    name = str(post.get("name", ""))
    if post.get("state") == "REJECTED":
        raise pb.Rejected(
            "Google rejected the post (content policy).",
            reason="rejected",
            platform_code="REJECTED",
        )
    # PROCESSING is accepted and still being reviewed: a success; searchUrl may come later.
    return pb.PublishResult(
        platform_post_id=name,
        permalink=str(post.get("searchUrl", "")),
        published_at=_time(post.get("createTime")),
        extra={"state": str(post.get("state", ""))},
    )


def _since_marker() -> str:
    # A little before now, for clock skew between us and Google.
    return (datetime.now(UTC) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(provider, token: pb.TokenSet, name: str) -> dict[str, Any]:
    return json_body(
        location_http(provider).request("GET", _api(provider, name), bearer=token.access_token)
    )


def _recent(provider, token: pb.TokenSet, account_id: str, since: datetime):
    """The location's posts created since `since`, newest first, page by page."""
    params: dict[str, Any] = {"pageSize": PAGE_SIZE}
    for _ in range(MAX_PAGES):
        body = json_body(
            location_http(provider).request(
                "GET", _api(provider, f"{account_id}/localPosts"), bearer=token.access_token,
                params=params,
            )
        )  # fmt: skip
        for post in body.get("localPosts") or []:
            created = _time(post.get("createTime"))
            if created is not None and created < since:
                return  # newest first: everything further is older
            yield post
        if not body.get("nextPageToken"):
            return
        params["pageToken"] = body["nextPageToken"]


def _find(provider, token, account_id: str, body: dict[str, Any], since: str):
    moment = _time(since)
    if moment is None:
        return None
    for post in _recent(provider, token, account_id, moment):
        if post.get("summary") == body["summary"] and post.get("topicType") == body["topicType"]:
            return post
    return None


def publish(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> pb.PublishResult:
    body = local_post(content)
    if saved.get("post_name"):
        return _result(_get(provider, token, saved["post_name"]))
    if saved.get("pending_since"):
        # An earlier attempt sent the post and never learned its name: look before sending.
        found = _find(provider, token, account_id, body, saved["pending_since"])
        if found is not None:
            checkpoint(post_name=str(found.get("name", "")))
            return _result(found)
    checkpoint(pending_since=_since_marker())
    response = location_http(provider).request(
        "POST", _api(provider, f"{account_id}/localPosts"), bearer=token.access_token, json=body
    )
    post = json_body(response)
    if not post.get("name"):
        raise pb.Unknown("Google: 2xx without a post name")
    checkpoint(post_name=str(post["name"]))
    return _result(post)


def find_post(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
) -> pb.PublishResult | None:
    """The post on the location, or None. A post Google REJECTED is None here: the next
    attempt finds it the same way and fails with Google's reason, without posting again."""
    if saved.get("post_name"):
        try:
            post = _get(provider, token, saved["post_name"])
        except pb.Rejected as error:
            if error.status != 404:
                raise
            return None  # deleted on Google since: not live
    elif saved.get("pending_since"):
        post = _find(provider, token, account_id, local_post(content), saved["pending_since"])
    else:
        return None  # the marker is saved before the POST: without it nothing was sent
    if post is None or post.get("state") == "REJECTED":
        return None
    return _result(post)


def describe_post(
    provider, token: pb.TokenSet, *, account_id: str, post_id: str
) -> pb.PublishResult:
    return _result(_get(provider, token, post_id))
