"""Meta's two signature formats (PLATFORMS.md §2.3, §6.6).

- Webhook events: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`,
  computed over the raw bytes as received (re-serialised JSON would not match).
- Deauthorize and data-deletion callbacks: a form field
  `signed_request=<b64url(sig)>.<b64url(payload JSON)>` with
  `sig = HMAC-SHA256(the payload segment as sent, app secret)`, base64url without padding.

Every comparison is constant-time (hmac.compare_digest), so a forger learns nothing from how
long a refusal takes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

SIGNATURE_PREFIX = "sha256="


class SignatureError(Exception):
    """A refused signature; `reason` is a short code safe to store and log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def verify_hub_signature(body: bytes, header: str | None, secret: str) -> None:
    """Raise SignatureError unless `header` is the hex HMAC-SHA256 of `body` under `secret`."""
    if not secret:
        raise SignatureError("not_configured")  # no app secret: nothing can be trusted
    if not header:
        raise SignatureError("missing")
    if not header.startswith(SIGNATURE_PREFIX):
        raise SignatureError("malformed")
    given = header[len(SIGNATURE_PREFIX) :].strip().lower().encode("utf-8", errors="replace")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(given, expected):
        raise SignatureError("mismatch")


def b64url_decode(segment: str) -> bytes:
    """Decode base64url that may lack its `=` padding (Meta strips it)."""
    try:
        raw = segment.encode("ascii")
        # validate=True: characters outside the alphabet are an error, not silently dropped.
        return base64.b64decode(raw + b"=" * (-len(raw) % 4), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise SignatureError("malformed") from None


@dataclass(frozen=True)
class SignedRequest:
    user_id: str
    issued_at: int | None
    payload: dict


def parse_signed_request(value: str | None, secret: str) -> SignedRequest:
    """Verify and decode a `signed_request`; raise SignatureError on anything wrong."""
    if not secret:
        raise SignatureError("not_configured")
    if not value:
        raise SignatureError("missing")
    sig_segment, dot, payload_segment = value.strip().partition(".")
    if not dot or not sig_segment or not payload_segment:
        raise SignatureError("malformed")
    signature = b64url_decode(sig_segment)
    payload_bytes = b64url_decode(payload_segment)
    # The MAC covers the payload segment exactly as sent, not the decoded JSON.
    expected = hmac.new(secret.encode(), payload_segment.encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise SignatureError("mismatch")
    try:
        payload = json.loads(payload_bytes)
    except ValueError:
        raise SignatureError("malformed") from None
    if not isinstance(payload, dict):
        raise SignatureError("malformed")
    if str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise SignatureError("bad_algorithm")
    user_id = str(payload.get("user_id") or "").strip()
    if not user_id:
        raise SignatureError("no_user")
    issued_at = payload.get("issued_at")
    return SignedRequest(
        user_id=user_id,
        issued_at=issued_at if isinstance(issued_at, int) else None,
        payload=payload,
    )
