"""The two Meta signature formats, byte-level (no HTTP): what is accepted and what is not."""

from __future__ import annotations

import base64
import json

import pytest

from sandbox.webhooks.sender import hub_signature, signed_request
from webhooks.signatures import SignatureError, parse_signed_request, verify_hub_signature

SECRET = "app-secret-for-tests"


def test_a_hex_hmac_of_the_raw_body_is_accepted_whatever_its_case():
    body = b'{"object":"page","entry":[]}'
    verify_hub_signature(body, hub_signature(body, SECRET), SECRET)
    verify_hub_signature(body, hub_signature(body, SECRET).upper().replace("SHA256", "sha256"),
                         SECRET)  # fmt: skip


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("sha1=abc", "malformed"),
        ("sha256=" + "0" * 64, "mismatch"),
        ("sha256=ünïcode", "mismatch"),
    ],
)
def test_other_signature_headers_are_refused(header, reason):
    with pytest.raises(SignatureError) as refused:
        verify_hub_signature(b"{}", header, SECRET)
    assert refused.value.reason == reason


def test_the_signature_covers_the_exact_bytes():
    body = b'{"a": 1}'
    with pytest.raises(SignatureError):
        verify_hub_signature(b'{"a":1}', hub_signature(body, SECRET), SECRET)


def test_without_an_app_secret_nothing_verifies():
    with pytest.raises(SignatureError) as refused:
        verify_hub_signature(b"{}", hub_signature(b"{}", ""), "")
    assert refused.value.reason == "not_configured"


@pytest.mark.parametrize("user_id", ["1", "12", "123", "1234", "10000000001"])
def test_signed_requests_decode_whatever_padding_was_stripped(user_id):
    value = signed_request({"algorithm": "HMAC-SHA256", "user_id": user_id, "issued_at": 1}, SECRET)

    parsed = parse_signed_request(value, SECRET)

    assert "=" not in value
    assert parsed.user_id == user_id and parsed.issued_at == 1


def _forge(payload: dict, sig: bytes) -> str:
    seg = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return base64.urlsafe_b64encode(sig).rstrip(b"=").decode() + "." + seg


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "missing"),
        ("nodot", "malformed"),
        ("a.", "malformed"),
        ("!!!.???", "malformed"),
        ("é.é", "malformed"),
        (_forge({"algorithm": "HMAC-SHA256", "user_id": "1"}, b"x" * 32), "mismatch"),
        (signed_request({"algorithm": "HMAC-SHA256", "user_id": "1"}, "other"), "mismatch"),
        (signed_request({"algorithm": "none", "user_id": "1"}, SECRET), "bad_algorithm"),
        (signed_request({"user_id": "1"}, SECRET), "bad_algorithm"),
        (signed_request({"algorithm": "HMAC-SHA256"}, SECRET), "no_user"),
    ],
)
def test_bad_signed_requests_are_refused(value, reason):
    with pytest.raises(SignatureError) as refused:
        parse_signed_request(value, SECRET)
    assert refused.value.reason == reason


def test_a_tampered_payload_is_refused():
    value = signed_request({"algorithm": "HMAC-SHA256", "user_id": "1"}, SECRET)
    sig, _ = value.split(".")
    tampered = _forge({"algorithm": "HMAC-SHA256", "user_id": "2"}, b"")
    with pytest.raises(SignatureError):
        parse_signed_request(f"{sig}.{tampered.split('.')[1]}", SECRET)
