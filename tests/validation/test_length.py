"""X weighted length (twitter-text v3 rules) and the text_length boundary on every platform."""

import pytest

from validation.checks.platform import text_length
from validation.limits import PLATFORM_SLUGS, limits_for
from validation.policy import Policy
from validation.text.entities import Analysed
from validation.text.length import x_weighted_length
from validation.types import PostView

WEIGHTS = [
    # (text, weighted length, why)
    ("hello", 5, "ASCII weighs 1"),
    ("café crème", 10, "accented Latin (U+00E9, U+00E8) is below 4352"),
    ("cafe\u0301", 4, "NFC first: e + combining acute becomes one code point"),
    ("Ελληνικά Кириллица", 18, "Greek and Cyrillic are below 4352"),
    ("日本語", 6, "CJK weighs 2"),
    ("한국어", 6, "Hangul syllables weigh 2"),
    ("\u2010\u2013\u2014\u201c\u201d", 5, "8208-8223 punctuation weighs 1"),
    ("\u2032\u2037", 2, "8242-8247 primes weigh 1"),
    ("\u2026", 2, "the ellipsis (8230) is outside the light ranges"),
    ("\u2000\u200d", 2, "8192-8205 spaces and joiners weigh 1"),
    ("\u10ff\u1100", 3, "4351 weighs 1, 4352 weighs 2"),
    ("👍", 2, "an emoji weighs 2"),
    ("👍🏽", 2, "skin tone modifier sequence is one emoji"),
    ("👨‍👩‍👧‍👦", 2, "ZWJ family sequence is one emoji"),
    ("🇫🇷🇯🇵", 4, "two flags"),
    ("1️⃣", 2, "keycap sequence"),
    ("❤️", 2, "heart with variation selector"),
    ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", 2, "subdivision flag (tag sequence)"),
    ("https://example.com", 23, "a URL weighs 23"),
    ("https://example.com/a/very/long/path?with=query&and=more#fragment", 23, "any URL"),
    ("go to example.com now", 6 + 23 + 4, "bare domain with a generic TLD is a URL"),
    ("file.py and node.js", 19, "ccTLD-looking words without a path are not URLs"),
    ("see bbc.co.uk/news.", 4 + 23 + 1, "ccTLD with a path is a URL; trailing dot is not"),
    ("a https://x.com b https://y.org", 2 + 23 + 3 + 23, "each URL weighs 23"),
    ("mail me at a@b.com", 18, "an email address is not a URL"),
]


@pytest.mark.parametrize(("text", "expected", "why"), WEIGHTS, ids=[w[2] for w in WEIGHTS])
def test_x_weighted_length_follows_twitter_text_v3(text, expected, why):
    assert x_weighted_length(text) == expected


def _x_findings(text):
    return text_length(PostView(Analysed.of(text)), limits_for("x"), Policy())


BOUNDARIES = [
    ("ascii", "a" * 280, "a" * 281),
    ("accented", "é" * 280, "é" * 281),
    ("cjk", "字" * 140, "字" * 140 + "a"),
    ("emoji", "👍🏽" * 140, "👍🏽" * 140 + "a"),
    ("url", "x" * 256 + " https://example.com/" + "p" * 300, "x" * 257 + " https://example.com/"),
]


@pytest.mark.parametrize(("kind", "at_limit", "over"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_x_accepts_exactly_280_weighted_and_refuses_281(kind, at_limit, over):
    assert x_weighted_length(at_limit) == 280
    assert x_weighted_length(over) == 281
    assert _x_findings(at_limit) == []
    [finding] = _x_findings(over)
    assert finding.rule == "text_length" and finding.severity == "error"


@pytest.mark.parametrize("slug", [s for s in PLATFORM_SLUGS if s != "x"])
def test_other_platforms_count_code_points_with_both_sides_of_the_limit(slug):
    limits = limits_for(slug)
    at_limit = PostView(Analysed.of("日" * limits.max_length))
    over = PostView(Analysed.of("日" * (limits.max_length + 1)))
    assert text_length(at_limit, limits, Policy()) == []
    [finding] = text_length(over, limits, Policy())
    assert finding.rule == "text_length" and finding.span == (
        limits.max_length,
        limits.max_length + 1,
    )
