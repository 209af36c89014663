"""Instagram's Graph error bodies and usage headers mapped onto the closed error set (no
database, no HTTP: the responses are built here)."""

import json
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from connections.providers import base as pb
from connections.providers.instagram import errors as ig_errors


def _response(error: dict, status: int = 400, headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"error": error}).encode()
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"code": 9, "error_subcode": 2207042, "message": "limit"}, pb.QuotaExceeded),
        ({"code": 190, "error_subcode": 463, "message": "expired"}, pb.AuthExpired),
        ({"code": 190, "error_subcode": 460, "message": "password changed"}, pb.AuthRevoked),
        ({"code": 4, "message": "(#4) Application request limit reached"}, pb.RateLimited),
        ({"code": 80002, "message": "too many calls"}, pb.RateLimited),
        ({"code": -1, "error_subcode": 2207001, "message": "server error"}, pb.Transient),
        ({"code": -2, "error_subcode": 2207003, "message": "download timeout"}, pb.Transient),
        ({"code": -2, "error_subcode": 2207020, "message": "expired"}, pb.Transient),
        ({"code": 36000, "error_subcode": 2207004, "message": "too large"}, pb.Rejected),
        ({"code": 36003, "error_subcode": 2207009, "message": "ratio"}, pb.Rejected),
        ({"code": 100, "error_subcode": 2207028, "message": "carousel"}, pb.Rejected),
    ],
)
def test_graph_errors_map_onto_the_closed_set(error, expected):
    with pytest.raises(pb.ProviderError) as raised:
        ig_errors.raise_for_response(_response(error))
    assert type(raised.value) is expected


def test_usage_headers_alone_mark_a_throttle_and_name_the_wait():
    usage = '{"1784": [{"type": "instagram", "call_count": 100, "total_cputime": 3, ' \
        '"total_time": 4, "estimated_time_to_regain_access": 7}]}'  # fmt: skip
    with pytest.raises(pb.RateLimited) as raised:
        ig_errors.raise_for_response(
            _response({"code": 1, "message": "x"}, headers={"X-Business-Use-Case-Usage": usage})
        )
    wait = raised.value.retry_at - timezone.now()
    assert timedelta(minutes=6) < wait <= timedelta(minutes=7)
