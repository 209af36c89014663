"""LinkedIn post metrics in the sandbox (PLATFORMS.md §3.5). Both need the version headers
(LinkedIn-Version, X-Restli-Protocol-Version: 2.0.0) like every /rest call:

- GET /rest/organizationalEntityShareStatistics?q=organizationalEntity
  &organizationalEntity={org}&shares=List(…)&ugcPosts=List(…) (URNs percent-encoded inside
  List()): `elements[]` of {organizationalEntity, share|ugcPost, totalShareStatistics} for
  the org's posts that have seeded statistics, with exactly the seeded keys
  (impressionCount, uniqueImpressionsCount, clickCount, likeCount, commentCount, shareCount,
  engagement). Needs rw_organization_admin on an organization the member administers.
- GET /rest/socialActions/{urn}: likesSummary / commentsSummary from the seeded likeCount /
  commentCount, for the member's own posts or an administered organization's.

No rate-limit headers, as on LinkedIn: throttling is a 429 (inject it with a fault).
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.identities import LINKEDIN_ORGS
from sandbox.linkedin import errors
from sandbox.published.models import SandboxPost

P = "linkedin"
STAT_KEYS = ("impressionCount", "uniqueImpressionsCount", "clickCount", "likeCount",
             "commentCount", "shareCount", "engagement")  # fmt: skip
_LIST = re.compile(r"^List\((.*)\)$")


def _headers_problem(request: HttpRequest) -> HttpResponse | None:
    if not request.headers.get("LinkedIn-Version", "").strip():
        return errors.rest_error(
            400, "A version must be present. Please specify a version by adding the "
            "LinkedIn-Version header.", code="VERSION_MISSING",
        )  # fmt: skip
    if request.headers.get("X-Restli-Protocol-Version", "") != "2.0.0":
        return errors.rest_error(
            400, "This resource requires the header X-Restli-Protocol-Version: 2.0.0"
        )
    return None


def _administered() -> set[str]:
    return {f"urn:li:organization:{org['id']}" for org in LINKEDIN_ORGS}


def _urns(value: str) -> list[str] | None:
    match = _LIST.match(value)
    if match is None:
        return None
    return [u for u in match.group(1).split(",") if u]


@endpoint(P, "share_statistics")
def share_statistics(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _headers_problem(request):
        return problem
    org = request.GET.get("organizationalEntity", "")
    if request.GET.get("q") != "organizationalEntity" or not org:
        return errors.rest_error(400, "Unsupported or missing finder: q must be "
                                 "organizationalEntity")  # fmt: skip
    if org not in _administered() or "rw_organization_admin" not in token.scopes:
        return errors.rest_error(
            403, "Not enough permissions to access: organizationalEntityShareStatistics.FINDER"
            "-organizationalEntity.20260101", code="ACCESS_DENIED",
        )  # fmt: skip
    wanted: dict[str, str] = {}
    for param, key in (("shares", "share"), ("ugcPosts", "ugcPost")):
        if request.GET.get(param):
            urns = _urns(request.GET[param])
            if urns is None:
                return errors.rest_error(400, f"Invalid value for param: {param}")
            wanted.update({urn: key for urn in urns})
    posts = SandboxPost.objects.filter(
        platform=P, account_id=org, post_id__in=list(wanted), deleted_at__isnull=True
    )
    elements = []
    for post in posts:
        stats = {k: post.metrics[k] for k in STAT_KEYS if k in (post.metrics or {})}
        if stats:
            elements.append({"organizationalEntity": org, wanted[post.post_id]: post.post_id,
                             "totalShareStatistics": stats})  # fmt: skip
    paging = {"start": 0, "count": len(elements), "links": []}
    return json_response({"paging": paging, "elements": elements})


@endpoint(P, "social_actions")
def social_actions(request: HttpRequest, urn: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _headers_problem(request):
        return problem
    post = SandboxPost.objects.filter(platform=P, post_id=urn, deleted_at__isnull=True).first()
    if post is None:
        return errors.rest_error(404, f"Not Found: {urn}")
    member = f"urn:li:person:{token.subject}"
    if post.account_id != member and post.account_id not in _administered():
        return errors.rest_error(403, "Not enough permissions to access: socialActions.GET",
                                 code="ACCESS_DENIED")  # fmt: skip
    metrics = post.metrics or {}
    body: dict = {"target": urn}
    if "likeCount" in metrics:
        likes = int(metrics["likeCount"])
        body["likesSummary"] = {"totalLikes": likes, "aggregatedTotalLikes": likes,
                                "likedByCurrentUser": False}  # fmt: skip
    if "commentCount" in metrics:
        comments = int(metrics["commentCount"])
        body["commentsSummary"] = {"totalFirstLevelComments": comments,
                                   "aggregatedTotalComments": comments}  # fmt: skip
    return json_response(body)
