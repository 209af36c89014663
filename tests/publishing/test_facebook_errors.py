"""Graph error bodies and usage headers Page publishing meets, onto the closed error set (the
ones the sandbox does not produce on its own; the rest are covered end to end in
test_facebook_publishing.py)."""

import json
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from connections.providers import base as pb
from connections.providers.facebook import FacebookProvider


def graph_answer(status, code, subcode=None, headers=None, transient=False):
    error = {"message": f"(#{code}) boom", "type": "OAuthException", "code": code,
             "is_transient": transient, "fbtrace_id": "A1"}  # fmt: skip
    if subcode is not None:
        error["error_subcode"] = subcode
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"error": error}).encode()
    response.headers.update(headers or {})
    return response


def raised(response) -> pb.ProviderError:
    with pytest.raises(pb.ProviderError) as caught:
        FacebookProvider.raise_for_response(response)
    return caught.value


def test_a_page_over_its_budget_retries_when_the_buc_header_says_access_is_back():
    entry = {"type": "pages", "call_count": 100, "total_cputime": 40, "total_time": 55,
             "estimated_time_to_regain_access": 17}  # fmt: skip
    usage = {"200000000001": [entry]}
    error = raised(
        graph_answer(400, 80001, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
    )

    assert isinstance(error, pb.RateLimited)
    expected = timezone.now() + timedelta(minutes=17)
    assert abs((error.retry_at - expected).total_seconds()) < 5


def test_an_app_limit_has_no_reset_time_of_its_own():
    headers = {"X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 3, "total_time": 9})}
    error = raised(graph_answer(400, 4, headers=headers, transient=True))

    assert isinstance(error, pb.RateLimited) and error.retry_at is None


@pytest.mark.parametrize(
    ("status", "code", "subcode", "expected"),
    [
        (400, 368, 1390008, pb.RateLimited),  # posting too fast: wait, then retry
        (400, 32, None, pb.RateLimited),
        (400, 613, None, pb.RateLimited),
        (400, 190, 463, pb.AuthExpired),
        (400, 190, 460, pb.AuthRevoked),
        (400, 190, 458, pb.AuthRevoked),
        (400, 100, 1366051, pb.Duplicate),
        (400, 506, None, pb.Duplicate),
        (400, 200, 1404078, pb.Rejected),
        (400, 200, None, pb.Rejected),
        (400, 100, 1366046, pb.Rejected),
        (400, 100, 2061006, pb.Rejected),
        (500, 1, None, pb.Transient),
        (503, 2, None, pb.Transient),
    ],
)
def test_graph_errors_map_onto_the_closed_set(status, code, subcode, expected):
    error = raised(graph_answer(status, code, subcode))

    assert type(error) is expected
    assert error.status == status and error.platform_code.startswith(f"{code}/")


def test_refusals_say_what_to_do():
    error = raised(graph_answer(400, 200, 1404078))

    assert "Page Publishing Authorization" in error.message
    assert not isinstance(error, pb.Duplicate) and isinstance(error, pb.Rejected)
