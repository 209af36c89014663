"""Offensive language: a word list that sees through obfuscation, plus the model score.

The list matches whole words only (letters on either side stop a match), so Scunthorpe,
Essex, cocktail, Dickens, Penistone or assassin never trip it; ambiguous words (cock, dick,
ass, prick, chink, dyke) are left out and left to the classifier, which scores whole
sentences. Obfuscations are folded in: leetspeak (f4g, 5h1t, $h!t), starred vowels (f*ck),
repeated letters (fuuuuck) and letters split by one repeated separator (f.u.c.k, s h i t).
"""

from __future__ import annotations

import re

from validation.findings import Finding, Rule, Severity
from validation.policy import Policy
from validation.text.entities import Tokens, tokens_of
from validation.types import PostView

# Hate slurs: never publishable.
SLURS = ("nigger", "nigga", "faggot", "kike", "spic", "tranny", "wetback", "raghead")
# Profanity and insults: a brand admin decides.
PROFANE = (
    "fuck", "motherfucker", "shit", "bullshit", "asshole", "arsehole", "bitch", "bastard",
    "cunt", "dickhead", "wanker", "twat", "bollocks", "piss", "slut", "whore", "douchebag",
    "jackass", "dumbass", "cocksucker", "retard", "shithead", "fuckwit", "goddamn",
)  # fmt: skip

# Real places the repeated-letter rule would otherwise catch (Twatt, Orkney and Shetland).
ALLOWED = frozenset({"twatt"})

_LEET = {
    "a": "a@4*", "b": "b8", "e": "e3*", "g": "g9", "i": "i1!*|", "l": "l1|", "o": "o0*",
    "s": "s5$", "t": "t7+", "u": "u*v", "z": "z2",
}  # fmt: skip
_SUFFIX = r"(?:s|es|ed|er|ers|ing|in|y|ty|head|heads|hole|holes|face)?"
_EDGE_BEFORE = r"(?<![\w@$*!|+])"
_EDGE_AFTER = r"(?![\w@$*!|+])"


def _letter(ch: str) -> str:
    return "[" + re.escape(_LEET.get(ch, ch)) + "]+"


def _word_pattern(word: str) -> str:
    return "".join(_letter(ch) for ch in word)


def _compile(words: tuple[str, ...]) -> re.Pattern:
    alternation = "|".join(_word_pattern(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"{_EDGE_BEFORE}(?:{alternation}){_SUFFIX}{_EDGE_AFTER}", re.IGNORECASE)


_SLUR_RE = _compile(SLURS)
_PROFANE_RE = _compile(PROFANE)
# Single characters split by one separator used throughout: "f.u.c.k", "s h i t", "b-i-t-c-h".
_SPACED_RE = re.compile(r"(?<![\w.*-])\w(?P<sep>[ .\-_*])(?:\w(?P=sep)){1,10}\w(?![\w*])")


# Memo of word-list hits per whitespace token. Every hit is a whole run of the characters
# above, so it lies inside one token, and the look-arounds treat whitespace and the ends of
# a string alike: scanning token by token finds exactly what one scan of the text finds,
# while posts share most of their tokens.
_TOKEN_MEMO: dict[str, tuple[tuple[bool, int, int, str], ...]] = {}
_MEMO_MAX = 100_000
# Every spaced-out match contains a separator, one word character and the same separator.
_SPACED_HINT = re.compile(r"[ .\-_*]\w[ .\-_*]")


def _token_hits(token: str) -> tuple[tuple[bool, int, int, str], ...]:
    hits = _TOKEN_MEMO.get(token)
    if hits is None:
        if len(_TOKEN_MEMO) >= _MEMO_MAX:
            _TOKEN_MEMO.clear()
        hits = _TOKEN_MEMO[token] = tuple(
            (slur, m.start(), m.end(), m.group())
            for regex, slur in ((_SLUR_RE, True), (_PROFANE_RE, False))
            for m in regex.finditer(token)
            if m.group().lower() not in ALLOWED
        )
    return hits


def offensive_words(text: str, tokens: Tokens | None = None) -> list[tuple[bool, int, int, str]]:
    """(is_slur, start, end, matched) for each offensive word in text."""
    slurs, profane = [], []
    words, offsets = tokens if tokens is not None else tokens_of(text)
    memo = _TOKEN_MEMO
    for i, token in enumerate(words):
        hits = memo.get(token)
        if hits is None:
            hits = _token_hits(token)
        if hits:
            offset = offsets[i]
            for slur, start, end, word in hits:
                (slurs if slur else profane).append((slur, offset + start, offset + end, word))
    hits = slurs + profane
    if _SPACED_HINT.search(text):
        for m in _SPACED_RE.finditer(text):
            joined = m.group().replace(m.group("sep"), "")
            for regex, slur in ((_SLUR_RE, True), (_PROFANE_RE, False)):
                if regex.fullmatch(joined):
                    hits.append((slur, m.start(), m.end(), m.group()))
                    break
    return sorted(hits, key=lambda h: h[1])


def profanity(post: PostView, policy: Policy) -> list[Finding]:
    findings = []
    for slur, start, end, word in offensive_words(post.text.text, post.text.tokens):
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
