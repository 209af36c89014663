"""The one rule that turns an X text into the posts of a thread, used by validation, the
composer's preview, auto-fix and the publisher alike (so what the author is told is what X
receives).

- Blank lines separate posts where the author put them.
- A paragraph still over X's weighted 280 is cut at the last sentence end that fits, else at
  the last word boundary, else (text without spaces, e.g. CJK) between two characters;
  never inside a URL, mention, hashtag or emoji sequence. A sentence end is preferred unless
  it keeps much less of the text than a word cut would.
- Optionally (the brand's choice) each post ends with " i/n".

A part that cannot fit (a single hashtag longer than a post) is left whole: validation
reports it, and X would refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import regex

from validation.text.entities import Analysed
from validation.text.length import EMOJI_RE, x_weighted_length

X_MAX_WEIGHTED = 280

_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"')\]»”’]*(?=\s|$)|[。！？][」』）]*")
_GRAPHEME = regex.compile(r"\X")
# Trying the sentence end first makes a thread read better, unless it wastes the post.
SENTENCE_SHARE = 0.6


def split_thread(text: str, *, numbered: bool = False) -> tuple[str, ...]:
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    if not paragraphs:
        return ()
    if not numbered:
        return tuple(part for p in paragraphs for part in _fit(p, X_MAX_WEIGHTED))
    count = len(paragraphs)
    for _ in range(4):  # the suffix' width depends on the count it is part of
        budget = X_MAX_WEIGHTED - len(f" {count}/{count}")
        parts = [part for p in paragraphs for part in _fit(p, budget)]
        if len(str(len(parts))) <= len(str(count)):
            break
        count = len(parts)
    return tuple(f"{part} {i}/{len(parts)}" for i, part in enumerate(parts, start=1))


def _fit(paragraph: str, budget: int) -> list[str]:
    parts = []
    rest = paragraph
    while x_weighted_length(rest) > budget:
        cut = _cut(rest, budget)
        if cut <= 0:
            break  # nothing fits before the first unbreakable span: leave it whole
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut(text: str, budget: int) -> int:
    """Where to end the next post: the best cut whose prefix fits the budget, or 0."""

    def fits(prefix: str) -> bool:
        return x_weighted_length(prefix) <= budget

    free = _free(text)
    sentences, words = _points(text, free)
    at_sentence = longest_prefix(text, sentences, fits)
    at_word = longest_prefix(text, words, fits)
    if at_sentence > 0 and at_sentence >= SENTENCE_SHARE * at_word:
        return at_sentence
    if at_word > 0:
        return at_word
    graphemes = [m.end() for m in _GRAPHEME.finditer(text) if free(m.end())]
    return longest_prefix(text, graphemes[:-1], fits)


def _free(text: str) -> Callable[[int], bool]:
    """Whether a cut at a position leaves every URL, hashtag, mention and emoji whole."""
    spans = [*Analysed.of(text).protected, *((m.start(), m.end()) for m in EMOJI_RE.finditer(text))]
    return lambda pos: not any(start < pos < end for start, end in spans)


def cut_points(text: str) -> tuple[list[int], list[int]]:
    """Sentence ends and word boundaries (whitespace) where text may be cut."""
    return _points(text, _free(text))


def _points(text: str, free: Callable[[int], bool]) -> tuple[list[int], list[int]]:
    sentences = [m.end() for m in _SENTENCE_END.finditer(text) if free(m.end())]
    words = [i for i, ch in enumerate(text) if ch.isspace() and i > 0 and free(i)]
    return sentences, words


def longest_prefix(text: str, cuts: list[int], fits: Callable[[str], bool]) -> int:
    """The largest cut whose right-stripped prefix fits, or 0. Binary search: a prefix's
    length only grows with the cut."""
    lo, hi, best = 0, len(cuts) - 1, 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(text[: cuts[mid]].rstrip()):
            best, lo = cuts[mid], mid + 1
        else:
            hi = mid - 1
    return best
