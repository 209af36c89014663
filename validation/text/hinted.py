"""A slow pattern tried only where a fast "hint" pattern says one of its matches can start.

The slow patterns open with a look-behind (or IGNORECASE), which `re` tries at every position
of a text: ~15-25 µs for a 500-character post. A hint opens with a character set or literal
that `re` skips to in C, so searching for it costs a fraction of that, and the slow pattern
then runs only at the few places found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def finditer(
    pattern: re.Pattern,
    hint: re.Pattern,
    text: str,
    lead: int = 0,
    *,
    hint_text: str | None = None,
) -> Iterator[re.Match]:
    """pattern.finditer(text), for a hint such that each match of the pattern at position p
    has a match of the hint at some position in [p, p + lead] of `hint_text` (default: the
    text itself; e.g. its lower-cased copy, of the same length).

    Equal to finditer: the leftmost match at or after `pos` starts no earlier than `lead`
    before the leftmost hint at or after `pos`, and no later than that hint unless every
    place up to it fails, after which the next hint is searched from one past it. (A
    look-behind still sees the text before the position the pattern is tried at.)"""
    scanned = text if hint_text is None else hint_text
    pos = 0
    search, match = hint.search, pattern.match
    while (found := search(scanned, pos)) is not None:
        at = found.start()
        for start in range(max(pos, at - lead), at + 1):
            m = match(text, start)
            if m is not None:
                yield m
                pos = m.end()  # (no pattern here matches the empty string)
                break
        else:
            pos = at + 1


def at_each(pattern: re.Pattern, text: str, needle: str) -> Iterator[re.Match]:
    """pattern.match(text, i) at every i where `needle` occurs, the matches in order: the
    places found by str.find, in C, which beats `re` skipping to a character set. (Equal to
    pattern.finditer(text) when every match starts with `needle` and holds no other one.)"""
    find, match = text.find, pattern.match
    at = find(needle)
    while at != -1:
        m = match(text, at)
        if m is not None:
            yield m
        at = find(needle, at + 1)
