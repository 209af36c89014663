"""The offensive-word list and its obfuscation-aware patterns, matched one token at a time.

The list matches whole words only (letters on either side stop a match), so Scunthorpe,
Essex, cocktail, Dickens, Penistone or assassin never trip it; ambiguous words (cock, dick,
ass, prick, chink, dyke) are left out and left to the classifier, which scores whole
sentences. Obfuscations are folded in: leetspeak (f4g, 5h1t, $h!t), starred vowels (f*ck),
repeated letters (fuuuuck) and letters split by one repeated separator (f.u.c.k, s h i t; the
last is matched over the whole text by validation.checks.language).
"""

from __future__ import annotations

import re

from validation.policy import ASCII_ALIASES

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


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(_word_pattern(w) for w in sorted(words, key=len, reverse=True))


def _compile(alternation: str) -> re.Pattern:
    return re.compile(f"{_EDGE_BEFORE}(?:{alternation}){_SUFFIX}{_EDGE_AFTER}", re.IGNORECASE)


SLUR_RE = _compile(_alternation(SLURS))
PROFANE_RE = _compile(_alternation(PROFANE))

# Cheap exact pre-checks, so that a token never seen before (most are numbers: prices, dates,
# order numbers) rarely runs the two patterns above.
# 1. Either list, without IGNORECASE, over token.lower() (`re` runs it faster): the same
#    matches at the same places for a token without ASCII_ALIASES (the only non-ASCII
#    characters IGNORECASE folds to ASCII letters; İ is also the only character whose lower
#    case is longer), because the patterns are ASCII and lower() keeps word characters word
#    characters and the rest not.
_EITHER_LOWER_RE = re.compile(
    f"{_EDGE_BEFORE}(?:{_alternation(SLURS)}|{_alternation(PROFANE)}){_SUFFIX}{_EDGE_AFTER}"
)
_ALIAS_RE = re.compile(f"[{ASCII_ALIASES}]")
# 2. A token without letters (what `[a-z]` matches case-insensitively) can only spell a word
#    whose every letter has a symbol or digit in its class, without a suffix: "5|*7".
_LETTER_RE = re.compile("[a-z]", re.IGNORECASE)


def _symbols_only(word: str) -> str | None:
    classes = ["".join(c for c in _LEET.get(ch, ch) if not c.isalpha()) for ch in word]
    return "".join(f"[{re.escape(c)}]+" for c in classes) if all(classes) else None


_SYMBOL_SPELLINGS = [p for w in SLURS + PROFANE if (p := _symbols_only(w)) is not None]
_SYMBOLS_ONLY_RE = re.compile("|".join(_SYMBOL_SPELLINGS) or "(?!)")

Hit = tuple[bool, int, int, str]  # (is_slur, start, end, matched text)


def token_hits(token: str, lower: str | None = None) -> tuple[Hit, ...]:
    """Word-list hits in one whitespace-free token (slurs first), offsets within the token.

    Every hit is a whole run of the characters the patterns use, so it lies inside one token,
    and the look-arounds treat whitespace and the ends of a string alike: scanning token by
    token finds exactly what one scan of the whole text finds. `lower` is token.lower()."""
    if _LETTER_RE.search(token) is None:
        if _SYMBOLS_ONLY_RE.search(token) is None:
            return ()
    elif (token.isascii() or not _ALIAS_RE.search(token)) and _EITHER_LOWER_RE.search(
        token.lower() if lower is None else lower
    ) is None:
        return ()
    return tuple(
        (slur, m.start(), m.end(), m.group())
        for regex, slur in ((SLUR_RE, True), (PROFANE_RE, False))
        for m in regex.finditer(token)
        if m.group().lower() not in ALLOWED
    )


# Single characters split by one separator used throughout: "f.u.c.k", "s h i t", "b-i-t-c-h".
SPACED_RE = re.compile(r"(?<![\w.*-])\w(?P<sep>[ .\-_*])(?:\w(?P=sep)){1,10}\w(?![\w*])")
# A match opens with "c1 sep c2 sep c3", c1 a word character of its own. With a separator
# other than a space those five characters lie in one whitespace-free token (where the text
# before the token looks like its start to the look-behind); with a space, c1 ends a token
# (alone or after a character outside [\w.*-]), c2 is a whole token of one word character and
# c3 starts the next token. token_shape() gives each token one letter and SPACED_SHAPES finds
# those sequences in a text's letters: no find, no match (validation.checks.language skips the
# whole-text pattern, which costs ~8 µs a post even with its hint).
_INNER_SPACED = re.compile(r"(?<![\w.*-])\w([.\-_*])\w\1\w")
SPACED_SHAPES = re.compile(r"i|[sef]s[seb]")


def is_word(ch: str) -> bool:
    """What `\\w` matches in a str pattern (Unicode alphanumerics and underscore)."""
    return ch.isalnum() or ch == "_"


def token_shape(token: str) -> str:
    """The token's letter: "i" when a separator other than a space spells a match inside
    it; else "s" for one word character; "e" / "f" when it ends with a word character of its
    own and starts with one / does not; "b" when it only starts with one; "-" for neither."""
    if token.isalnum():  # (most tokens: letters and digits only)
        return "s" if len(token) == 1 else "b"
    if len(token) >= 5 and _INNER_SPACED.search(token):
        return "i"
    if len(token) == 1:
        return "s" if is_word(token) else "-"
    ends = is_word(token[-1]) and not (is_word(token[-2]) or token[-2] in ".*-")
    begins = is_word(token[0])
    return ("e" if begins else "f") if ends else ("b" if begins else "-")
