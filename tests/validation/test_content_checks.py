"""PII, offensive language and brand policy checks, with false-positive corpora."""

from pathlib import Path

import pytest
from profanity_check import predict_prob

from validation.checks import brand as brand_checks
from validation.checks.language import offensive_words, profanity, toxicity
from validation.checks.pii import card_issuer, iban_valid, luhn_ok, pii, ssn_valid
from validation.policy import Disclaimer, Policy, Term
from validation.text.entities import Analysed
from validation.toxicity import BATCH_THRESHOLD, toxicity_scores
from validation.types import PostView

DATA = Path(__file__).parent / "data"


def corpus(*names):
    return [
        line.strip()
        for name in names
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


INNOCENT = corpus("innocent_handwritten.txt", "innocent_generated.txt")


def view(text):
    return PostView(Analysed.of(text))


def test_the_innocent_corpus_is_big_enough():
    assert len(INNOCENT) >= 200


def test_no_pii_is_found_in_innocent_sentences():
    flagged = {s: [f.rule.value for f in pii(view(s), Policy())] for s in INNOCENT}
    assert {s: r for s, r in flagged.items() if r} == {}


def test_no_offensive_word_is_found_in_innocent_sentences():
    assert {s: offensive_words(s) for s in INNOCENT if offensive_words(s)} == {}


def test_no_innocent_sentence_reaches_the_default_review_threshold():
    scores = toxicity_scores(INNOCENT)
    assert max(scores) < Policy().toxicity_review


PII_POSITIVES = [
    ("Write to jane.doe+news@example.co.uk today", "pii_email", "jane.doe+news@example.co.uk"),
    ("Call (202) 555-0182 now", "pii_phone", "(202) 555-0182"),
    ("International: +44 20 7946 0958.", "pii_phone", "+44 20 7946 0958"),
    ("Tel +33 1 42 68 53 00", "pii_phone", "+33 1 42 68 53 00"),
    ("SSN 123-45-6789 on file", "pii_ssn", "123-45-6789"),
    ("Pay with 4111 1111 1111 1111 please", "pii_card", "4111 1111 1111 1111"),
    ("Amex 3782-822463-10005 here", "pii_card", "3782-822463-10005"),
    ("card 5555555555554444", "pii_card", "5555555555554444"),
    ("IBAN GB82 WEST 1234 5698 7654 32 for donations", "pii_iban", "GB82 WEST 1234 5698 7654 32"),
    ("IBAN DE89370400440532013000", "pii_iban", "DE89370400440532013000"),
]


@pytest.mark.parametrize(("text", "rule", "matched"), PII_POSITIVES)
def test_pii_is_found_with_its_span(text, rule, matched):
    found = pii(view(text), Policy())
    assert [f.rule.value for f in found] == [rule]
    start, end = found[0].span
    assert text[start:end] == matched


PII_NEGATIVES = [
    "SSN-like 000-12-3456 has area 000",
    "666-12-3456 has area 666",
    "912-34-5678 has area 9xx",
    "123-00-4567 has group 00",
    "123-45-0000 has serial 0000",
    "4111 1111 1111 1112 fails Luhn",
    "1234 5678 9012 3452 passes Luhn but no issuer starts with 1",
    "4111-1111 1111-1111 mixes separators",
    "GB82 WEST 1234 5698 7654 33 fails mod-97",
    "XX82 WEST 1234 5698 7654 32 is no country",
    "Order 2025551234 shipped",
]


@pytest.mark.parametrize("text", PII_NEGATIVES)
def test_near_misses_are_not_pii(text):
    assert pii(view(text), Policy()) == []


def test_national_phone_numbers_use_the_brand_region():
    text = "Appelez le 01 42 68 53 00"
    assert pii(view(text), Policy(default_region="US")) == []
    assert [f.rule.value for f in pii(view(text), Policy(default_region="FR"))] == ["pii_phone"]


def test_the_brands_own_contacts_are_allowed():
    policy = Policy(allowed_contacts=("hello@acme.example", "+1 202-555-0182"))
    assert pii(view("Mail hello@acme.example or call (202) 555-0182"), policy) == []


def test_validators_by_themselves():
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    assert card_issuer("4111111111111111") == "Visa"
    assert card_issuer("2221000000000009") == "Mastercard"
    assert card_issuer("1111111111111111") is None
    assert ssn_valid("123", "45", "6789") and not ssn_valid("900", "45", "6789")
    assert iban_valid("NL91 ABNA 0417 1643 00") and not iban_valid("NL91 ABNA 0417 1643 01")


OBFUSCATED = [
    "what the fuck",
    "FUCK",
    "fuuuuuck this",
    "f.u.c.k off",
    "f u c k",
    "s-h-i-t",
    "5h1t happens",
    "$h!t",
    "sh*t",
    "f*ck",
    "a$$hole",
    "bullsh1t",
    "you b1tch",
    "fucking great",
]


@pytest.mark.parametrize("text", OBFUSCATED)
def test_obfuscated_profanity_needs_review(text):
    found = profanity(view(text), Policy())
    assert [(f.rule.value, f.severity.value) for f in found] == [("profanity", "review")]


def test_slurs_are_errors():
    [finding] = profanity(view("you f4ggot"), Policy())
    assert finding.severity == "error" and finding.span == (4, 10)


SCUNTHORPE = [
    "Scunthorpe", "Essex", "Middlesex", "Penistone", "cocktail", "Dickens", "assassin",
    "class", "shiitake", "Matsushita", "therapist", "bass", "Cockburn", "Clitheroe",
    "Twatt", "Shitterton", "Bitchfield", "spick and span", "fire retardant", "s hit",
    "I like t h i s",
]  # fmt: skip


@pytest.mark.parametrize("text", SCUNTHORPE)
def test_words_containing_bad_substrings_are_not_profanity(text):
    assert profanity(view(text), Policy()) == []


def test_compiled_scores_equal_the_packages_predict_prob():
    texts = INNOCENT[:40] + ["you are a fucking idiot", "I hate you, you stupid moron", ""]
    expected = list(predict_prob(texts))
    small = [toxicity_scores([t])[0] for t in texts]
    batched = toxicity_scores((texts * BATCH_THRESHOLD)[: max(BATCH_THRESHOLD, len(texts))])
    assert small == pytest.approx(expected, abs=1e-9)
    assert batched[: len(texts)] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("score", "severity"), [(0.59, None), (0.6, "review"), (0.89, "review"), (0.9, "error")]
)
def test_toxicity_thresholds_are_inclusive(score, severity):
    found = toxicity(score, Policy(toxicity_review=0.6, toxicity_block=0.9))
    assert [f.severity.value for f in found] == ([severity] if severity else [])


def test_a_plainly_hostile_sentence_is_blocked_by_default():
    [score] = toxicity_scores(["you are a worthless fucking idiot"])
    assert [f.severity.value for f in toxicity(score, Policy())] == ["error"]


POLICY = Policy(
    banned_phrases=(Term("lowest price ever"),),
    competitors=("Globex Tea", "Initech"),
    required_hashtags=("AcmeCoffee",),
    required_disclaimers=(
        Disclaimer("Ad."),
        Disclaimer("Capital at risk.", "Finance pack v1", ("invest",)),
    ),
    review_keywords=(Term("limited edition"),),
    banned_claims=(Term("risk-free", "Finance pack v1"),),
)


def run_all(text):
    found = []
    for check in brand_checks.BRAND_CHECKS:
        found += check(view(text), POLICY)
    return sorted((f.rule.value, f.severity.value) for f in found)


BRAND_CASES = [
    ("Ad. #AcmeCoffee Fresh beans.", []),
    ("Ad. #acmecoffee", []),  # hashtags compare case-insensitively
    ("Fresh beans. Ad.", [("missing_hashtag", "error")]),
    ("Fresh beans #AcmeCoffee", [("missing_disclaimer", "error")]),
    ("ad #AcmeCoffee", []),  # disclaimer: case and final dot don't matter
    ("Ad. #AcmeCoffee The LOWEST  price ever!", [("banned_phrase", "error")]),
    ("Ad. #AcmeCoffee lowest prices everywhere", []),  # whole words only
    ("Ad. #AcmeCoffee Better than Globex Tea.", [("competitor_mention", "review")]),
    ("Ad. #AcmeCoffee cc @GlobexTea", [("competitor_mention", "review")]),
    ("Ad. #AcmeCoffee #globex_tea", [("competitor_mention", "review")]),
    ("Ad. #AcmeCoffee @initech_support", []),  # a different handle
    ("Ad. #AcmeCoffee Initechnology", []),
    ("Ad. #AcmeCoffee limited edition", [("review_keyword", "review")]),
    (
        "Ad. #AcmeCoffee invest risk-free",
        [("banned_claim", "error"), ("missing_disclaimer", "error")],
    ),
    ("Ad. #AcmeCoffee invest now. Capital at risk.", []),
    # a disclaimer must stand as words of its own, not inside another word
    ("Fresh bread #AcmeCoffee", [("missing_disclaimer", "error")]),
    ("#AcmeCoffee Fresh beans #ad", []),
    ("#AcmeCoffee (Ad) fresh beans", []),
]


@pytest.mark.parametrize(("text", "expected"), BRAND_CASES)
def test_brand_policy_checks(text, expected):
    assert run_all(text) == sorted(expected)
