import json
import socket
import threading

import pytest
import requests

from connections.providers import get_provider
from connections.providers.base import (
    AuthExpired,
    AuthRevoked,
    Duplicate,
    RateLimited,
    Rejected,
    Transient,
    Unknown,
)
from connections.providers.http import Http


def _response(status: int, body: dict, headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (429, {"title": "Too Many Requests", "status": 429}, RateLimited),
        (401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}, AuthExpired),
        (400, {"error": "invalid_request", "error_description": "Value passed"}, AuthRevoked),
        (
            403,
            {"detail": "You are not allowed to create a Tweet with duplicate content."},
            Duplicate,
        ),
        (503, {"title": "Service Unavailable"}, Transient),
        (400, {"title": "Invalid Request", "detail": "text too long"}, Rejected),
    ],
)
def test_x_maps_each_error_onto_the_closed_vocabulary(status, body, expected):
    with pytest.raises(expected):
        get_provider("x").raise_for_response(_response(status, body))


def test_x_rate_limit_carries_the_reset_time():
    with pytest.raises(RateLimited) as excinfo:
        get_provider("x").raise_for_response(
            _response(429, {"status": 429}, {"x-rate-limit-reset": "2000000000"})
        )
    assert excinfo.value.retry_at.timestamp() == 2000000000


def test_the_x_authorization_url_asks_for_pkce_s256_and_current_scopes():
    url = get_provider("x").authorization_url(
        state="st", redirect_uri="http://testserver/cb", code_challenge="abc"
    )
    assert "code_challenge=abc" in url and "code_challenge_method=S256" in url
    assert "offline.access" in url and "state=st" in url


def _never(_response):
    raise AssertionError("no response expected")


def test_a_refused_connection_is_transient():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Transient):
        Http("x", _never).request("GET", f"http://127.0.0.1:{port}/")


def test_a_read_timeout_after_sending_is_unknown(settings):
    settings.PLATFORM_READ_TIMEOUT = 0.3
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True)
    thread.start()
    try:
        with pytest.raises(Unknown):
            Http("x", _never).request("POST", f"http://127.0.0.1:{server.getsockname()[1]}/")
    finally:
        thread.join(2)
        for conn, _ in accepted:
            conn.close()
        server.close()


def _meta(code, subcode=None, message="boom"):
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_subcode": subcode,
        }
    }


@pytest.mark.parametrize(
    ("slug", "status", "body", "expected"),
    [
        ("facebook", 400, _meta(4), RateLimited),
        ("facebook", 400, _meta(190, 460), AuthRevoked),
        ("facebook", 400, _meta(190, 463), AuthExpired),
        ("facebook", 400, _meta(506), Duplicate),
        ("facebook", 500, _meta(2), Transient),
        ("instagram", 400, _meta(9, 2207042), RateLimited),
        ("instagram", 400, _meta(190, 458), AuthRevoked),
        ("instagram", 400, {"error_type": "OAuthException", "code": 400}, AuthRevoked),
        ("instagram", 400, _meta(36000, 2207010), Rejected),
        ("linkedin", 429, {"status": 429, "message": "Throttled"}, RateLimited),
        ("linkedin", 401, {"status": 401, "serviceErrorCode": 65601}, AuthRevoked),
        ("linkedin", 401, {"status": 401, "serviceErrorCode": 65602}, AuthExpired),
        ("linkedin", 400, {"error": "invalid_grant"}, AuthRevoked),
        ("linkedin", 422, {"message": "Content is a duplicate of urn:li:share:7"}, Duplicate),
        ("google_business", 400, {"error": "invalid_grant"}, AuthRevoked),
        (
            "google_business",
            429,
            {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}},
            RateLimited,
        ),
        (
            "google_business",
            401,
            {"error": {"code": 401, "status": "UNAUTHENTICATED"}},
            AuthExpired,
        ),
        ("google_business", 403, {"error": {"code": 403, "status": "PERMISSION_DENIED"}}, Rejected),
        ("google_business", 503, {"error": {"code": 503, "status": "UNAVAILABLE"}}, Transient),
    ],
)
def test_every_platform_maps_its_errors_onto_the_closed_vocabulary(slug, status, body, expected):
    with pytest.raises(expected):
        get_provider(slug).raise_for_response(_response(status, body))


def test_a_linkedin_duplicate_names_the_live_post():
    with pytest.raises(Duplicate) as excinfo:
        get_provider("linkedin").raise_for_response(
            _response(422, {"message": "Content is a duplicate of urn:li:share:7"})
        )
    assert excinfo.value.existing_id == "urn:li:share:7"
