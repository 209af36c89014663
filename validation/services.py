"""The validation entry points the rest of the product calls.

    validate_post(*, brand, text, platforms, media=(), link=None, scheduled_at=None,
                  text_overrides=None, thread=False, autofix=False) -> ValidationReport
    validate_posts(*, brand, posts: Sequence[PostInput]) -> list[ValidationReport]
    record_validation(*, report, brand, actor, content_hash, post=None) -> ValidationRun
    content_hash(*, text, platforms, media=(), link=None, scheduled_at=None,
                 text_overrides=None, thread=False) -> str
    policy_update(*, brand, actor, **fields) -> BrandPolicy

Validation itself is pure (no writes), so it may run anywhere, any number of times: when a
post is written, when it is scheduled and right before it is published. Content checks
(language, PII, brand policy) run once per distinct text, platform checks once per platform.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from audit.services import record_action
from core.gc_pause import gc_paused
from validation import autofix as fixing
from validation.checks import brand as brand_checks
from validation.checks.language import profanity, toxicity
from validation.checks.pii import pii
from validation.checks.platform import MEDIA_CHECKS, PLATFORM_CHECKS
from validation.findings import Finding, Rule, Severity
from validation.limits import PLATFORM_SLUGS, limits_for
from validation.models import BrandPolicy, Outcome, ValidationRun
from validation.policy import Policy
from validation.selectors import forget_policy, policy_for_brand
from validation.text.entities import Analysed
from validation.text.length import platform_length
from validation.threads import split_thread
from validation.toxicity import toxicity_scores
from validation.types import MediaSpec, PostView

__all__ = [
    "MediaSpec",
    "PostInput",
    "PlatformReport",
    "ValidationReport",
    "validate_post",
    "validate_posts",
    "record_validation",
    "content_hash",
    "policy_update",
]


@dataclass(frozen=True)
class PostInput:
    """One post for validate_posts; the fields mirror validate_post's arguments."""

    text: str
    platforms: Sequence[str]
    media: Sequence[MediaSpec] = ()
    link: str | None = None
    scheduled_at: datetime | None = None
    text_overrides: dict[str, str] | None = None
    thread: bool = False
    autofix: bool = False


class PlatformReport(NamedTuple):
    """(A named tuple: five a post, built at a fifth of a frozen dataclass's cost.)"""

    platform: str
    length: int  # the platform's own count of the final text (weighted for X)
    max_length: int
    findings: tuple[Finding, ...]  # everything for this platform, after any fixes
    fixed_text: str | None = None  # set when auto-fix changed the text
    fixes: tuple[fixing.Fix, ...] = ()
    parts: tuple[str, ...] | None = None  # X thread parts when thread=True and too long
    unfixable: tuple[str, ...] = ()  # rule ids still in error after auto-fix

    @property
    def ok(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)

    def as_dict(self) -> dict:
        return {
            "length": self.length,
            "max_length": self.max_length,
            "ok": self.ok,
            "findings": [f.as_dict() for f in self.findings],
            "fixed_text": self.fixed_text,
            "fixes": [f.as_dict() for f in self.fixes],
            "parts": list(self.parts) if self.parts is not None else None,
            "unfixable": list(self.unfixable),
        }


class ValidationReport(NamedTuple):
    """(A named tuple, like PlatformReport: one a post.)"""

    findings: tuple[Finding, ...]  # union over platforms, each finding once
    platforms: dict[str, PlatformReport]
    policy_version: str = ""

    @property
    def ok(self) -> bool:
        """No error anywhere: the post may be published (after review if needs_review)."""
        return not any(f.severity == Severity.ERROR for f in self.findings)

    @property
    def needs_review(self) -> bool:
        return any(f.severity == Severity.REVIEW for f in self.findings)

    @property
    def outcome(self) -> str:
        if not self.ok:
            return Outcome.BLOCKED
        return Outcome.NEEDS_REVIEW if self.needs_review else Outcome.OK

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "needs_review": self.needs_review,
            "findings": [f.as_dict() for f in self.findings],
            "platforms": {slug: r.as_dict() for slug, r in self.platforms.items()},
        }


class _ContentChecks:
    """Content findings per distinct text, computed once and shared by platforms and posts."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.scores: dict[str, float] = {}
        self.done: dict[str, tuple[Finding, ...]] = {}
        self._analysed: dict[str, Analysed] = {}
        self._media: dict[tuple[MediaSpec, ...], dict[str, tuple[Finding, ...]]] = {}
        # The platform limits as of this call (limits_for reads a setting each time).
        self.limits = {slug: limits_for(slug) for slug in PLATFORM_SLUGS}

    def media_findings(self, slug: str, view: PostView, limits, policy: Policy):
        """MEDIA_CHECKS' findings, once per platform and distinct set of attachments."""
        per_slug = self._media.get(view.media)
        if per_slug is None:
            per_slug = self._media[view.media] = {}
        found = per_slug.get(slug)
        if found is None:
            found = per_slug[slug] = tuple(
                f for check in MEDIA_CHECKS for f in check(view, limits, policy)
            )
        return found

    def analysed(self, raw: str) -> Analysed:
        """One Analysed per distinct text, so entities are found once for all platforms."""
        found = self._analysed.get(raw)
        if found is None:
            found = self._analysed[raw] = Analysed.of(raw)
        return found

    def prescore(self, texts: Sequence[Analysed]) -> None:
        """Score the texts not scored yet, all in one call (the model's batch path)."""
        todo = list({t.text: t for t in texts if t.text not in self.scores}.values())
        scores = toxicity_scores(todo)
        self.scores.update(zip((t.text for t in todo), scores, strict=True))

    def findings(self, analysed: Analysed) -> tuple[Finding, ...]:
        found = self.done.get(analysed.text)
        if found is None:
            self.check_all([analysed])
            found = self.done[analysed.text]
        return found

    def check_all(self, texts: Sequence[Analysed]) -> None:
        """The content findings of every text not checked yet, in one order per text (word
        list, toxicity, PII, then BRAND_CHECKS), found one check at a time across all the
        texts: a check's code and patterns then stay hot in the CPU's caches for the whole
        batch, which made the batch benchmark a quarter faster than text by text."""
        todo = list({t.text: t for t in texts if t.text not in self.done}.values())
        if not todo:
            return
        self.prescore(todo)
        policy, scores = self.policy, self.scores
        for analysed in todo:
            analysed.hashtags, analysed.mentions  # noqa: B018 - the entities, as one pass
        views = [PostView(analysed) for analysed in todo]
        found = [[*profanity(view, policy)] for view in views]
        for analysed, into in zip(todo, found, strict=True):
            into += toxicity(scores[analysed.text], policy)
        for view, into in zip(views, found, strict=True):
            into += pii(view, policy)
        for check in brand_checks.BRAND_CHECKS:
            for view, into in zip(views, found, strict=True):
                into += check(view, policy)
        for analysed, into in zip(todo, found, strict=True):
            self.done[analysed.text] = tuple(into)


def _check_platform(slug: str, view: PostView, limits, policy: Policy, content) -> list[Finding]:
    """The platform's own checks (PLATFORM_CHECKS, in order) for one view of a post."""
    found = []
    for check in _TEXT_CHECKS_BEFORE:
        found += check(view, limits, policy)
    found += content.media_findings(slug, view, limits, policy)
    for check in _CHECKS_AFTER:
        found += check(view, limits, policy)
    return found


# PLATFORM_CHECKS in their order, with the media checks (contiguous) run as one shared group.
_MEDIA_AT = PLATFORM_CHECKS.index(MEDIA_CHECKS[0])
_TEXT_CHECKS_BEFORE = PLATFORM_CHECKS[:_MEDIA_AT]
_CHECKS_AFTER = PLATFORM_CHECKS[_MEDIA_AT + len(MEDIA_CHECKS) :]
if (*_TEXT_CHECKS_BEFORE, *MEDIA_CHECKS, *_CHECKS_AFTER) != PLATFORM_CHECKS:
    raise ImportError("validation.services expects MEDIA_CHECKS contiguous in PLATFORM_CHECKS")


def _thread_findings(parts: tuple[str, ...], limits) -> list[Finding]:
    over = [
        i
        for i, part in enumerate(parts, start=1)
        if platform_length(Analysed.of(part), weighted=limits.weighted) > limits.max_length
    ]
    if over:
        return [
            Finding(
                Rule.TEXT_LENGTH,
                Severity.ERROR,
                "text",
                f"Post {over[0]} of the thread is over {limits.max_length} characters and "
                "cannot be split (a single link, hashtag or word that long).",
            )
        ]
    if len(parts) > 1:
        return [
            Finding(
                Rule.TEXT_LENGTH,
                Severity.WARNING,
                "text",
                f"It will be published as a thread of {len(parts)}.",
            )
        ]
    return []


def _validate_platform(
    slug, post: PostInput, policy: Policy, content: _ContentChecks, now, views: dict
) -> tuple[PlatformReport, tuple[Sequence[Finding], ...]]:
    """One platform's report, and its findings in the chunks they were assembled from (the
    content chunk is the same object for every platform that sees the same text)."""
    limits = content.limits[slug]
    raw = (post.text_overrides or {}).get(slug, post.text)
    analysed = content.analysed(raw)
    fixes: tuple[fixing.Fix, ...] = ()
    fixed_text = None
    parts = None
    threaded = post.thread and limits.threads
    if post.autofix:
        result = fixing.autofix(analysed.text, limits=limits, policy=policy, thread=post.thread)
        fixes, parts = result.fixes, result.parts
        if result.text != analysed.text:
            fixed_text = result.text
            analysed = content.analysed(result.text)
    elif threaded:
        parts = split_thread(analysed.text, numbered=policy.x_thread_numbering)
    # One view per text of the post: only the limits differ between platforms.
    view = views.get(analysed.text)
    if view is None:
        view = views[analysed.text] = PostView(
            analysed, tuple(post.media), post.link, post.scheduled_at, now
        )
    chunks: tuple[Sequence[Finding], ...] = (
        _check_platform(slug, view, limits, policy, content),
        content.findings(analysed),
    )
    if threaded and parts is not None:
        # With the thread option the text is published as these parts: each must fit.
        chunks = (
            [f for f in chunks[0] if f.rule != Rule.TEXT_LENGTH],
            chunks[1],
            _thread_findings(parts, limits),
        )
    findings = tuple(chain.from_iterable(chunks))
    unfixable = ()
    if post.autofix:
        unfixable = tuple(
            dict.fromkeys(str(f.rule) for f in findings if f.severity == Severity.ERROR)
        )
    report = PlatformReport(
        slug,
        platform_length(analysed, weighted=limits.weighted),
        limits.max_length,
        findings,
        fixed_text,
        fixes,
        parts,
        unfixable,
    )
    return report, chunks


def _check_platforms(platforms: Sequence[str]) -> None:
    if not platforms:
        raise ValueError("Name at least one platform.")
    unknown = [p for p in platforms if p not in PLATFORM_SLUGS]
    if unknown:
        raise ValueError(f"Unknown platforms: {', '.join(unknown)}.")


def _report(post: PostInput, policy: Policy, content: _ContentChecks, now) -> ValidationReport:
    _check_platforms(post.platforms)
    reports = {}
    union: dict[Finding, None] = {}  # every finding once, in order of first appearance
    merged: dict[int, Sequence[Finding]] = {}  # chunks in union by id (kept alive here)
    views: dict[str, PostView] = {}
    for slug in dict.fromkeys(post.platforms):
        reports[slug], chunks = _validate_platform(slug, post, policy, content, now, views)
        for chunk in chunks:
            # A chunk already merged (the shared content findings) adds nothing new.
            if id(chunk) not in merged:
                merged[id(chunk)] = chunk
                for finding in chunk:
                    union[finding] = None
    return ValidationReport(tuple(union), reports, policy.version_key)


def validate_post(
    *,
    brand,
    text: str,
    platforms: list[str],
    media: list[MediaSpec] = (),
    link: str | None = None,
    scheduled_at: datetime | None = None,
    text_overrides: dict[str, str] | None = None,
    thread: bool = False,
    autofix: bool = False,
) -> ValidationReport:
    """Validate one post for each target platform. Raises ValueError for unknown platforms."""
    policy = policy_for_brand(brand=brand)
    post = PostInput(
        text, tuple(platforms), tuple(media), link, scheduled_at, text_overrides, thread, autofix
    )
    return _report(post, policy, _ContentChecks(policy), timezone.now())


def validate_posts(*, brand, posts: Sequence[PostInput]) -> list[ValidationReport]:
    """Validate many posts of one brand; the toxicity model scores all texts in one call.
    The garbage collector is paused meanwhile (core.gc_pause: its passes over the batch's
    objects were a quarter of the time, and found nothing)."""
    policy = policy_for_brand(brand=brand)
    with gc_paused():
        # The per-text memo is freed as _reports returns, before the collector resumes: its
        # first pass then walks only the reports, not every token and entity of the batch.
        return _reports(posts, policy)


def _reports(posts: Sequence[PostInput], policy: Policy) -> list[ValidationReport]:
    content = _ContentChecks(policy)
    texts = []
    for post in posts:
        texts.append(content.analysed(post.text))
        texts += [content.analysed(t) for t in (post.text_overrides or {}).values()]
    content.check_all(texts)  # (toxicity scored in one model call for all of them)
    now = timezone.now()
    return [_report(post, policy, content, now) for post in posts]


def content_hash(
    *,
    text: str,
    platforms: Sequence[str],
    media: Sequence[MediaSpec] = (),
    link: str | None = None,
    scheduled_at: datetime | None = None,
    text_overrides: dict[str, str] | None = None,
    thread: bool = False,
) -> str:
    """A stable SHA-256 of what was validated, so an approval can be tied to exact content."""
    payload = {
        "text": Analysed.of(text).text,
        "platforms": sorted(platforms),
        "media": [[m.type, m.mime, m.width, m.height, m.size_bytes, m.duration_s] for m in media],
        "link": link,
        "scheduled_at": scheduled_at.isoformat() if scheduled_at else None,
        "text_overrides": {
            k: Analysed.of(v).text for k, v in sorted((text_overrides or {}).items())
        },
        "thread": thread,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def record_validation(
    *, report: ValidationReport, brand, actor, content_hash: str, post=None
) -> ValidationRun:
    """Store one validation of a submitted post (append-only) with its audit row."""
    with transaction.atomic():
        run = ValidationRun.objects.create(
            brand=brand,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            post_id=getattr(post, "pk", None),
            content_hash=content_hash,
            platforms=list(report.platforms),
            outcome=report.outcome,
            findings=[
                {
                    **f.as_dict(),
                    "platforms": [s for s, r in report.platforms.items() if f in r.findings],
                }
                for f in report.findings
            ],
            policy_version=report.policy_version,
        )
        record_action(
            action="validation.run",
            actor=actor,
            brand=brand,
            target=run,
            details={
                "outcome": run.outcome,
                "content_hash": content_hash,
                "post_id": run.post_id,
                "rules": sorted({f.rule for f in report.findings}),
            },
        )
    return run


POLICY_FIELDS = {
    "banned_phrases",
    "competitors",
    "required_hashtags",
    "required_disclaimers",
    "review_keywords",
    "allowed_contacts",
    "toxicity_review",
    "toxicity_block",
    "compliance_packs",
    "hashtag_warnings",
    "x_thread_numbering",
}


def policy_update(*, brand, actor, request=None, **fields) -> BrandPolicy:
    """Create or change a brand's policy (validated, audited, cache dropped)."""
    unknown = set(fields) - POLICY_FIELDS
    if unknown:
        raise ValueError(f"Unknown policy fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        policy, _ = BrandPolicy.objects.select_for_update().get_or_create(brand=brand)
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.full_clean()
        policy.save()
        record_action(
            action="validation.policy_updated",
            actor=actor,
            brand=brand,
            target=policy,
            request=request,
            details={"fields": sorted(fields)},
        )
    forget_policy(brand.pk)
    return policy
