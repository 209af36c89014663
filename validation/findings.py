"""The values every check returns: one `Finding` per problem, with a stable rule id."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"  # blocks publishing
    REVIEW = "review"  # needs approval by a brand admin or owner
    WARNING = "warning"  # informs


class Rule(StrEnum):
    """Stable rule ids: clients match on these strings, so never rename one."""

    TEXT_LENGTH = "text_length"
    HASHTAG_COUNT = "hashtag_count"
    MENTION_COUNT = "mention_count"
    MEDIA_COUNT = "media_count"
    MEDIA_TYPE = "media_type"
    MEDIA_SIZE = "media_size"
    ASPECT_RATIO = "aspect_ratio"
    VIDEO_DURATION = "video_duration"
    LINK_UNSUPPORTED = "link_unsupported"
    SCHEDULE_WINDOW = "schedule_window"
    PROFANITY = "profanity"
    TOXICITY = "toxicity"
    PII_EMAIL = "pii_email"
    PII_PHONE = "pii_phone"
    PII_SSN = "pii_ssn"
    PII_CARD = "pii_card"
    PII_IBAN = "pii_iban"
    BANNED_PHRASE = "banned_phrase"
    BANNED_CLAIM = "banned_claim"
    MISSING_DISCLAIMER = "missing_disclaimer"
    MISSING_HASHTAG = "missing_hashtag"
    COMPETITOR_MENTION = "competitor_mention"
    REVIEW_KEYWORD = "review_keyword"


class Finding(NamedTuple):
    """(A named tuple: immutable, hashed in C and built several times cheaper than a frozen
    dataclass; a batch makes and merges several per post.)"""

    rule: Rule
    severity: Severity
    field: str  # "text", "media[0]", "link", "scheduled_at", "platforms"
    message: str
    suggestion: str = ""
    # [start, end) in code points of the NFC-normalised text the check saw.
    span: tuple[int, int] | None = None

    def as_dict(self) -> dict:
        return {
            "rule": str(self.rule),
            "severity": str(self.severity),
            "field": self.field,
            "message": self.message,
            "suggestion": self.suggestion,
            "span": list(self.span) if self.span is not None else None,
        }


def has_errors(findings) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)


def needs_review(findings) -> bool:
    return any(f.severity == Severity.REVIEW for f in findings)
