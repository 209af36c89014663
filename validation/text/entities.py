"""URLs, hashtags and mentions with their spans, found once per text and shared by checks.

URL recognition follows twitter-text's idea (not its code): a URL with a scheme or `www.`
always counts; a bare domain counts when its TLD is a common generic one, or a country code
followed by a path (so "file.py" or "node.js" stay words, "example.com" is a link).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from validation.policy import RUN_RE
from validation.text import hinted, wordlist

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

# The same patterns without their leading look-behind, which the `re` engine evaluates at every
# position of the text (~20 µs a post); these are tried only where str.find lands on a "#" or
# "@" (a character-set scan by `re` costs ~6 µs a post too) and the look-behind is checked in
# Python on the few hits. A match never contains another "#"/"@", so trying every sigil in
# turn finds what finditer finds, and skipping a hit whose look-behind fails hides nothing.
_HASHTAG_FAST = re.compile(r"[#＃](\w*[^\W\d]\w*)")
_MENTION_FAST = re.compile(r"[@＠](\w{1,30})")
# Whitespace-separated tokens and their start offsets (parallel lists).
Tokens = tuple[list[str], "_LazyStarts | list[int]"]
# Every URL_RE match contains "://", "www." or a "." followed by a letter (its TLD).
_URL_HINT = re.compile(r"://|www\.|\.[a-z]", re.IGNORECASE)
_MEMO_MAX = 100_000


# What the token-wise scans find in one whitespace-separated token (offsets within it), as a
# plain tuple (offensive, urls, runs, shape): the garbage collector stops tracking tuples of
# strings and numbers, so a full memo costs nothing at each collection.
#   offensive: word-list hits, slurs first; urls: (start, url); runs: RUN_RE over
#   token.lower(); shape: wordlist.token_shape()
TokenInfo = tuple[tuple[wordlist.Hit, ...], tuple[tuple[int, str], ...], tuple[str, ...], str]
_OFFENSIVE, _URLS, _RUNS, _SHAPE = 0, 1, 2, 3


_TOKENS: dict[str, TokenInfo] = {}
_WITH_OFFENSIVE: set[str] = set()  # tokens whose info has word-list hits
_WITH_URLS: set[str] = set()  # tokens whose info has URLs
_SPACED_PARTS: set[str] = set()  # tokens of shape "s" or "i" (every spaced-out match has one)
_runs_of = itemgetter(_RUNS)
_shape_of = itemgetter(_SHAPE)


def forget_tokens() -> None:
    """Empty the per-token memo (as in a freshly started process)."""
    _TOKENS.clear()
    _WITH_OFFENSIVE.clear()
    _WITH_URLS.clear()
    _SPACED_PARTS.clear()


def _token_info(token: str) -> TokenInfo:
    urls = ()
    if ("." in token or ":" in token) and _URL_HINT.search(token):
        urls = tuple((e.start, e.text) for e in _scan_urls(token))
    lower = token.lower()
    return (
        wordlist.token_hits(token, lower),
        urls,
        tuple(RUN_RE.findall(lower)),
        wordlist.token_shape(token),
    )


class TokenScan(NamedTuple):
    """One pass over a text's tokens: hits as (token index, per-token hits), all runs, and
    whether wordlist.SPACED_RE may match the text (see wordlist.SPACED_SHAPES)."""

    offensive: Sequence[tuple[int, tuple[wordlist.Hit, ...]]]
    urls: Sequence[tuple[int, tuple[tuple[int, str], ...]]]
    runs: tuple[str, ...]
    spaced: bool


def scan_tokens(words: list[str]) -> TokenScan:
    """Look every distinct token up once (C-level set and map operations; only tokens never
    seen before run the patterns) and collect what the token-wise checks need."""
    memo = _TOKENS
    distinct = set(words)
    missing = distinct.difference(memo)
    if missing:
        if len(memo) + len(missing) > _MEMO_MAX:
            forget_tokens()
            missing = distinct
        for token in missing:
            info = memo[token] = _token_info(token)
            if info[_OFFENSIVE]:
                _WITH_OFFENSIVE.add(token)
            if info[_URLS]:
                _WITH_URLS.add(token)
            if info[_SHAPE] in "si":
                _SPACED_PARTS.add(token)
    infos = list(map(memo.__getitem__, words))
    # (Tuples, and shared empty ones: an Analysed keeps its scan for the whole call, and the
    # garbage collector stops tracking tuples of strings and numbers.)
    offensive = ()
    if not _WITH_OFFENSIVE.isdisjoint(distinct):
        offensive = [(i, info[_OFFENSIVE]) for i, info in enumerate(infos) if info[_OFFENSIVE]]
    urls = ()
    if not _WITH_URLS.isdisjoint(distinct):
        urls = [(i, info[_URLS]) for i, info in enumerate(infos) if info[_URLS]]
    spaced = not _SPACED_PARTS.isdisjoint(distinct) and (
        wordlist.SPACED_SHAPES.search("".join(map(_shape_of, infos))) is not None
    )
    return TokenScan(offensive, urls, tuple(chain.from_iterable(map(_runs_of, infos))), spaced)


def _after(text: str, start: int, stops: str) -> bool:
    """True when the character before `start` is neither a word character nor in `stops`."""
    if start == 0:
        return True
    ch = text[start - 1]
    return not (ch in stops or wordlist.is_word(ch))


def nfc(text: str) -> str:
    # Fast path: ASCII is already NFC, and most posts are ASCII.
    return text if text.isascii() else unicodedata.normalize("NFC", text)


class Entity(NamedTuple):
    """(A named tuple: built several times a post, at a fifth of a frozen dataclass's cost.)"""

    kind: str  # "url" | "hashtag" | "mention"
    text: str  # as written, including "#" / "@"
    start: int
    end: int

    @property
    def key(self) -> str:
        """Case-insensitive identity without the sigil ("#Sale" and "#sale" are one tag)."""
        return self.text[1:].casefold() if self.kind != "url" else self.text


def find_urls(text: str, tokens: Tokens | None = None, scan: TokenScan | None = None):
    """URLs in text: the same result as one scan of the whole text, found token by token."""
    if "." not in text and ":" not in text:
        return []  # every URL alternative needs a "." or "://"
    words, starts = tokens if tokens is not None else tokens_of(text)
    if scan is None:
        scan = scan_tokens(words)
    found = []
    for i, hits in scan.urls:
        start = starts[i]
        found.extend(Entity("url", url, start + s, start + s + len(url)) for s, url in hits)
    return found


def token_starts(text: str, words: list[str]) -> list[int]:
    """Start offsets of text.split()'s tokens: only whitespace lies between one token's end
    and the next token's start, so the next occurrence found is the token itself."""
    starts = []
    pos = 0
    find = text.find
    for word in words:
        pos = find(word, pos)
        starts.append(pos)
        pos += len(word)
    return starts


class _LazyStarts:
    """Token offsets found on first use and only as far as asked (most posts need few)."""

    __slots__ = ("_pos", "_starts", "_text", "_words")

    def __init__(self, text: str, words: list[str]):
        self._text, self._words, self._starts, self._pos = text, words, [], 0

    def __getitem__(self, i: int) -> int:
        starts = self._starts
        if i >= len(starts):
            # Usually the token's text occurs once in the text (a URL, a rare word): then that
            # occurrence is the token, found by two scans in C instead of a loop over tokens.
            word, text = self._words[i], self._text
            first = text.find(word)
            if text.find(word, first + 1) == -1:
                return first
            # As token_starts(), resumed where the last call stopped.
            text, words, pos = self._text, self._words, self._pos
            for word in words[len(starts) : i + 1]:
                pos = text.find(word, pos)
                starts.append(pos)
                pos += len(word)
            self._pos = pos
        return starts[i]


def tokens_of(text: str) -> Tokens:
    """Whitespace-separated tokens (str.split, in C) and their lazily found start offsets."""
    words = text.split()
    return words, _LazyStarts(text, words)


def _scan_urls(text: str) -> list[Entity]:
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


def _at_sigils(pattern: re.Pattern, text: str, sigil: str, wide: str):
    """pattern.finditer(text) for a pattern whose matches start with `sigil` or its full-width
    form `wide` and contain neither again: tried only at those characters."""
    if wide in text:
        return pattern.finditer(text)  # (rare: the two forms would need merging)
    return hinted.at_each(pattern, text, sigil)


def _outside(spans: list[Entity], start: int) -> bool:
    return not any(s.start <= start < s.end for s in spans)


class cached_property:  # noqa: N801 - used like functools.cached_property
    """functools.cached_property without the lock Python 3.11 takes on every first access
    (~1 µs each, and an Analysed computes about ten of them): a non-data descriptor whose
    value, once stored in the instance's __dict__, is found there directly. (An Analysed is
    built and used by one thread.)"""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.fn(instance)
        return value


@dataclass
class Analysed:
    """One post text, normalised once; entities are computed on first use."""

    text: str

    @classmethod
    def of(cls, text: str) -> Analysed:
        return cls(nfc(text))

    @cached_property
    def tokens(self) -> Tokens:
        """Whitespace-separated tokens with their offsets, shared by the token-wise checks."""
        return tokens_of(self.text)

    @cached_property
    def scan(self) -> TokenScan:
        """The shared token pass (word list, URLs, word runs)."""
        return scan_tokens(self.tokens[0])

    @cached_property
    def runs(self) -> tuple[str, ...]:
        """Maximal runs of 2+ word characters of the lower-cased text, in order."""
        return self.scan.runs

    @cached_property
    def urls(self) -> list[Entity]:
        return find_urls(self.text, self.tokens, self.scan) if ("." in self.text) else []

    @cached_property
    def hashtags(self) -> list[Entity]:
        return self._sigil_entities("hashtag", _HASHTAG_FAST, "#", "＃", "&#")

    @cached_property
    def mentions(self) -> list[Entity]:
        return self._sigil_entities("mention", _MENTION_FAST, "@", "＠", "@.")

    def _sigil_entities(self, kind: str, pattern: re.Pattern, sigil: str, wide: str, stops: str):
        """HASHTAG_RE's or MENTION_RE's matches outside URLs, as entities (see _HASHTAG_FAST)."""
        text = self.text
        if sigil not in text and wide not in text:
            return []
        # Only a URL holding the sigil can hold one (a URL entity's text is its span's).
        urls = [u for u in self.urls if sigil in u.text or wide in u.text]
        found = []
        for m in _at_sigils(pattern, text, sigil, wide):
            start = m.start()
            if _after(text, start, stops) and (not urls or _outside(urls, start)):
                found.append(Entity(kind, m.group(), start, m.end()))
        return found

    @cached_property
    def lower(self) -> str:
        """str.lower() of the text, for the policy matchers' quick pre-filters."""
        return self.text.lower()

    @cached_property
    def squashed(self) -> str:
        """validation.policy.squash() of the text (disclaimer checks), from the tokens: no
        character's case folding holds whitespace or turns whitespace into something else
        (tested over all of Unicode), so folding after splitting gives the same words."""
        return " ".join(self.tokens[0]).casefold().strip(" .!")

    @cached_property
    def protected(self) -> list[tuple[int, int]]:
        """Spans auto-fix must never cut through."""
        spans = [(e.start, e.end) for e in (*self.urls, *self.hashtags, *self.mentions)]
        return sorted(spans)
