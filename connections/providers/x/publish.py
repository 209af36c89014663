"""X publishing (PLATFORMS.md §4.2): POST /2/tweets, images through POST /2/media/upload,
a video or GIF through the chunked upload (media_upload.py), threads as reply chains.

Resumable by design: every posted tweet id is checkpointed at once (`thread_ids`), and the
index of the part being sent is checkpointed *before* sending (`pending`). A retry skips the
parts already posted; a part whose answer was lost is looked up on the user's timeline before
it is sent again. So a thread that fails midway resumes from the last posted tweet.
https://docs.x.com/x-api/posts/creation-of-a-post
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from connections.providers import base as pb
from connections.providers.http import json_body, session_for
from connections.providers.x import media_upload

PERMALINK = "https://x.com/i/web/status/{id}"  # resolves without knowing the username
MAX_PAGES = 10


def _api(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + path


def _parts(content: pb.PostContent) -> list[str]:
    first = content.text
    if content.link and content.link not in first:
        # X builds the card from a URL in the text (PLATFORMS.md §4.2 "Link posts").
        first = f"{first}\n{content.link}".strip()
    return [first, *content.thread]


def _upload_image(provider, token: pb.TokenSet, item: pb.MediaItem) -> str:
    """Fetch our own media bytes, then the one-shot v2 image upload."""
    from django.conf import settings

    fetched = session_for("media").get(
        item.url, timeout=(settings.PLATFORM_CONNECT_TIMEOUT, settings.PLATFORM_READ_TIMEOUT)
    )
    if fetched.status_code != 200:
        raise pb.Rejected(f"X: media {item.url} could not be read ({fetched.status_code})")
    response = provider.http.request(
        "POST",
        _api(provider, "/media/upload"),
        bearer=token.access_token,
        data={"media_category": "tweet_image"},
        files={"media": ("media", fetched.content, item.mime)},
    )
    media_id = str(json_body(response).get("data", {}).get("id", ""))
    if not media_id:
        raise pb.Transient("X: media upload answered without an id")
    return media_id


def _recent(
    provider, token: pb.TokenSet, account_id: str, since: str | None
) -> list[dict[str, Any]]:
    """The user's posts since `since` (newest first), following pagination: a busy account
    can have far more than one page of posts since the attempt started."""
    params: dict[str, Any] = {
        "max_results": 100,
        "tweet.fields": "created_at,referenced_tweets,entities",
    }
    if since:
        params["start_time"] = since
    tweets: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        response = provider.http.request(
            "GET", _api(provider, f"/users/{account_id}/tweets"), bearer=token.access_token,
            params=params,
        )  # fmt: skip
        body = json_body(response)
        data = body.get("data") or []
        tweets.extend(data if isinstance(data, list) else [])
        next_token = (body.get("meta") or {}).get("next_token")
        if not next_token:
            break
        params["pagination_token"] = next_token
    return tweets


def _since_marker() -> str:
    # A little before now, for clock skew between us and the platform.
    moment = datetime.now(UTC) - timedelta(minutes=2)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_sent(tweet: dict[str, Any]) -> str:
    """A tweet's text as it was sent, from X's answer: X shows every link as a t.co link (and
    names the original in entities.urls), appends a t.co link to attached media, and escapes
    &, < and > as HTML entities. Matching the raw text would miss any post with a link, and
    a lost post that is not found is sent again."""
    text = str(tweet.get("text") or "")
    for entity in (tweet.get("entities") or {}).get("urls") or []:
        short = entity.get("url")
        if not short:
            continue
        original = "" if entity.get("media_key") else entity.get("expanded_url") or short
        text = text.replace(short, original, 1)
    return html.unescape(text)


_SCHEME = re.compile(r"\bhttps?://", re.IGNORECASE)


def _comparable(text: str) -> str:
    # X expands a bare domain with http://: compare links without their scheme.
    return _SCHEME.sub("", text).strip()


def _find_part(
    recent: list[dict[str, Any]], text: str, reply_to: str | None, after: str | None = None
) -> str | None:
    for tweet in recent:
        replied = [
            r.get("id")
            for r in tweet.get("referenced_tweets") or []
            if r.get("type") == "replied_to"
        ]
        if _comparable(_as_sent(tweet)) != _comparable(text):
            continue
        if reply_to and reply_to not in replied:
            continue
        if not reply_to and replied:
            continue
        return str(tweet["id"])
    return None


def _result(ids: list[str]) -> pb.PublishResult:
    return pb.PublishResult(
        platform_post_id=ids[0],
        permalink=PERMALINK.format(id=ids[0]),
        extra={"thread_ids": ids},
    )


def publish(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> pb.PublishResult:
    chunked = [m for m in content.media if media_upload.is_chunked(m)]
    images = [m for m in content.media if m.mime.startswith("image/") and m not in chunked]
    if chunked and len(content.media) > 1:
        raise pb.Rejected("X: one video or GIF per post, never with other media")
    if not chunked and (len(images) != len(content.media) or len(images) > 4):
        raise pb.Rejected("X: up to 4 images, or one video or GIF, per post")
    media_ids: list[str] = list(saved.get("media_ids") or [])
    if chunked and not saved.get("thread_ids"):
        # Chunked, resumable, processed before use (media_upload.py); only the first part
        # carries media, so once it is posted the video is not needed again.
        video = media_upload.upload(provider, token, chunked[0], saved=saved, checkpoint=checkpoint)
        media_ids = [video]
    elif images and len(media_ids) != len(images):
        media_ids = [_upload_image(provider, token, item) for item in images]
        checkpoint(media_ids=media_ids)
    ids: list[str] = list(saved.get("thread_ids") or [])
    pending = saved.get("pending")
    for index, text in enumerate(_parts(content)):
        if index < len(ids):
            continue  # posted by an earlier attempt
        reply_to = ids[-1] if ids else None
        if pending == index:
            # An earlier attempt sent this part and never heard back: look before sending.
            since = saved.get("pending_since")
            found = _find_part(_recent(provider, token, account_id, since), text, reply_to)
            if found:
                ids.append(found)
                checkpoint(thread_ids=ids, pending=None)
                continue
        body: dict[str, Any] = {"text": text}
        if index == 0 and media_ids:
            body["media"] = {"media_ids": media_ids}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        checkpoint(pending=index, pending_since=_since_marker())
        response = provider.http.request(
            "POST", _api(provider, "/tweets"), bearer=token.access_token, json=body
        )
        tweet_id = str(json_body(response).get("data", {}).get("id", ""))
        if not tweet_id:
            raise pb.Unknown("X: 2xx without a tweet id")
        ids.append(tweet_id)
        checkpoint(thread_ids=ids, pending=None)
    return _result(ids)


def find_post(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
) -> pb.PublishResult | None:
    """The whole post (every part of a thread) on the user's timeline, or None. A partial
    thread is None: the next attempt resumes it from the saved ids."""
    ids: list[str] = list(saved.get("thread_ids") or [])
    parts = _parts(content)
    if len(ids) >= len(parts):
        return _result(ids)
    recent = _recent(provider, token, account_id, saved.get("pending_since"))
    for text in parts[len(ids) :]:
        found = _find_part(recent, text, ids[-1] if ids else None)
        if found is None:
            return None
        ids.append(found)
    return _result(ids)


def describe_post(
    provider, token: pb.TokenSet, *, account_id: str, post_id: str
) -> pb.PublishResult:
    return pb.PublishResult(platform_post_id=post_id, permalink=PERMALINK.format(id=post_id))
