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
