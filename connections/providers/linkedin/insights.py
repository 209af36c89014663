"""LinkedIn post metrics (PLATFORMS.md §3.5), with the version headers every /rest call needs:

- Organization pages: GET /rest/posts?q=author&author={org}&sortBy=CREATED&count&start
  (newest first, offset paging; there is no time filter, so the walk stops at the first post
  older than the window), then one
  GET /rest/organizationalEntityShareStatistics?q=organizationalEntity
  &organizationalEntity={org}&shares=List(…)&ugcPosts=List(…) per page:
  totalShareStatistics {impressionCount, uniqueImpressionsCount, clickCount, likeCount,
  commentCount, shareCount}.
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
- Members: listing a member's posts needs r_member_social, a private permission, so the
  sync hands us the posts we published (`stats_for`), and GET /rest/socialActions/{urn}
  gives their like and comment counts; impressions, reach, clicks and shares are not
  reported for member posts (NULL).
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/network-update-social-actions

No usage headers: only a 429 stops a run (RateLimited; a DAY limit waits for midnight UTC).
Offset paging drifts by one when a post is published mid-walk: a post read twice is
harmless (upsert).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from analytics.values import (
    InsightsAccount,
    PostPage,
    PostStats,
    UsageObserver,
    as_int,
    stats_values,
)
from connections.providers.base import Rejected, TokenSet
from connections.providers.http import json_body
from connections.providers.linkedin.oauth import VERSION_HEADERS

PAGE_SIZE = 50
ACCOUNT_DAILY = False
FEED_URL = "https://www.linkedin.com/feed/update/{urn}/"
ORG_FIELDS = {
    "views": "impressionCount",
    "reach": "uniqueImpressionsCount",
    "clicks": "clickCount",
    "likes": "likeCount",
    "comments": "commentCount",
    "shares": "shareCount",
}
MEMBER_REPORTED = ("likes", "comments")


def _rest(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + "/rest" + path


def _get(provider, token: TokenSet, url: str, params: dict | None = None) -> dict[str, Any]:
    response = provider.http.request(
        "GET", url, bearer=token.access_token, params=params, headers=VERSION_HEADERS
    )
    return json_body(response)


def lists_posts(account: InsightsAccount) -> bool:
    """Organizations' posts can be listed; a member's cannot (r_member_social is private)."""
    return account.account_id.startswith("urn:li:organization:")


def _created(element: dict[str, Any]) -> datetime | None:
    ms = as_int(element.get("publishedAt") or element.get("createdAt"))
    return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms else None


def _restli_list(urns: Sequence[str]) -> str:
    # Rest.li 2.0: List(a,b) with each URN percent-encoded, the list syntax left as is.
    return "List(" + ",".join(quote(u, safe="") for u in urns) + ")"


def share_statistics(
    provider, token: TokenSet, org: str, urns: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """urn -> totalShareStatistics for the organization's posts (one call)."""
    shares = [u for u in urns if u.startswith("urn:li:share:")]
    ugc = [u for u in urns if u.startswith("urn:li:ugcPost:")]
    query = f"q=organizationalEntity&organizationalEntity={quote(org, safe='')}"
    if shares:
        query += f"&shares={_restli_list(shares)}"
    if ugc:
        query += f"&ugcPosts={_restli_list(ugc)}"
    if not shares and not ugc:
        return {}
    body = _get(provider, token, _rest(provider, f"/organizationalEntityShareStatistics?{query}"))
    found: dict[str, dict[str, Any]] = {}
    for element in body.get("elements") or []:
        urn = element.get("share") or element.get("ugcPost")
        stats = element.get("totalShareStatistics")
        if urn and isinstance(stats, dict):
            found[str(urn)] = stats
    return found


def _org_stats(urn: str, posted_at: datetime | None, stats: dict[str, Any] | None) -> PostStats:
    stats = stats or {}
    values = stats_values(**{field: as_int(stats.get(key)) for field, key in ORG_FIELDS.items()})
    return PostStats(
        post_id=urn,
        posted_at=posted_at,
        permalink=FEED_URL.format(urn=urn),
        values=values,
        unavailable=tuple(f for f in ORG_FIELDS if values[f] is None),
        raw={"totalShareStatistics": stats},
    )


def page(
    provider,
    token: TokenSet,
    *,
    account: InsightsAccount,
    since: datetime,
    until: datetime,
    cursor: str | None,
    observe: UsageObserver,
) -> PostPage:
    start = as_int(cursor) or 0
    body = _get(
        provider,
        token,
        _rest(provider, "/posts"),
        {"q": "author", "author": account.account_id, "sortBy": "CREATED",
         "count": PAGE_SIZE, "start": start},
    )  # fmt: skip
    elements = [e for e in body.get("elements") or [] if isinstance(e, dict) and e.get("id")]
    in_window, older = [], False
    for element in elements:
        created = _created(element)
        if created is not None and created < since:
            older = True  # newest first: everything after this is older too
            break
        if created is None or created <= until:
            in_window.append((str(element["id"]), created))
    stats = share_statistics(provider, token, account.account_id, [u for u, _ in in_window])
    posts = tuple(_org_stats(urn, created, stats.get(urn)) for urn, created in in_window)
    more = any(link.get("rel") == "next" for link in (body.get("paging") or {}).get("links", []))
    done = older or not elements or not more
    return PostPage(posts=posts, next_cursor=None if done else str(start + len(elements)))


def stats_for(
    provider,
    token: TokenSet,
    *,
    account: InsightsAccount,
    posts: Sequence[tuple[str, datetime | None]],
    observe: UsageObserver,
) -> tuple[PostStats, ...]:
    """Metrics of known posts (ours) by URN: share statistics for an organization, social
    action counts (likes, comments) for a member."""
    if lists_posts(account):
        stats = share_statistics(provider, token, account.account_id, [u for u, _ in posts])
        return tuple(_org_stats(urn, at, stats.get(urn)) for urn, at in posts)
    found = []
    for urn, posted_at in posts:
        try:
            body = _get(provider, token, _rest(provider, f"/socialActions/{quote(urn, safe='')}"))
        except Rejected as exc:
            if exc.status not in (403, 404):  # gone, or not ours to read: no counts
                raise
            body = {}
        likes = as_int((body.get("likesSummary") or {}).get("totalLikes"))
        comments = as_int((body.get("commentsSummary") or {}).get("totalFirstLevelComments"))
        values = stats_values(likes=likes, comments=comments)
        found.append(
            PostStats(
                post_id=urn,
                posted_at=posted_at,
                permalink=FEED_URL.format(urn=urn),
                values=values,
                unavailable=tuple(f for f in MEMBER_REPORTED if values[f] is None),
                raw={k: body.get(k) for k in ("likesSummary", "commentsSummary")},
            )
        )
    return tuple(found)
