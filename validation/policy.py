"""A brand's rules as one immutable, precompiled value (built from BrandPolicy and the enabled
compliance packs by validation.selectors). Checks only ever see this, never the ORM, which
keeps them pure and lets a batch compile the regexes once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from validation.text import hinted


@dataclass(frozen=True)
class Term:
    """A phrase to find, where it comes from and why it matters."""

    phrase: str
    source: str = "brand policy"  # "brand policy" or "<pack slug> v<version>"
    why: str = ""


@dataclass(frozen=True)
class Disclaimer:
    text: str
    source: str = "brand policy"
    # Only required when the post mentions one of these (empty: always required).
    when_any: tuple[str, ...] = ()


def squash(text: str) -> str:
    """Case- and whitespace-insensitive form used to test whether a disclaimer is present."""
    return " ".join(text.casefold().split()).strip(" .!")


@lru_cache(maxsize=4096)
def squash_term(text: str) -> str:
    """squash() for the short strings of a policy (disclaimers, trigger words), memoised."""
    return squash(text)


# The only non-ASCII characters `re.IGNORECASE` matches to an ASCII letter (İ, ı, ſ, Kelvin
# sign); tests recompute this over all of Unicode.
ASCII_ALIASES = "\u0130\u0131\u017f\u212a"
_ALIAS_RE = re.compile(f"[{ASCII_ALIASES}]")


def quick_matches(regex: re.Pattern, quick: re.Pattern | None, text: str, lower: str, lead=0):
    """regex.finditer(text), tried only where `quick` (see quick_start) matches in `lower`,
    or at most `lead` characters before (a prefix the quick pattern leaves out): one scan
    without IGNORECASE and look-behinds instead of one with both (~4x slower)."""
    if quick is None or (not text.isascii() and _ALIAS_RE.search(text)):
        return regex.finditer(text)
    return hinted.finditer(regex, quick, text, lead, hint_text=lower)


def quick_start(quick: re.Pattern | None, text: str, lower: str) -> int | None:
    """Where a case-insensitive pattern's first match can start in text, or None if nowhere.

    `quick` is the pattern's core (no look-arounds) over lower-cased ASCII phrases, compiled
    without IGNORECASE, which the `re` engine runs 3-10x faster. For ASCII phrases, a
    case-insensitive match at some position implies a match of `quick` in `text.lower()` at the
    same position, unless the text holds one of ASCII_ALIASES (İ is also the only character
    whose lower case is longer); then we do not judge and answer 0.
    """
    if quick is None or (not text.isascii() and _ALIAS_RE.search(text)):
        return 0
    found = quick.search(lower)
    return None if found is None else found.start()


# Maximal runs of two or more word characters (also the toxicity model's terms). An ASCII
# phrase matched case-insensitively as a whole word, in a text without ASCII_ALIASES, shows
# each of its own runs of the lower-cased phrase as a whole run of text.lower(): its letters
# are ASCII, the characters around each run are not word characters, and lower() keeps word
# characters word characters and the rest not (tests check this over all of Unicode). So a
# phrase one of whose runs is missing from the text cannot match there.
RUN_RE = re.compile(r"\w\w+")


def _runs(text: str) -> frozenset[str]:
    return frozenset(RUN_RE.findall(text.lower()))


class Needs:
    """The runs each spelling of a list needs, indexed by one run of each (its longest)."""

    def __init__(self, needs: tuple[frozenset[str], ...]):
        self.all = needs
        self.by_run: dict[str, list[frozenset[str]]] = {}
        for need in needs:
            self.by_run.setdefault(max(sorted(need), key=len), []).append(need)

    def met_by(self, words: frozenset[str]) -> bool:
        """Whether some spelling finds all its runs among `words` (few: the text's runs that
        any spelling of the policy needs)."""
        by_run = self.by_run
        return any(need <= words for run in words for need in by_run.get(run, ()))


def _needs(spellings: list[str]) -> Needs | None:
    """Each spelling's runs, or None (never pre-filter) when one is not ASCII or has no run
    of two word characters to look for."""
    if not all(p.isascii() for p in spellings):
        return None
    needs = tuple(dict.fromkeys(_runs(p) for p in spellings))
    return None if any(not n for n in needs) else Needs(needs)


def possible(needs: Needs | None, words: frozenset[str] | None) -> bool:
    """False only when no spelling can match a text whose pre-filter words are `words`."""
    return needs is None or words is None or (bool(words) and needs.met_by(words))


def _quick(alternation: str, phrases) -> re.Pattern | None:
    return re.compile(alternation.lower()) if all(p.isascii() for p in phrases) else None


def _phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in phrase.split()]
    return r"\s+".join(words)


class PhraseMatcher:
    """Finds whole-word, case-insensitive occurrences of many phrases with one regex."""

    def __init__(self, terms: tuple[Term, ...]):
        self.by_key = {squash(t.phrase): t for t in terms if t.phrase.strip()}
        if self.by_key:
            alternation = "|".join(
                _phrase_pattern(t.phrase)
                for t in sorted(self.by_key.values(), key=lambda t: -len(t.phrase))
            )
            self.regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
            self.quick = _quick(alternation, [t.phrase for t in self.by_key.values()])
            self.needs = _needs([t.phrase for t in self.by_key.values()])
        else:
            self.regex = self.quick = self.needs = None

    def find(self, text: str, lower: str | None = None, words: frozenset[str] | None = None):
        """(term, start, end) per match; `words` (Policy.words_in) lets it skip a text that
        lacks a word every phrase needs."""
        if self.regex is None or not possible(self.needs, words):
            return
        lower = text.lower() if lower is None else lower
        for match in quick_matches(self.regex, self.quick, text, lower):
            term = self.by_key.get(squash(match.group()))
            if term is not None:
                yield term, match.start(), match.end()


def _competitor_regex(names: tuple[str, ...]):
    """(regex, quick pre-filter, needs) for the competitor names."""
    alternatives = []
    spellings = []
    for name in names:
        words = name.split()
        if not words:
            continue
        # "Globex Tea", "@GlobexTea", "#globex_tea"
        alternatives.append(r"\s+".join(re.escape(w) for w in words))
        alternatives.append("_?".join(re.escape(w) for w in words))
        spellings.append(" ".join(words))
        if len(words) > 7:
            spellings.append("")  # (too many ways to join: no pre-filter)
            continue
        for glues in product(("", "_"), repeat=len(words) - 1):
            spellings.append(
                words[0] + "".join(g + w for g, w in zip(glues, words[1:], strict=True))
            )
    if not alternatives:
        return None, None, None
    alternation = "|".join(sorted(set(alternatives), key=len, reverse=True))
    regex = re.compile(rf"(?<![\w@#])[@#]?(?:{alternation})(?!\w)", re.IGNORECASE)
    return regex, _quick(alternation, names), _needs(spellings)


@dataclass(frozen=True)
class Policy:
    banned_phrases: tuple[Term, ...] = ()
    banned_claims: tuple[Term, ...] = ()
    review_keywords: tuple[Term, ...] = ()
    competitors: tuple[str, ...] = ()
    required_hashtags: tuple[str, ...] = ()  # without "#"
    required_disclaimers: tuple[Disclaimer, ...] = ()
    toxicity_review: float = 0.6
    toxicity_block: float = 0.9
    hashtag_warnings: dict[str, int | None] = field(default_factory=dict)
    allowed_contacts: tuple[str, ...] = ()  # the brand's own public email / phone
    default_region: str = "US"
    x_thread_numbering: bool = False  # end each post of an X thread with " 1/3"
    version_key: str = ""  # identifies the policy + pack versions this was built from

    def __post_init__(self):
        # Compile once per policy; frozen, so set through object.__setattr__.
        object.__setattr__(self, "banned_phrase_matcher", PhraseMatcher(self.banned_phrases))
        object.__setattr__(self, "banned_claim_matcher", PhraseMatcher(self.banned_claims))
        object.__setattr__(self, "review_matcher", PhraseMatcher(self.review_keywords))
        competitor_regex, competitor_quick, competitor_needs = _competitor_regex(self.competitors)
        object.__setattr__(self, "competitor_regex", competitor_regex)
        object.__setattr__(self, "competitor_quick", competitor_quick)
        object.__setattr__(self, "competitor_needs", competitor_needs)
        # Every run any matcher's pre-filter may ask about.
        vocab = frozenset().union(
            *(
                need
                for needs in (
                    self.banned_phrase_matcher.needs,
                    self.banned_claim_matcher.needs,
                    self.review_matcher.needs,
                    competitor_needs,
                )
                for need in (needs.all if needs else ())
            )
        )
        object.__setattr__(self, "word_vocab", vocab)
        object.__setattr__(
            self,
            "required_tag_keys",
            tuple(t.lstrip("#").casefold() for t in self.required_hashtags),
        )
        object.__setattr__(
            self, "allowed_contact_keys", frozenset(_contact_key(c) for c in self.allowed_contacts)
        )

    def words_in(self, analysed) -> frozenset[str] | None:
        """The runs of word_vocab that occur in the text (an Analysed), memoised on it; None
        when the text holds one of ASCII_ALIASES and the pre-filters cannot judge."""
        cached = analysed.__dict__.get("_policy_words")
        if cached is not None and cached[0] is self:
            return cached[1]
        text = analysed.text
        if not text.isascii() and _ALIAS_RE.search(text):
            words = None
        else:
            words = self.word_vocab.intersection(analysed.runs) or _NO_WORDS
        analysed.__dict__["_policy_words"] = (self, words)
        return words


_NO_WORDS: frozenset[str] = frozenset()


def _contact_key(value: str) -> str:
    value = value.strip().casefold()
    digits = re.sub(r"\D", "", value)
    return value if "@" in value else digits[-9:]


contact_key = _contact_key
