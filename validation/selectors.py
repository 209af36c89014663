"""Reads: a brand's compiled Policy, packs, and validation runs."""

from __future__ import annotations

import threading
import time

from django.db.models import QuerySet

from validation.models import BrandPolicy, CompliancePack, ValidationRun
from validation.policy import Disclaimer, Policy, Term

# Compiling a policy costs a few hundred µs and two queries; validation runs many times per
# second, so each process keeps compiled policies for a short time. Writes through
# validation.services (and the admin, which calls them) drop the entry at once; edits made
# elsewhere show up within POLICY_CACHE_SECONDS.
POLICY_CACHE_SECONDS = 5.0
_cache: dict[int, tuple[float, Policy]] = {}
_cache_lock = threading.Lock()


def forget_policy(brand_id: int | None = None) -> None:
    with _cache_lock:
        if brand_id is None:
            _cache.clear()
        else:
            _cache.pop(brand_id, None)


def latest_packs(slugs) -> list[CompliancePack]:
    """The newest active version of each named pack."""
    newest: dict[str, CompliancePack] = {}
    for pack in CompliancePack.objects.filter(slug__in=list(slugs), is_active=True):
        if pack.slug not in newest or pack.version > newest[pack.slug].version:
            newest[pack.slug] = pack
    return [newest[s] for s in sorted(newest)]


def build_policy(*, brand, brand_policy: BrandPolicy | None, packs) -> Policy:
    bp = brand_policy
    banned_claims, review, disclaimers = [], [], []
    if bp is not None:
        review += [Term(k) for k in bp.review_keywords]
        disclaimers += [Disclaimer(d) for d in bp.required_disclaimers]
    for pack in packs:
        source = f"{pack.name} pack v{pack.version}"
        rules = pack.rules or {}
        banned_claims += [
            Term(c["phrase"], source, c.get("why", "")) for c in rules.get("banned_claims", [])
        ]
        review += [
            Term(c["phrase"], source, c.get("why", "")) for c in rules.get("review_keywords", [])
        ]
        disclaimers += [
            Disclaimer(d["text"], source, tuple(d.get("when_any", [])))
            for d in rules.get("required_disclaimers", [])
        ]
    version = ",".join(
        [f"policy@{bp.updated_at.isoformat()}" if bp else "policy@none"]
        + [f"{p.slug}@v{p.version}" for p in packs]
    )
    return Policy(
        banned_phrases=tuple(Term(p) for p in bp.banned_phrases) if bp else (),
        banned_claims=tuple(banned_claims),
        review_keywords=tuple(review),
        competitors=tuple(bp.competitors) if bp else (),
        required_hashtags=tuple(bp.required_hashtags) if bp else (),
        required_disclaimers=tuple(disclaimers),
        toxicity_review=bp.toxicity_review if bp else 0.6,
        toxicity_block=bp.toxicity_block if bp else 0.9,
        hashtag_warnings=dict(bp.hashtag_warnings) if bp else {},
        allowed_contacts=tuple(bp.allowed_contacts) if bp else (),
        default_region=(brand.default_region or "US").upper(),
        x_thread_numbering=bp.x_thread_numbering if bp else False,
        version_key=version[:200],
    )


def policy_for_brand(*, brand) -> Policy:
    now = time.monotonic()
    cached = _cache.get(brand.pk)
    if cached is not None and now - cached[0] < POLICY_CACHE_SECONDS:
        return cached[1]
    brand_policy = BrandPolicy.objects.filter(brand=brand).first()
    packs = latest_packs(brand_policy.compliance_packs) if brand_policy else []
    policy = build_policy(brand=brand, brand_policy=brand_policy, packs=packs)
    with _cache_lock:
        _cache[brand.pk] = (now, policy)
    return policy


def validation_runs_for_brand(*, brand) -> QuerySet[ValidationRun]:
    return ValidationRun.objects.filter(brand=brand)
