"""Platform text lengths. X uses twitter-text v3 weighting, written from its config:

    config/v3.json: scale 100, defaultWeight 200, transformedURLLength 23,
    emojiParsingEnabled, ranges (weight 100): 0-4351, 8192-8205, 8208-8223, 8242-8247.

So light code points weigh 1, all others 2, every URL 23 and each emoji sequence 2, after NFC.

Emoji sequences: we use the `regex` module's Unicode properties rather than the `emoji`
package. `regex` matches a whole 500-character post in ~20 µs in C against ~300 µs for
`emoji.emoji_list` (a pure-Python trie), and its Unicode tables are current. The property
pattern follows the UTS #51 grammar (flags, keycaps, modifiers, ZWJ joins, tag sequences) so it
also accepts non-RGI ZWJ combinations that twitter-text's list-based regex would split; that
only changes counts for invented sequences. Text-presentation symbols without U+FE0F (© ®)
count by their code point, like twitter-text which only sees emoji-presentation forms.
"""

from __future__ import annotations

import re

import regex

from validation.text.entities import Analysed

X_URL_WEIGHT = 23
X_EMOJI_WEIGHT = 2

# Code points outside the v3 light ranges weigh 2: count them with one C-level findall.
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")

_EMOJI_BASE = (
    r"(?:\p{Extended_Pictographic}\uFE0F|\p{Emoji_Presentation}\p{EMod}?"
    r"|\p{Extended_Pictographic}\p{EMod})"
)
EMOJI_RE = regex.compile(
    r"\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"  # subdivision flags (England, Scotland)
    r"|\p{RI}\p{RI}"  # country flags
    r"|[0-9#*]\uFE0F?\u20E3"  # keycaps
    + r"|"
    + _EMOJI_BASE
    + r"(?:\u200D(?:"
    + _EMOJI_BASE
    + r"|\p{Extended_Pictographic}))*"
)


def _plain_weight(segment: str) -> int:
    if segment.isascii():
        return len(segment)
    heavy = [m.start() for m in _HEAVY.finditer(segment)]
    if not heavy:
        return len(segment)
    # Every emoji match has a heavy code point as its first or second character (the base
    # or U+FE0F, U+20E3, a modifier; tested over all of Unicode), so matches are tried only
    # there, leftmost first: the matches one scan of the segment would find, at a fraction
    # of the cost (the scan tries its pattern at every code point).
    match = EMOJI_RE.match
    emoji = emoji_length = heavy_in_emoji = 0
    pos = i = 0
    while i < len(heavy):
        at = heavy[i]
        found = match(segment, at - 1) if at - 1 >= pos else None
        if found is None:
            found = match(segment, at)
        if found is None:
            i += 1
            continue
        emoji += 1
        emoji_length += found.end() - found.start()
        pos = found.end()
        while i < len(heavy) and heavy[i] < pos:
            heavy_in_emoji += 1
            i += 1
    # Outside the emoji: every code point weighs 1, and the heavy ones 1 more.
    return emoji * X_EMOJI_WEIGHT + len(segment) - emoji_length + len(heavy) - heavy_in_emoji


def x_weighted_length(text: str | Analysed) -> int:
    analysed = text if isinstance(text, Analysed) else Analysed.of(text)
    cached = analysed.__dict__.get("_x_length")
    if cached is not None:
        return cached
    body = analysed.text
    total = 0
    pos = 0
    for url in analysed.urls:
        total += _plain_weight(body[pos : url.start]) + X_URL_WEIGHT
        pos = url.end
    total += _plain_weight(body[pos:])
    analysed.__dict__["_x_length"] = total  # checks and the report both ask
    return total


def platform_length(analysed: Analysed, *, weighted: bool) -> int:
    """The platform's own count: weighted for X, code points elsewhere."""
    return x_weighted_length(analysed) if weighted else len(analysed.text)
