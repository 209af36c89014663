"""The fast paths (token-wise scans, quick pre-filters, memos, our own term counts) give
exactly what one plain scan of the whole text gives."""

import random
import re
from pathlib import Path

import phonenumbers
import pytest
import regex as uregex
from profanity_check import profanity_check as shipped

from validation.checks import brand as brand_checks
from validation.checks import language
from validation.checks import pii as pii_checks
from validation.checks.brand import competitor_mention
from validation.checks.language import offensive_words
from validation.checks.pii import _REFERENCE_WORDS, _cannot_hold_a_valid_number, _is_reference
from validation.policy import ASCII_ALIASES, Policy, Term, squash
from validation.text import entities, hinted, length, wordlist
from validation.text.entities import Analysed, find_urls
from validation.text.length import EMOJI_RE
from validation.toxicity import BATCH_THRESHOLD, toxicity_scores
from validation.types import PostView

DATA = Path(__file__).parent / "data"
PIECES = [
    "fuck", "f*ck", "sh1t", "$h!t", "fuuuck", "f.u.c.k", "s h i t", "Scunthorpe", "twatt",
    "Twatt", "assassin", "http://x.io", "www.acme.example", "acme.com", "file.py", "node.js",
    "a.co.uk/x", "example.com:8080/p?q=1)", "(https://en.wikipedia.org/wiki/Foo_(bar))", "#tag",
    "#1", "&#39;", "@user", "x@y", "a.@b", "@Globex_Tea", "#globex_tea", "Globex   Tea",
    "LIMITED  edition", "ſale", "İnvest", "risk-free", "f4ggot", "b-i-t-c-h", "a$$hole",
    "ＦＵＣＫ", "＃tag", "＠name", "ｆｕｃｋ", "Ⓕuck", "\u00a0", "\u2003", "\n", "café", "e\u0301",
    "👍🏽", "中文", "order #4111111111111111", "Order no. 12345678", "ORDER", "ſerial 1234567",
    "5|*7", "$1**++s", "(5||*7)", "ſhit", "\u212aike", "£12.34", "12/03/2025!", "#123456789",
]  # fmt: skip
ALPHABET = list("abcfhiklstuz015$@#*.!|+-_/:() \u00a0\t") + ["é", "ſ", "K", "İ", "ı", "＃", "＠"]


def _corpus(n=1500, seed=7):
    rng = random.Random(seed)
    texts = [
        line
        for name in ("innocent_handwritten.txt", "innocent_generated.txt")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]
    for _ in range(n):
        parts = [
            rng.choice(PIECES)
            if rng.random() < 0.5
            else "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8)))
            for _ in range(rng.randint(1, 16))
        ]
        texts.append(rng.choice(["", " ", "  ", "\t"]).join(parts))
    return texts


CORPUS = _corpus()


def _whole_text_offensive(text):
    """The word list as one scan of the whole text (the original implementation)."""
    hits = []
    for regex, slur in ((wordlist.SLUR_RE, True), (wordlist.PROFANE_RE, False)):
        hits += [
            (slur, m.start(), m.end(), m.group())
            for m in regex.finditer(text)
            if m.group().lower() not in wordlist.ALLOWED
        ]
    for m in wordlist.SPACED_RE.finditer(text):
        joined = m.group().replace(m.group("sep"), "")
        for regex, slur in ((wordlist.SLUR_RE, True), (wordlist.PROFANE_RE, False)):
            if regex.fullmatch(joined):
                hits.append((slur, m.start(), m.end(), m.group()))
                break
    return sorted(hits, key=lambda h: h[1])


def test_the_word_list_found_token_by_token_equals_one_scan_of_the_text():
    entities.forget_tokens()
    for _ in range(2):  # cold, then served from the memo
        for text in CORPUS:
            assert offensive_words(text) == _whole_text_offensive(text), text


@pytest.mark.parametrize(
    "token, shape",
    [
        ("a", "s"), ("é", "s"), ("_", "s"), ("-", "-"), ("ab", "b"), ("(a", "f"), ("x(a", "e"),
        ("-a", "-"), (".a", "-"), ("*a", "-"), ("a.b.c", "i"), ("a-b-c", "i"), ("xa.b.c", "b"),
        ("a.b-c", "b"), ("ab-c", "b"), (")", "-"),
    ],
)  # fmt: skip
def test_token_shapes(token, shape):
    assert wordlist.token_shape(token) == shape


def test_token_shapes_skip_the_spaced_out_scan_only_where_it_finds_nothing():
    extra = ["xs h i t", "s h i t", ".f.u.c.k", "-a-b-c", "ab c d e", "(s h i t)", "a b c.d.e"]
    extra += [
        "s\u00a0h\u00a0i",
        "x. a b c",
        "-a b c",
        "*a b c",
        "a b c*",
        "_ _ _",
        "é è ê",
        "1 2 3",
    ]
    extra += ["a.b", "a.b.c", "xa.b.c", "(a.b.c)", "a b\tc d", "a  b c d", "a b c\nd e f"]
    entities.forget_tokens()
    for text in CORPUS + extra:
        plain = [m.span() for m in wordlist.SPACED_RE.finditer(text)]
        assert [m.span() for m in language.spaced_out(text)] == plain, text


def test_urls_found_token_by_token_equal_one_scan_of_the_text():
    entities.forget_tokens()
    for _ in range(2):  # cold, then served from the memo
        for text in CORPUS:
            assert find_urls(text) == entities._scan_urls(text), text


# Final sigma: str.lower() looks at the letters around a capital sigma, never across spaces.
GREEK = ["ΟΔΟΣ ΟΔΟΣ. ΣΑΣ", "ΣΣ Σ ΑΣ' ΑΣ̈Α", "AΣ\u00adB Σ.Σ ΑΣ\tΣΑ", "İSTANBUL ΌΣΟΣ"]


def test_word_runs_found_token_by_token_equal_one_scan_of_the_lower_cased_text():
    entities.forget_tokens()
    for _ in range(2):
        for text in CORPUS + GREEK:
            assert list(Analysed(text).runs) == entities.RUN_RE.findall(text.lower()), text


def test_hashtags_and_mentions_equal_the_look_behind_patterns():
    for text in CORPUS:
        analysed = Analysed(text)
        urls = analysed.urls
        outside = [
            m for m in entities.HASHTAG_RE.finditer(text) if entities._outside(urls, m.start())
        ]
        assert [(e.start, e.end) for e in analysed.hashtags] == [m.span() for m in outside]
        outside = [
            m for m in entities.MENTION_RE.finditer(text) if entities._outside(urls, m.start())
        ]
        assert [(e.start, e.end) for e in analysed.mentions] == [m.span() for m in outside]


def test_token_offsets_are_where_the_tokens_are():
    for text in CORPUS:
        words, starts = entities.tokens_of(text)
        assert [(starts[i], w) for i, w in enumerate(words)] == [
            (m.start(), m.group()) for m in re.finditer(r"\S+", text)
        ]


def test_ascii_aliases_are_every_non_ascii_character_ignorecase_matches_to_ascii():
    everything = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    found = re.compile("[a-z]", re.IGNORECASE).findall(everything)
    assert sorted(found) == sorted(ASCII_ALIASES)


def test_lower_keeps_word_characters_apart_from_the_rest_over_all_of_unicode():
    """What the policy's word pre-filter relies on (validation.policy.RUN_RE)."""
    word = re.compile(r"\w")
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        lowered = ch.lower()
        if word.match(ch):
            assert ch in ASCII_ALIASES or re.fullmatch(r"\w", lowered), hex(code)
        else:
            assert not word.search(lowered), hex(code)


def test_only_one_character_changes_length_under_lower_and_it_is_an_ascii_alias():
    """What the hinted policy matchers rely on: a quick match's offset in text.lower() is the
    same offset in the text when the text holds no ASCII_ALIASES."""
    longer = [chr(c) for c in range(0x110000) if len(chr(c).lower()) != 1]
    assert longer == ["\u0130"] and "\u0130" in ASCII_ALIASES


def test_is_word_is_what_backslash_w_matches_over_all_of_unicode():
    """What the look-behinds checked in Python (hashtags, mentions, token shapes) rely on."""
    word = re.compile(r"\w")
    for code in range(0x110000):
        ch = chr(code)
        assert wordlist.is_word(ch) == bool(word.match(ch)), hex(code)


def test_case_folding_never_makes_or_removes_whitespace_over_all_of_unicode():
    """What Analysed.squashed relies on to fold the text after splitting it."""
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        folded = ch.casefold()
        if ch.isspace():
            assert folded == ch, hex(code)
        else:
            assert not any(c.isspace() for c in folded), hex(code)


def test_squashed_text_equals_squash():
    for text in CORPUS + GREEK + ["Straße  ẞ\u00a0ﬁ İ", " Ad. ", "ad!  "]:
        assert Analysed(text).squashed == squash(text), text


PHRASE_SETS = [
    ("limited edition", "risk-free", "sale", "invest", "APR", "no"),
    ("can't lose", "18+", "get rich quick", "T&Cs apply", "a"),  # "a", "18+": no runs to need
    ("Kelvin", "straße"),  # non-ASCII phrase: no quick pre-filter
]
TRICKY = ["ſale now", "İnvest", "kelvin Kelvin", "STRASSE straße", "CAN'T  LOSE", "get\nrich quick"]


@pytest.mark.parametrize("phrases", PHRASE_SETS)
def test_phrase_matcher_pre_filters_find_what_the_full_pattern_finds(phrases):
    policy = Policy(banned_phrases=tuple(Term(p) for p in phrases))
    matcher = policy.banned_phrase_matcher
    for text in CORPUS + TRICKY:
        expected = [
            (matcher.by_key[squash(m.group())], m.start(), m.end())
            for m in matcher.regex.finditer(text)
            if squash(m.group()) in matcher.by_key
        ]
        assert list(matcher.find(text)) == expected, text
        words = policy.words_in(Analysed(text))
        assert list(matcher.find(text, None, words)) == expected, text


@pytest.mark.parametrize(
    "names", [("Globex Tea", "Initech", "Acme Big Coffee Co"), ("Müller Kaffee", "AT&T Mobile")]
)
def test_competitor_pre_filters_find_what_the_full_pattern_finds(names):
    policy = Policy(competitors=names)
    extra = ["@GlobexTea #globex_tea Globex\tTEA", "acme_big_coffeeco AcmeBig_Coffee_Co", "ſ"]
    for text in CORPUS + TRICKY + extra + [f"x {n} y #{n.replace(' ', '_')}" for n in names]:
        expected = [m.span() for m in policy.competitor_regex.finditer(text)]
        found = competitor_mention(PostView(Analysed(text)), policy)
        assert [f.span for f in found] == expected, text


def test_disclaimer_presence_equals_one_search_of_the_squashed_text():
    extra = ["bread ad", "read. ad!", "#ad", "adad ad", "ad", "(ad)", "capital at risk? yes"]
    for disclaimer in ("Ad.", "#ad", "Capital at risk.", "18+", "a"):
        pattern = brand_checks._disclaimer_pattern(disclaimer)
        for text in CORPUS + extra:
            squashed = squash(text)
            expected = pattern.search(squashed) is not None
            assert brand_checks.disclaimer_present(disclaimer, squashed) == expected, text


def test_reference_look_back_equals_the_plain_search():
    for text in CORPUS:
        for start in range(0, len(text) + 1, 3):
            window = text[max(0, start - 24) : start]
            assert _is_reference(text, start) == bool(_REFERENCE_WORDS.search(window))


def test_batch_toxicity_scores_are_the_vectorizers_own():
    texts = CORPUS[:300] + ["you are a fucking idiot", "THE the And 12 ab", "straße İstanbul"]
    texts += GREEK
    assert len(texts) >= BATCH_THRESHOLD
    probabilities = shipped.model.predict_proba(shipped.vectorizer.transform(texts))[:, 1]
    entities.forget_tokens()
    for _ in range(2):  # cold, then from the token memo; from strings and from Analysed
        assert toxicity_scores(texts) == [min(float(p), 1.0) for p in probabilities]
        analysed = [Analysed.of(t) for t in texts]
        assert toxicity_scores(analysed) == toxicity_scores([a.text for a in analysed])


def test_a_batch_with_mixed_media_gives_each_post_its_own_media_findings(brand, owner):
    from validation.services import (
        MediaSpec,
        PostInput,
        policy_update,
        validate_post,
        validate_posts,
    )

    policy_update(brand=brand, actor=owner, competitors=["Globex Tea"], banned_phrases=["no way"])
    platforms = ["instagram", "facebook", "linkedin", "x", "google_business"]
    wide = MediaSpec("image", "image/jpeg", 3000, 1000, 900_000)
    video = MediaSpec("video", "video/mp4", 1080, 1920, 5_000_000, 400.0)
    jpeg = MediaSpec("image", "image/jpeg", 1080, 1350, 900_000)
    shapes = [(), (jpeg,), (wide,), (video,), (jpeg, video), (jpeg,), ()]
    texts = [f"{t} #AcmeCoffee @Globex_Tea f.u.c.k" for t in CORPUS[:14]]
    posts = [PostInput(t, platforms, shapes[i % len(shapes)]) for i, t in enumerate(texts)]
    batch = validate_posts(brand=brand, posts=posts)
    for post, report in zip(posts, batch, strict=True):
        alone = validate_post(brand=brand, text=post.text, platforms=platforms, media=post.media)
        assert report.as_dict() == alone.as_dict()
    assert {f.rule for r in batch for f in r.findings} >= {
        "aspect_ratio", "media_count", "media_type", "video_duration", "profanity",
        "competitor_mention",
    }  # fmt: skip


def _phone_windows(rng, n):
    """Digit groups as candidate windows: separators, brackets, national and international
    prefixes, plus signs and non-ASCII digits, with the context characters pii() keeps."""
    windows = []
    prefixes = ["0", "00", "011", "1", "44", "0044", "001", "810", "8", "010", "0011", "3"]
    for _ in range(n):
        groups = [
            "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6)))
            for _ in range(rng.randint(1, 5))
        ]
        if rng.random() < 0.3:
            groups[0] = rng.choice(prefixes) + groups[0]
        body = rng.choice([" ", "-", ".", "/", "", " - ", ") ", "("]).join(groups)
        if rng.random() < 0.2:
            body = "(" + body
        if rng.random() < 0.1:
            body = "+" + body
        if rng.random() < 0.05:
            body = body.replace("1", "\u0661")  # ARABIC-INDIC DIGIT ONE
        windows.append(
            rng.choice([" ", "", "(", "#", "£"]) + body + rng.choice([" ", "", ".", ")"])
        )
    return windows


def test_the_phone_pre_check_only_rules_out_windows_the_matcher_finds_nothing_in():
    regions = ["US", "CA", "GB", "DE", "FR", "IN", "AU", "CN", "IT", "NL", "IE", "RU", "MX"]
    windows = _phone_windows(random.Random(11), 150)
    windows += [" 20200226-9 ", " 12/03/2025!", " 2026-01-31 ", " 310-1234 ", " 555-0123 "]
    for region in regions + ["JP", "SM", "AR"]:  # (the last three rewrite national numbers)
        for kind in phonenumbers.PhoneNumberType.values():  # (every number type's example)
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            windows += [f" {national} ", f" {phonenumbers.national_significant_number(example)} "]
    ruled_out = {}
    for region in regions + ["JP", "SM", "AR"]:
        for window in windows:
            if _cannot_hold_a_valid_number(window, region):
                ruled_out[region] = ruled_out.get(region, 0) + 1
                found = phonenumbers.PhoneNumberMatcher(
                    window, region, leniency=phonenumbers.Leniency.VALID
                )
                assert list(found) == [], (region, window)
    assert ruled_out["US"] > 50 and not ruled_out.get("SM") and not ruled_out.get("AR")
    # The bench's costly non-phones (the last one fits the US general pattern, not a type's).
    for window in (" 20200226-9 ", " 12/03/2025!", " 23/03/2024."):
        assert _cannot_hold_a_valid_number(window, "US")


def _scanned_weight(segment):
    """X weight of a URL-free segment by one emoji scan of all of it (the original)."""
    weight, rest, pos = 0, [], 0
    for match in EMOJI_RE.finditer(segment):
        rest.append(segment[pos : match.start()])
        weight += 2
        pos = match.end()
    rest.append(segment[pos:])
    joined = "".join(rest)
    return weight + len(joined) + len(length._HEAVY.findall(joined))


def test_every_emoji_has_a_heavy_code_point_first_or_second():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for prop in (r"\p{Emoji_Presentation}", r"\p{RI}", r"\p{EMod}"):
        light = [c for c in uregex.findall(prop, everything) if not length._HEAVY.match(c)]
        assert light == [], prop
    assert all(length._HEAVY.match(c) for c in "\ufe0f\u20e3\U0001f3f4")


def test_x_weight_skips_to_the_first_heavy_code_point_exactly():
    rng = random.Random(5)
    pieces = [
        "a",
        "é",
        "©",
        "©\ufe0f",
        "1\ufe0f\u20e3",
        "#\u20e3",
        "👍🏽",
        "🇬🇧",
        "中",
        "\u2026",
        " ",
    ]
    pieces += [
        "👩\u200d🍳",
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        # Fragments, so sequences break and run into each other.
        "🇬", "\u200d", "\ufe0f", "\u20e3", "\U0001f3fd", "\U000e0067", "\U0001f3f4", "0",
    ]  # fmt: skip
    for _ in range(3000):
        segment = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert length._plain_weight(segment) == _scanned_weight(segment), segment


PII_PIECES = [
    "+44 (20) 7946 0958", "(415) 555-0133", "+(1)2345678", "A+1234567", "x(1234567)", "1.2345678",
    "123-45-6789", "123 45 6789", "123-45 6789", "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "AA1234567890123", "1Z999AA10123456784", "20200226-9", "12/03/2025", "4111 1111 1111 1111",
    "jo.doe@example.org", "@acme_help", "a@b.co", "x@@y.com", "@GlobexTea.", "me@localhost",
    # What the look-aheads must see past a digit run's end.
    "123-45-6789-x", "123 45 6789_", "555 0123 4567,8", "(415) 555-0133,9", "1234567.x",
]  # fmt: skip


def test_hinted_pii_scans_equal_the_plain_scans():
    rng = random.Random(13)
    texts = list(CORPUS)
    for _ in range(1500):
        parts = [rng.choice(PII_PIECES + PIECES) for _ in range(rng.randint(1, 8))]
        texts.append(rng.choice(["", " ", "-", "/", ".", ",", ", "]).join(parts))
    for text in texts:
        plain = [m.span() for m in pii_checks.IBAN_RE.finditer(text)]
        found = hinted.finditer(pii_checks.IBAN_RE, pii_checks._IBAN_HINT, text)
        assert [m.span() for m in found] == plain, text
        runs = pii_checks.digit_runs(text)
        for scan in (pii_checks.SSN_SCAN, pii_checks.DIGITS_SCAN):  # (as pii() runs them)
            plain = [m.span() for m in scan.pattern.finditer(text)]
            found = [m.span() for m in pii_checks.in_runs(scan, text, runs)]
            assert found == plain, (scan.pattern.pattern, text)
        emails = [f.span for f in pii_checks.pii(PostView(Analysed(text)), Policy())]
        plain = [m.span() for m in pii_checks.EMAIL_RE.finditer(text)]
        assert [s for s in emails if s in plain] == plain, text


def test_lazy_token_starts_equal_the_full_scan_in_any_order_of_access():
    rng = random.Random(11)
    pieces = ["a", "aa", "ab", "b", "a.com", "www.a.com", "#a", "é", "🙂", "x", "aa."]
    for _ in range(2000):
        text = "".join(rng.choice(pieces + [" ", "  ", "\n"]) for _ in range(rng.randint(1, 30)))
        words = text.split()
        expected = entities.token_starts(text, words)
        lazy = entities._LazyStarts(text, words)
        order = list(range(len(words)))
        rng.shuffle(order)
        assert [lazy[i] for i in order] == [expected[i] for i in order], text
