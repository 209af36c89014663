"""How X shows a post's text in its answers (the create answer, lookups, timelines): every
link shortened to a t.co link, a t.co link to attached media appended, and `&`, `<`, `>`
escaped as HTML entities. With `tweet.fields=entities`, `entities.urls` names each t.co link's
original (`expanded_url`; a bare domain gains `http://`) or, for the media link, its
`media_key`. The text as sent is what the sandbox stores (SandboxPost.text)."""

from __future__ import annotations

import hashlib
import re

from sandbox.published.models import SandboxPost

# What X turns into a link: a URL with a scheme, or a bare domain with a common TLD.
_LINK = re.compile(
    r"https?://[^\s<>\"']+"
    r"|(?<![\w@./\-])(?:[a-z0-9\-]+\.)+(?:com|org|net|io|co|dev|app)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)'\""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(post: SandboxPost, n: int) -> str:
    digest = hashlib.sha256(f"{post.post_id}/{n}".encode()).hexdigest()
    return f"https://t.co/{digest[:10]}"


def render(post: SandboxPost) -> tuple[str, list[dict]]:
    """(text as X shows it, its `entities.urls`)."""
    text, pieces, urls, pos = post.text, [], [], 0
    for match in _LINK.finditer(text):
        link = match.group().rstrip(_TRAILING)
        pieces.append(_escape(text[pos : match.start()]))
        short = _short(post, len(urls))
        start = sum(map(len, pieces))
        pieces.append(short)
        urls.append(
            {
                "start": start,
                "end": start + len(short),
                "url": short,
                "expanded_url": link if "://" in link else f"http://{link}",
                "display_url": link.split("://", 1)[-1][:30],
            }
        )
        pos = match.start() + len(link)
    pieces.append(_escape(text[pos:]))
    if post.media_ids:
        short = _short(post, len(urls))
        start = sum(map(len, pieces)) + 1
        pieces.append(f" {short}")
        urls.append(
            {
                "start": start,
                "end": start + len(short),
                "url": short,
                "expanded_url": f"https://x.com/i/web/status/{post.post_id}/photo/1",
                "display_url": "pic.x.com/" + short.rsplit("/", 1)[-1],
                "media_key": f"3_{post.media_ids[0]}",
            }
        )
    return "".join(pieces), urls
