"""LinkedIn's text and error rules as pure functions: little-text escaping (checked against the
sandbox's reading of it) and how a 429 body tells the daily limit from a short throttle."""

import json
from datetime import UTC, datetime

import pytest
import requests

from connections.providers import base as pb
from connections.providers.linkedin.commentary import to_little_text
from connections.providers.linkedin.errors import next_midnight_utc, raise_for_response
from sandbox.linkedin.little import parse


@pytest.mark.parametrize(
    ("text", "little"),
    [
        ("plain words, 100% fine!", "plain words, 100% fine!"),
        ("#coffee time", "{hashtag|\\#|coffee} time"),
        ("#cold_brew.", "{hashtag|\\#|cold\\_brew}."),
        ("#CaféLife #2026goals", "{hashtag|\\#|CaféLife} {hashtag|\\#|2026goals}"),
        ("we're #1 in C#", "we're \\#1 in C\\#"),
        ("mail@acme.example", "mail\\@acme.example"),
        ("https://acme.example/a_b/#top", "https://acme.example/a\\_b/\\#top"),
        (
            "hi @[Acme_Corp](urn:li:organization:900001)!",
            "hi @[Acme\\_Corp](urn:li:organization:900001)!",
        ),
        ("@[not a mention](https://x)", "\\@\\[not a mention\\]\\(https://x\\)"),
        ("a\\b|c~d*e<f>g{h}", "a\\\\b\\|c\\~d\\*e\\<f\\>g\\{h\\}"),
    ],
)
def test_little_text_escapes_reserved_characters_and_keeps_hashtags_and_mentions(text, little):
    assert to_little_text(text) == little
    read = parse(little)
    assert read.kept == little  # LinkedIn would keep every character
    if "@[" not in text:
        assert read.plain == text


def test_the_sandbox_cuts_badly_escaped_commentary_like_linkedin():
    assert parse("Launch (beta) today").kept == "Launch "


def _response(status: int, body: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


@pytest.mark.parametrize(
    "message",
    [
        "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        "Resource level throttle MEMBER DAY limit for calls to this resource is reached.",
    ],
)
def test_a_429_naming_the_day_window_is_a_quota_until_midnight_utc(message):
    with pytest.raises(pb.QuotaExceeded) as caught:
        raise_for_response(_response(429, {"status": 429, "message": message}))
    assert caught.value.retry_at == next_midnight_utc()


def test_a_429_naming_no_window_is_a_short_throttle():
    with pytest.raises(pb.RateLimited) as caught:
        raise_for_response(_response(429, {"status": 429, "message": "Too many requests"}))
    assert not isinstance(caught.value, pb.QuotaExceeded)
    assert caught.value.retry_at is None  # the pipeline's backoff decides


def test_next_midnight_utc():
    late = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert next_midnight_utc(late) == datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("service_code", "expected"),
    [(65600, pb.AuthRevoked), (65601, pb.AuthRevoked), (65602, pb.AuthExpired)],
)
def test_token_errors(service_code, expected):
    with pytest.raises(expected):
        raise_for_response(_response(401, {"status": 401, "serviceErrorCode": service_code}))


def test_a_dead_api_version_is_a_permanent_refusal_that_says_so():
    body = {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20230101"}
    with pytest.raises(pb.Rejected, match="Requested version 20230101"):
        raise_for_response(_response(426, body))
