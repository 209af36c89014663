"""Offensive language: a word list that sees through obfuscation, plus the model score.

The word list and its per-token patterns are in validation.text.wordlist (whole words only, so
Scunthorpe, Essex or assassin never trip it; leetspeak, starred vowels and repeated letters
folded in). Here it is applied to a text, together with the one whole-text pattern: letters
split by one repeated separator (f.u.c.k, s h i t, b-i-t-c-h).
"""

from __future__ import annotations

from validation.findings import Finding, Rule, Severity
from validation.policy import Policy
from validation.text.entities import Tokens, TokenScan, scan_tokens, tokens_of
from validation.text.wordlist import ALLOWED, PROFANE, PROFANE_RE, SLUR_RE, SLURS, SPACED_RE
from validation.types import PostView

__all__ = ["ALLOWED", "PROFANE", "SLURS", "offensive_words", "profanity", "toxicity"]


def spaced_out(text: str, scan: TokenScan | None = None):
    """SPACED_RE.finditer(text); none when the token shapes rule a match out."""
    if scan is None:
        scan = scan_tokens(text.split())
    return SPACED_RE.finditer(text) if scan.spaced else ()


def offensive_words(
    text: str, tokens: Tokens | None = None, scan: TokenScan | None = None
) -> list[tuple[bool, int, int, str]]:
    """(is_slur, start, end, matched) for each offensive word in text."""
    slurs, profane = [], []
    words, offsets = tokens if tokens is not None else tokens_of(text)
    if scan is None:
        scan = scan_tokens(words)
    for i, hits in scan.offensive:
        offset = offsets[i]
        for slur, start, end, word in hits:
            (slurs if slur else profane).append((slur, offset + start, offset + end, word))
    hits = slurs + profane
    for m in spaced_out(text, scan):
        joined = m.group().replace(m.group("sep"), "")
        for regex, slur in ((SLUR_RE, True), (PROFANE_RE, False)):
            if regex.fullmatch(joined):
                hits.append((slur, m.start(), m.end(), m.group()))
                break
    return sorted(hits, key=lambda h: h[1])


def profanity(post: PostView, policy: Policy) -> list[Finding]:
    findings = []
    analysed = post.text
    for slur, start, end, word in offensive_words(analysed.text, analysed.tokens, analysed.scan):
        if slur:
            findings.append(
                Finding(
                    Rule.PROFANITY,
                    Severity.ERROR,
                    "text",
                    f'"{word}" is a slur.',
                    "Remove it.",
                    (start, end),
                )
            )
        else:
            findings.append(
                Finding(
                    Rule.PROFANITY,
                    Severity.REVIEW,
                    "text",
                    f'"{word}" is profanity.',
                    "Remove or reword it, or ask an admin to approve it.",
                    (start, end),
                )
            )
    return findings


def toxicity(score: float, policy: Policy) -> list[Finding]:
    """Findings for a precomputed toxicity score (scored in batches by the service)."""
    if score >= policy.toxicity_block:
        severity = Severity.ERROR
    elif score >= policy.toxicity_review:
        severity = Severity.REVIEW
    else:
        return []
    return [
        Finding(
            Rule.TOXICITY,
            severity,
            "text",
            f"The text reads as offensive (toxicity {score:.2f}; review at "
            f"{policy.toxicity_review:.2f}, block at {policy.toxicity_block:.2f}).",
            "Reword it.",
        )
    ]
