"""How X counts a post's text, for the sandbox's "Your Tweet text is too long" (written from
twitter-text's config/v3.json, which X's own counter uses; https://docs.x.com/fundamentals/
counting-characters):

- the text is NFC-normalised first;
- code points in 0-4351, 8192-8205, 8208-8223 and 8242-8247 weigh 1, every other one 2;
- every URL weighs 23 (t.co), with or without a scheme (twitter-text also finds bare domains);
- every emoji weighs 2, however many code points its sequence has.

The sandbox's own reading, independent of the product's validation: a sandbox that shared
the product's counter would hide the product's counting mistakes."""

from __future__ import annotations

import unicodedata

import regex

MAX_WEIGHTED = 280
URL_WEIGHT = 23
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = regex.compile(
    r"(?<![\w@.])(?:https?://[^\s]+|(?:[a-z0-9-]+\.)+(?:com|org|net|io|co|me|ly|app|dev|ai|"
    r"info|biz|shop|news|blog)(?:/[^\s]*)?)(?<![.,;:!?)\]'\"])",
    regex.IGNORECASE,
)
_EMOJI = regex.compile(r"\p{RI}\p{RI}|\p{Extended_Pictographic}")


def _char_weight(ch: str) -> int:
    code = ord(ch)
    return 1 if any(low <= code <= high for low, high in _LIGHT) else 2


def weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, pos = 0, 0
    for url in _URL.finditer(text):
        total += _plain(text[pos : url.start()]) + URL_WEIGHT
        pos = url.end()
    return total + _plain(text[pos:])


def _plain(text: str) -> int:
    total = 0
    for cluster in regex.findall(r"\X", text):
        if _EMOJI.search(cluster):
            total += 2  # one emoji, sequence and modifiers included
        else:
            total += sum(_char_weight(ch) for ch in cluster)
    return total
