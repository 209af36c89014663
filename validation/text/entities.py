"""URLs, hashtags and mentions with their spans, found once per text and shared by checks.

URL recognition follows twitter-text's idea (not its code): a URL with a scheme or `www.`
always counts; a bare domain counts when its TLD is a common generic one, or a country code
followed by a path (so "file.py" or "node.js" stay words, "example.com" is a link).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_GTLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|me|tv|ly|gl|app|dev|ai|shop|store|xyz|online|"
    "site|tech|blog|news|link|page|club|live|global|agency|media|social"
)
_URL_TAIL = r"(?:[/?#][^\s<>\"'`]*)?"
_LABELS = r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+"
_END = r"(?![\w\-]|\.[a-z0-9])"
URL_RE = re.compile(
    r"(?<![\w@.\-/])(?:"
    r"https?://[^\s<>\"'`]+"
    r"|www\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+"
    + _URL_TAIL
    + r"|"
    + _LABELS
    + r"(?:"
    + _GTLDS
    + r"|(?:co|com|org|net|ac|gov)\.[a-z]{2})"
    + _END
    + r"(?::\d{1,5})?"
    + _URL_TAIL
    + r"|"
    + _LABELS
    + r"[a-z]{2}/[^\s<>\"'`]*"
    r")",
    re.IGNORECASE,
)
# Trailing punctuation is sentence punctuation, not part of the link.
_URL_TRAILING = ".,;:!?)]}'\"…"

# A hashtag needs at least one letter ("#1" is not a hashtag); `&#` is an HTML entity.
HASHTAG_RE = re.compile(r"(?<![\w&#])[#＃](\w*[^\W\d]\w*)")
MENTION_RE = re.compile(r"(?<![\w@.])[@＠](\w{1,30})")


def nfc(text: str) -> str:
    # Fast path: ASCII is already NFC, and most posts are ASCII.
    return text if text.isascii() else unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Entity:
    kind: str  # "url" | "hashtag" | "mention"
    text: str  # as written, including "#" / "@"
    start: int
    end: int

    @property
    def key(self) -> str:
        """Case-insensitive identity without the sigil ("#Sale" and "#sale" are one tag)."""
        return self.text[1:].casefold() if self.kind != "url" else self.text


def find_urls(text: str) -> list[Entity]:
    found = []
    for match in URL_RE.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        # Keep a closing parenthesis that closes one opened inside the URL (wiki links).
        raw = match.group()
        while len(url) < len(raw) and raw[len(url)] == ")" and url.count("(") > url.count(")"):
            url += ")"
        if url:
            found.append(Entity("url", url, match.start(), match.start() + len(url)))
    return found


def _outside(spans: list[Entity], start: int) -> bool:
    return not any(s.start <= start < s.end for s in spans)


@dataclass
class Analysed:
    """One post text, normalised once; entities are computed on first use."""

    text: str

    @classmethod
    def of(cls, text: str) -> Analysed:
        return cls(nfc(text))

    @cached_property
    def urls(self) -> list[Entity]:
        return find_urls(self.text) if ("." in self.text) else []

    @cached_property
    def hashtags(self) -> list[Entity]:
        if "#" not in self.text and "＃" not in self.text:
            return []
        urls = self.urls
        return [
            Entity("hashtag", m.group(), m.start(), m.end())
            for m in HASHTAG_RE.finditer(self.text)
            if _outside(urls, m.start())
        ]

    @cached_property
    def mentions(self) -> list[Entity]:
        if "@" not in self.text and "＠" not in self.text:
            return []
        urls = self.urls
        return [
            Entity("mention", m.group(), m.start(), m.end())
            for m in MENTION_RE.finditer(self.text)
            if _outside(urls, m.start())
        ]

    @cached_property
    def lowered(self) -> str:
        return self.text.casefold() if not self.text.isascii() else self.text.lower()

    @cached_property
    def protected(self) -> list[tuple[int, int]]:
        """Spans auto-fix must never cut through."""
        spans = [(e.start, e.end) for e in (*self.urls, *self.hashtags, *self.mentions)]
        return sorted(spans)
