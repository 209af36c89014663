"""Personal data in post text: emails, phone numbers, US SSNs, payment cards, IBANs.

Each detector finds candidates with a cheap regex and then proves them (phonenumbers
validity, SSN ranges, Luhn + issuer prefix, IBAN length + mod-97) so order numbers, dates,
prices, versions and tracking codes stay quiet. A number introduced by a word like "order" or
"tracking" is treated as a reference, never as personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

from validation.findings import Finding, Rule, Severity
from validation.policy import Policy, contact_key, quick_start
from validation.text import hinted
from validation.types import PostView

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+"
    r"[A-Za-z]{2,24}(?![\w-])"
)
# Digit groups with optional separators; at least 7 digits for a phone, 13 for a card.
_DIGITS_RE = re.compile(r"(?<![\w.,/-])\+?\(?\d[\d\s().\-/]{5,}\d(?![\w]|[.,]\d)")
SSN_RE = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
IBAN_RE = re.compile(r"(?<![\w])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30})(?![\w])")
_REFERENCE_WORDS = re.compile(
    r"(?:order|invoice|ref|reference|tracking|track|parcel|shipment|sku|item|ticket|case|"
    r"serial|model|part|version|ver|build|isbn|no|nr|number|id|#)"
    r"(?:\W{1,3}(?:number|no|nr|id|code|is|was|ref))*\W{0,3}$",
    re.IGNORECASE,
)

# Cheap necessary conditions, run before the patterns above: each is a part every match must
# contain and starts with a character set, so `re` skips through the text in C instead of
# trying a look-behind at every position.
_ANY_DIGIT = re.compile(r"\d")
_IBAN_HINT = re.compile(r"[A-Z][A-Z]\d\d")
_DIGITS_HINT = re.compile(r"\d[\d\s().\-/]{5,}\d")
# Every address has an "@" followed by the first label of its domain and a dot.
_EMAIL_HINT = re.compile(r"@[A-Za-z0-9][A-Za-z0-9-]{0,62}\.")
_NOT_DECIMAL = re.compile(r"\D")
# Phone matches per (candidate window, region): phonenumbers is pure but slow (~30-60 µs a
# call), and dates, times and order-like numbers recur across a brand's posts.
_PHONE_MEMO: dict[tuple[str, str], tuple[tuple[str, int, int], ...]] = {}
_MEMO_MAX = 50_000

# ISO 13616 lengths for the countries we expect; an unknown country is not an IBAN.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21,
    "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27,
    "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "TR": 26,
}  # fmt: skip


# The reference words without IGNORECASE, for quick_start's pre-filter (~5x faster).
_REFERENCE_QUICK = re.compile(
    _REFERENCE_WORDS.pattern[: _REFERENCE_WORDS.pattern.index(")") + 1].lower()
)


def _is_reference(text: str, start: int) -> bool:
    window = text[max(0, start - 24) : start]
    first = quick_start(_REFERENCE_QUICK, window, window.lower())
    return first is not None and bool(_REFERENCE_WORDS.search(window, first))


def _allowed(policy: Policy, value: str) -> bool:
    return contact_key(value) in policy.allowed_contact_keys


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_issuer(digits: str) -> str | None:
    """The card network whose prefix and length match, or None."""
    n = len(digits)
    p2, p3, p4, p6 = int(digits[:2]), int(digits[:3]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4" and n in (13, 16, 19):
        return "Visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "Mastercard"
    if p2 in (34, 37) and n == 15:
        return "American Express"
    if (p4 == 6011 or p2 == 65 or 644 <= p3 <= 649 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "Discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "JCB"
    if (300 <= p3 <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "Diners Club"
    if p2 == 62 and 16 <= n <= 19:
        return "UnionPay"
    return None


def _card_grouping_ok(raw: str) -> bool:
    """Cards are written solid or in groups split by one kind of separator."""
    seps = {c for c in raw if not c.isdigit()}
    return not seps or (len(seps) == 1 and seps <= {" ", "-"})


def ssn_valid(area: str, group: str, serial: str) -> bool:
    a = int(area)
    return a != 0 and a != 666 and a < 900 and group != "00" and serial != "0000"


def iban_valid(candidate: str) -> bool:
    iban = candidate.replace(" ", "")
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def digit_runs(text: str) -> list[tuple[int, int]]:
    """The spans of _DIGITS_HINT's matches: runs of digits and separators from a digit to a
    digit, 7 characters or more, each up to the last digit before a character that is not
    a digit, whitespace or one of "().-/". Every SSN, and every digit group _DIGITS_RE
    finds (less its "+(" prefix), is such a run or lies inside one (both are made of those
    characters and start and end with a digit), so one scan serves both patterns."""
    return [m.span() for m in _DIGITS_HINT.finditer(text)]


class RunScan(NamedTuple):
    """How pii() searches a pattern around the digit runs (see in_runs)."""

    pattern: re.Pattern
    shortest: int  # runs shorter than this cannot hold a match
    before: int  # characters a match may start before its run ("+(")
    after: int  # characters its look-ahead reads past its end


SSN_SCAN = RunScan(SSN_RE, 11, 0, 1)  # "123-45-6789": 11 characters
DIGITS_SCAN = RunScan(_DIGITS_RE, 7, 2, 2)


def in_runs(scan: RunScan, text: str, runs: list[tuple[int, int]]) -> Iterator[re.Match]:
    """scan.pattern.finditer(text), searched only around the digit runs long enough to hold a
    match. (A search from `pos` still lets the look-behind see what lies before, and a
    window reaching back `before` characters finds no match there: the previous run ends at
    its last digit, and a character outside the runs' set follows it.
    tests/validation/test_fast_paths.py compares with plain scans.)"""
    pattern, shortest, before, after = scan
    for lo, hi in runs:
        if hi - lo >= shortest:
            yield from pattern.finditer(text, max(0, lo - before), hi + after)


def _finding(rule: Rule, severity: Severity, message: str, tip: str, start: int, end: int):
    return Finding(rule, severity, "text", message, tip, (start, end))


def pii(post: PostView, policy: Policy) -> list[Finding]:
    text = post.text.text
    found: list[Finding] = []
    at = _EMAIL_HINT.search(text) if "@" in text else None
    if at is not None:
        # An address starts at most 64 characters before its "@": skip what lies before.
        for m in EMAIL_RE.finditer(text, max(0, at.start() - 64)):
            if not _allowed(policy, m.group()):
                found.append(
                    _finding(
                        Rule.PII_EMAIL,
                        Severity.REVIEW,
                        "The text contains an email address.",
                        "Remove it, or add it to the brand's allowed contacts if it is public.",
                        m.start(),
                        m.end(),
                    )
                )
    # (Every pattern below needs a decimal digit, which is what `\d` and this test see.)
    if _ANY_DIGIT.search(text) is None:
        return found
    taken: list[tuple[int, int]] = []
    # The SSN and digit-group patterns are searched only around the digit runs, the IBAN
    # pattern only where its hint matched (a match contains its hint from its own start).
    runs = digit_runs(text)
    for m in in_runs(SSN_SCAN, text, runs):
        if ssn_valid(m.group(1), m.group(3), m.group(4)) and not _is_reference(text, m.start()):
            taken.append(m.span())
            found.append(
                _finding(
                    Rule.PII_SSN,
                    Severity.ERROR,
                    "The text contains what looks like a US Social Security number.",
                    "Remove it.",
                    *m.span(),
                )
            )
    for m in hinted.finditer(IBAN_RE, _IBAN_HINT, text):
        if iban_valid(m.group(1)):
            taken.append(m.span())
            found.append(
                _finding(
                    Rule.PII_IBAN,
                    Severity.REVIEW,
                    "The text contains a bank account number (IBAN).",
                    "Remove it unless it is the brand's public donation account.",
                    *m.span(),
                )
            )
    for m in in_runs(DIGITS_SCAN, text, runs):
        start, end = m.span()
        if (taken and any(s <= start < e for s, e in taken)) or _is_reference(text, start):
            continue
        raw = m.group()
        digits = _NOT_DECIMAL.sub("", raw)  # (a candidate's only digits are decimal ones)
        if 13 <= len(digits) <= 19 and _card_grouping_ok(raw.strip()):
            issuer = card_issuer(digits)
            if issuer and luhn_ok(digits):
                found.append(
                    _finding(
                        Rule.PII_CARD,
                        Severity.ERROR,
                        f"The text contains a {issuer} card number.",
                        "Remove it.",
                        start,
                        end,
                    )
                )
                continue
        if 7 <= len(digits) <= 15:
            found.extend(_phones(text, start, end, policy))
    return found


def _phones(text: str, start: int, end: int, policy: Policy) -> list[Finding]:
    # Run the (slow, thorough) matcher only on the candidate window, with a little context so
    # it can see a leading "+" or bracket.
    lo = max(0, start - 1)
    window = text[lo : end + 1]
    out = []
    for raw, m_start, m_end in _phone_matches(window, policy.default_region):
        if _allowed(policy, raw):
            continue
        out.append(
            _finding(
                Rule.PII_PHONE,
                Severity.REVIEW,
                "The text contains a phone number.",
                "Remove it, or add it to the brand's allowed contacts if it is public.",
                lo + m_start,
                lo + m_end,
            )
        )
    return out


def _phone_matches(window: str, region: str) -> tuple[tuple[str, int, int], ...]:
    key = (window, region)
    found = _PHONE_MEMO.get(key)
    if found is None:
        if len(_PHONE_MEMO) >= _MEMO_MAX:
            _PHONE_MEMO.clear()
        if _cannot_hold_a_valid_number(window, region):
            found = _PHONE_MEMO[key] = ()
        else:
            matcher = phonenumbers.PhoneNumberMatcher(
                window, region, leniency=phonenumbers.Leniency.VALID
            )
            found = _PHONE_MEMO[key] = tuple((m.raw_string, m.start, m.end) for m in matcher)
    return found


# A cheap, exact "no" before PhoneNumberMatcher (30-300 µs a call, mostly spent on dates and
# batch numbers that turn out not to be phones). With leniency VALID every match is a number
# that phonenumbers.parse() read from a run of the window's digits and is_valid_number()
# accepted. Without a plus sign, letters (vanity numbers) or the region's international
# prefix (IDD) among those digits, parse() gives the number the region's country code, and
# its national significant number (NSN) is what is left of the candidate's digits after the
# national prefix is cut off the front: a contiguous run of the window's digits, unless the
# region rewrites national numbers (a "transform rule", e.g. SM, AR, JP: then we never
# judge). is_valid_number() requires that NSN to match in full the pattern of one of the
# number types (fixed line, mobile, toll free...) of one of the regions sharing the country
# code: the general pattern alone is looser (the US one also takes any 7 digits starting
# with 3, which many dates hold; of those the number types take only Canada's UAN range,
# 310 and four digits). So if no run of the window's digits matches any of those patterns,
# and none starts with the IDD, no match is possible. tests/validation/test_fast_paths.py
# compares this with the matcher itself for many regions and shapes.
_NOT_DIGIT = re.compile(r"[^0-9]")
_LETTER = re.compile(r"[^\W\d_]")
# Patterns whose matches do not depend on what lies around them (no anchors, look-arounds
# or word boundaries), so a search over all the digits finds a match of any run of them.
_PLAIN_PATTERN = re.compile(r"(?:[0-9\[\]()|?:{},*+-]|\\d)*")
# The number types phonenumberutil._number_type_helper() accepts (every other is UNKNOWN).
_NUMBER_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip


@lru_cache(maxsize=64)
def _phone_sieve(region: str) -> tuple[re.Pattern | None, re.Pattern] | None:
    """(IDD pattern or None, any-NSN pattern) for a region, or None when we cannot judge."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    code = metadata.country_code
    main = PhoneMetadata.metadata_for_region(phonenumbers.region_code_for_country_code(code))
    if (
        main is None
        or metadata.national_prefix_transform_rule
        or (main.national_prefix_transform_rule)
    ):
        return None
    patterns = []
    for other in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ()):
        desc = PhoneMetadata.metadata_for_region(other)
        if desc is None:
            return None
        for kind in _NUMBER_TYPES:
            number_desc = getattr(desc, kind)
            pattern = number_desc and number_desc.national_number_pattern
            if pattern:  # (an empty one matches nothing: the type is not this number's)
                if not _PLAIN_PATTERN.fullmatch(pattern):
                    return None
                patterns.append(f"(?:{pattern})")
    idd = metadata.international_prefix
    if idd is not None and not _PLAIN_PATTERN.fullmatch(idd):
        return None
    return (
        re.compile(idd) if idd else None,
        re.compile("|".join(dict.fromkeys(patterns)) or "(?!)"),
    )


def _cannot_hold_a_valid_number(window: str, region: str) -> bool:
    sieve = _phone_sieve(region)
    if sieve is None or "+" in window or "\uff0b" in window or _LETTER.search(window):
        return False
    digits = (
        _NOT_DIGIT.sub("", window)
        if window.isascii()
        else phonenumbers.normalize_digits_only(window)
    )
    idd, nsn = sieve
    return (idd is None or idd.search(digits) is None) and nsn.search(digits) is None
