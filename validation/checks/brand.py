"""Checks against the brand's own rules and its enabled compliance packs."""

from __future__ import annotations

import re
from functools import lru_cache

from validation.findings import Finding, Rule, Severity
from validation.policy import Policy, possible, quick_matches, squash, squash_term
from validation.text import hinted
from validation.types import PostView


def _term_findings(
    post: PostView, policy: Policy, matcher, rule: Rule, severity: Severity, says: str, tip: str
) -> list[Finding]:
    """One finding per policy term the matcher finds; `says` is formatted with the source."""
    if matcher.regex is None:
        return []
    words = policy.words_in(post.text)
    return [
        Finding(
            rule,
            severity,
            "text",
            f'"{post.text.text[s:e]}" {says.format(source=term.source)}'
            + (f" {term.why}" if term.why else ""),
            tip,
            (s, e),
        )
        for term, s, e in matcher.find(post.text.text, post.text.lower, words)
    ]


def banned_phrase(post: PostView, policy: Policy) -> list[Finding]:
    return _term_findings(
        post, policy, policy.banned_phrase_matcher, Rule.BANNED_PHRASE, Severity.ERROR,
        "is banned by {source}.", "Remove or reword it.",
    )  # fmt: skip


def banned_claim(post: PostView, policy: Policy) -> list[Finding]:
    return _term_findings(
        post, policy, policy.banned_claim_matcher, Rule.BANNED_CLAIM, Severity.ERROR,
        "is a claim {source} does not allow.",
        "Remove the claim or substantiate it with approved wording.",
    )  # fmt: skip


def review_keyword(post: PostView, policy: Policy) -> list[Finding]:
    return _term_findings(
        post, policy, policy.review_matcher, Rule.REVIEW_KEYWORD, Severity.REVIEW,
        "needs review under {source}.", "Ask a brand admin to approve the post.",
    )  # fmt: skip


def competitor_mention(post: PostView, policy: Policy) -> list[Finding]:
    if policy.competitor_regex is None or not possible(
        policy.competitor_needs, policy.words_in(post.text)
    ):
        return []
    return [
        Finding(
            Rule.COMPETITOR_MENTION,
            Severity.REVIEW,
            "text",
            f'"{m.group()}" names a competitor.',
            "Remove it, or ask a brand admin to approve the post.",
            m.span(),
        )
        # A match may start with "@" or "#" just before the name the quick pattern finds.
        for m in quick_matches(
            policy.competitor_regex, policy.competitor_quick, post.text.text, post.text.lower, 1
        )
    ]


def missing_hashtag(post: PostView, policy: Policy) -> list[Finding]:
    if not policy.required_tag_keys:
        return []
    present = {tag.key for tag in post.text.hashtags}
    return [
        _missing_hashtag(tag)
        for tag, key in zip(policy.required_hashtags, policy.required_tag_keys, strict=True)
        if key not in present
    ]


# Findings are immutable values: the ones that read the same for every post are made once.
@lru_cache(maxsize=1024)
def _missing_hashtag(tag: str) -> Finding:
    return Finding(
        Rule.MISSING_HASHTAG,
        Severity.ERROR,
        "text",
        f"The brand requires #{tag.lstrip('#')}.",
        f"Add #{tag.lstrip('#')}.",
    )


@lru_cache(maxsize=1024)
def _missing_disclaimer(source: str, text: str) -> Finding:
    return Finding(
        Rule.MISSING_DISCLAIMER,
        Severity.ERROR,
        "text",
        f'{source} requires the disclaimer "{text}".',
        f'Add "{text}".',
    )


def missing_disclaimer(post: PostView, policy: Policy) -> list[Finding]:
    if not policy.required_disclaimers:
        return []
    squashed = post.text.squashed
    found = []
    for disclaimer in required_disclaimers(post.text.text, policy, squashed):
        if not disclaimer_present(disclaimer.text, squashed):
            found.append(_missing_disclaimer(disclaimer.source, disclaimer.text))
    return found


@lru_cache(maxsize=1024)
def _disclaimer_pattern(text: str) -> re.Pattern[str]:
    # Not inside a longer word: "Ad." is not present in "bread", "#ad" or "ad:" count.
    return re.compile(rf"(?<!\w){re.escape(squash_term(text))}(?!\w)")


def disclaimer_present(text: str, squashed: str) -> bool:
    """Whether a required disclaimer stands in the (squashed) text as words of its own.
    (The pattern is tried only where str.find lands: searched for, its look-behind would be
    tried at every position, and a short disclaimer like "Ad." occurs inside many words.)"""
    found = hinted.at_each(_disclaimer_pattern(text), squashed, squash_term(text))
    return next(found, None) is not None


def required_disclaimers(text: str, policy: Policy, squashed: str | None = None):
    """The disclaimers that apply to this text (some only when a trigger word appears)."""
    lowered = squashed
    padded = None
    for disclaimer in policy.required_disclaimers:
        if not disclaimer.when_any:
            yield disclaimer
            continue
        if padded is None:
            padded = f" {lowered if lowered is not None else squash(text)} "
        if any(word in padded for word in _triggers(disclaimer.when_any)):
            yield disclaimer


@lru_cache(maxsize=1024)
def _triggers(words: tuple[str, ...]) -> tuple[str, ...]:
    """A disclaimer's trigger words as searched for: squashed, after a space."""
    return tuple(f" {squash(word)}" for word in words)


BRAND_CHECKS = (
    banned_phrase,
    banned_claim,
    review_keyword,
    competitor_mention,
    missing_hashtag,
    missing_disclaimer,
)
