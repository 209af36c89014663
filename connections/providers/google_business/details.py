"""A post's Google details (`Post.google_details`) checked, and turned into the LocalPost
fields Google takes (PLATFORMS.md §5.2):

    {"language": "en",                                  # languageCode, default "en"
     "title": "Tasting night",                          # event.title    (EVENT, OFFER)
     "start": "2026-05-01T18:00", "end": "2026-05-01",  # event.schedule (EVENT, OFFER)
     "cta_type": "BOOK", "cta_url": "https://...",      # callToAction   (STANDARD, EVENT)
     "coupon_code": "...", "redeem_url": "https://...", "terms": "..."}  # offer (OFFER)

Event times are the location's wall-clock time, as Google shows them, so they carry no UTC
offset; a date without a time is a whole day. A STANDARD or EVENT post with a link and no
`cta_type` gets a LEARN_MORE button to the link. Google ignores a call to action on OFFER
posts, so one there is refused rather than silently dropped.

`check_details` is what the API runs when a post is written (so bad input is a 400 naming the
field) and what the provider runs again before it sends anything.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

POST_TYPES = ("STANDARD", "EVENT", "OFFER")
CTA_TYPES = ("BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL")
EVENT_FIELDS = ("title", "start", "end")
OFFER_FIELDS = ("coupon_code", "redeem_url", "terms")
CTA_FIELDS = ("cta_type", "cta_url")
FIELDS = ("language", *EVENT_FIELDS, *CTA_FIELDS, *OFFER_FIELDS)
URL_FIELDS = ("cta_url", "redeem_url")


def parse_moment(value: str) -> date | datetime:
    """ "2026-05-01" (a whole day) or "2026-05-01T18:00[:00]" (local wall-clock time)."""
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        raise ValueError("offset")
    return moment


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _shape_errors(details: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, value in details.items():
        if key not in FIELDS:
            errors[key] = [f"Unknown field; use {', '.join(FIELDS)}."]
        elif not isinstance(value, str) or not value.strip():
            errors[key] = ["Must be a non-empty string."]
    for key in URL_FIELDS:
        if key in details and key not in errors and not _is_url(details[key]):
            errors[key] = ["Must be an http(s) URL."]
    if "cta_type" in details and "cta_type" not in errors and details["cta_type"] not in CTA_TYPES:
        errors["cta_type"] = [f"Must be one of {', '.join(CTA_TYPES)}."]
    moments = {}
    for key in ("start", "end"):
        if key in details and key not in errors:
            try:
                moments[key] = parse_moment(details[key])
            except ValueError:
                errors[key] = [
                    "Use 2026-05-01 (whole day) or 2026-05-01T18:00, the location's local "
                    "time, without a UTC offset."
                ]
    if len(moments) == 2 and _as_datetime(moments["end"], end=True) < _as_datetime(
        moments["start"], end=False
    ):
        errors["end"] = ["Must not be before start."]
    return errors


def _as_datetime(moment: date | datetime, *, end: bool) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, *((23, 59) if end else (0, 0)))


def _type_errors(post_type: str, details: dict[str, Any], link: str | None) -> dict[str, list]:
    errors: dict[str, list[str]] = {}
    if post_type in ("EVENT", "OFFER"):
        for key in EVENT_FIELDS:
            if key not in details:
                errors[key] = [f"Required for {post_type} posts."]
    else:
        for key in EVENT_FIELDS:
            if key in details:
                errors[key] = ["Only EVENT and OFFER posts have an event title and schedule."]
    if post_type != "OFFER":
        for key in OFFER_FIELDS:
            if key in details:
                errors[key] = ["Only OFFER posts have a coupon, redeem URL or terms."]
    else:
        for key in CTA_FIELDS:
            if key in details:
                errors[key] = [
                    "Google ignores a call to action on OFFER posts; use redeem_url instead."
                ]
    cta_type = details.get("cta_type")
    offer = post_type == "OFFER"
    if not offer and cta_type == "CALL" and "cta_url" in details:
        errors["cta_url"] = ["A CALL button dials the location's phone number; it takes no url."]
    elif not offer and cta_type not in (None, "CALL") and "cta_url" not in details and link == "":
        errors["cta_url"] = [f"A {cta_type} button needs cta_url (or the post's link)."]
    if "cta_url" in details and cta_type is None:
        errors["cta_type"] = ["Name the button for cta_url, e.g. LEARN_MORE."]
    return errors


def check_details(
    post_type: str | None, details: dict[str, Any], *, link: str | None = None
) -> dict[str, list[str]]:
    """Per-field messages, empty when the details are fine. `post_type` None (an edit that does
    not name it) checks the shape only; `link` None means the post's link is not known."""
    errors = _shape_errors(details)
    if post_type is not None:
        if post_type not in POST_TYPES:
            return {"google_post_type": [f"Must be one of {', '.join(POST_TYPES)}."]}
        for key, messages in _type_errors(post_type, details, link).items():
            errors.setdefault(key, messages)
    return errors


# --- LocalPost fields (the details are checked first) ------------------------------------


def _date_json(moment: date) -> dict[str, int]:
    return {"year": moment.year, "month": moment.month, "day": moment.day}


def schedule(details: dict[str, Any]) -> dict[str, Any]:
    """google.type Date + TimeOfDay pairs; no time means the whole day."""
    result: dict[str, Any] = {}
    for key in ("start", "end"):
        moment = parse_moment(details[key])
        result[f"{key}Date"] = _date_json(moment)
        if isinstance(moment, datetime):
            result[f"{key}Time"] = {
                "hours": moment.hour, "minutes": moment.minute, "seconds": moment.second,
                "nanos": 0,
            }  # fmt: skip
    return result


def call_to_action(post_type: str, details: dict[str, Any], link: str) -> dict[str, str] | None:
    if post_type == "OFFER":
        return None
    cta_type = details.get("cta_type") or ("LEARN_MORE" if link else None)
    if cta_type is None:
        return None
    if cta_type == "CALL":
        return {"actionType": "CALL"}
    return {"actionType": cta_type, "url": details.get("cta_url") or link}


def offer(details: dict[str, Any]) -> dict[str, str] | None:
    names = {
        "coupon_code": "couponCode", "redeem_url": "redeemOnlineUrl", "terms": "termsConditions"
    }  # fmt: skip
    found = {names[k]: details[k] for k in OFFER_FIELDS if k in details}
    return found or None
