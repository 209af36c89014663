"""Safe, mechanical fixes for one platform's text. Each fix returns new text and a one-line
description; `autofix` applies them until the text stops changing. The service validates the
result again and reports whatever is still wrong: nothing here ever claims success.

Cuts never fall inside a URL, hashtag, mention or required disclaimer. Required hashtags and
disclaimers are kept (moved to the end when the text must be shortened), never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from validation.checks.brand import disclaimer_present, required_disclaimers
from validation.limits import PlatformLimits
from validation.policy import Policy, squash
from validation.text.entities import Analysed, nfc
from validation.text.length import platform_length
from validation.threads import SENTENCE_SHARE, cut_points, longest_prefix, split_thread

ELLIPSIS = "…"
MAX_ROUNDS = 5
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Fix:
    rule: str
    description: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "description": self.description}


@dataclass(frozen=True)
class FixResult:
    text: str
    fixes: tuple[Fix, ...]
    parts: tuple[str, ...] | None = None  # X thread parts, in order


def _length(text: str, limits: PlatformLimits) -> int:
    return platform_length(Analysed.of(text), weighted=limits.weighted)


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).rstrip() for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def drop_excess_hashtags(text: str, limits: PlatformLimits, policy: Policy) -> tuple[str, Fix]:
    """Remove optional hashtags, last first, down to the platform's hard cap."""
    cap = limits.max_hashtags
    tags = Analysed.of(text).hashtags
    if cap is None or len(tags) <= cap:
        return text, None
    required = set(policy.required_tag_keys)
    for disclaimer in policy.required_disclaimers:  # e.g. "#ad" is a disclaimer and a tag
        required |= {t.key for t in Analysed.of(disclaimer.text).hashtags}
    removable = [t for t in tags if t.key not in required]
    excess = len(tags) - cap
    doomed = removable[-excess:] if excess <= len(removable) else removable
    for tag in sorted(doomed, key=lambda t: t.start, reverse=True):
        text = text[: tag.start] + text[tag.end :]
    names = " ".join(t.text for t in sorted(doomed, key=lambda t: t.start))
    return _tidy(text), Fix("hashtag_count", f"Removed {len(doomed)} hashtags: {names}.")


def _missing_tags(text: str, policy: Policy) -> list[str]:
    present = {t.key for t in Analysed.of(text).hashtags}
    return [
        "#" + tag.lstrip("#")
        for tag, key in zip(policy.required_hashtags, policy.required_tag_keys, strict=True)
        if key not in present
    ]


def _missing_disclaimers(text: str, policy: Policy) -> list[str]:
    squashed = squash(text)
    return [
        d.text
        for d in required_disclaimers(text, policy)
        if not disclaimer_present(d.text, squashed)
    ]


def _with_tail(body: str, disclaimers: list[str], tags: list[str]) -> str:
    lines = [body.rstrip()] if body.strip() else []
    if disclaimers:
        lines.append(" ".join(disclaimers))
    if tags:
        lines.append(" ".join(tags))
    return "\n\n".join(lines)


def truncate(text: str, budget: int, limits: PlatformLimits) -> str | None:
    """Shorten text to fit budget at a sentence end, else a word boundary (with an
    ellipsis). None when no cut fits."""
    if _length(text, limits) <= budget:
        return text
    sentences, words = cut_points(text)
    at_sentence = longest_prefix(text, sentences, lambda p: _length(p, limits) <= budget)
    at_word = longest_prefix(text, words, lambda p: _length(p + ELLIPSIS, limits) <= budget)
    # A sentence end is nicer, unless it throws away much more of the text.
    if at_sentence > 0 and at_sentence >= SENTENCE_SHARE * at_word:
        return text[:at_sentence].rstrip()
    if at_word > 0:
        return text[:at_word].rstrip() + ELLIPSIS
    return None


def _extract_required(text: str, policy: Policy) -> tuple[str, list[str], list[str]]:
    """Take required disclaimers and hashtags out of the body so a cut cannot touch them."""
    disclaimers, tags = [], []
    for d in required_disclaimers(text, policy):
        pattern = r"\s+".join(re.escape(w) for w in d.text.split())
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            text = text[: match.start()] + text[match.end() :]
            disclaimers.append(d.text)
    required = set(policy.required_tag_keys)
    for tag in reversed(Analysed.of(text).hashtags):
        if tag.key in required:
            text = text[: tag.start] + text[tag.end :]
            tags.insert(0, tag.text)
    return _tidy(text), disclaimers, tags


def shorten(text: str, limits: PlatformLimits, policy: Policy) -> tuple[str, Fix | None]:
    if _length(text, limits) <= limits.max_length:
        return text, None
    body, disclaimers, tags = _extract_required(text, policy)
    tail_only = _with_tail("", disclaimers, tags)
    separator_cost = 2 if tail_only else 0
    budget = limits.max_length - (_length(tail_only, limits) + separator_cost if tail_only else 0)
    if budget <= 0:
        return text, None
    cut = truncate(body, budget, limits)
    if cut is None:
        return text, None
    result = _with_tail(cut, disclaimers, tags)
    if _length(result, limits) > limits.max_length:
        return text, None
    return result, Fix(
        "text_length",
        f"Shortened to {_length(result, limits)} of {limits.max_length} characters "
        f"(was {_length(text, limits)}).",
    )


def autofix(text: str, *, limits: PlatformLimits, policy: Policy, thread: bool = False):
    """Apply every safe fix until the text is stable. Returns FixResult; the caller validates
    the result again."""
    text = nfc(text)
    threaded = thread and limits.threads
    fixes: list[Fix] = []
    for _ in range(MAX_ROUNDS):
        before = text
        disclaimers = _missing_disclaimers(text, policy)
        tags = _missing_tags(text, policy)
        if disclaimers or tags:
            text = _with_tail(text, disclaimers, tags)
            fixes += [Fix("missing_disclaimer", f'Added "{d}".') for d in disclaimers]
            fixes += [Fix("missing_hashtag", f"Added {t}.") for t in tags]
        text, fix = drop_excess_hashtags(text, limits, policy)
        fixes += [fix] if fix else []
        if not threaded:
            text, fix = shorten(text, limits, policy)
            fixes += [fix] if fix else []
        if text == before:
            break
    parts = split_thread(text, numbered=policy.x_thread_numbering) if threaded else None
    if parts is not None and _length(text, limits) > limits.max_length:
        fixes.append(Fix("text_length", f"Split into a thread of {len(parts)} posts."))
    return FixResult(text=text, fixes=tuple(fixes), parts=parts)
