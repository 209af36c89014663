"""The sandbox itself, spoken to over HTTP the way the platforms are."""

import base64
import hashlib

import pytest
import requests

from sandbox.models import SandboxRequest, SandboxToken
from tests.connections.conftest import approve

pytestmark = pytest.mark.django_db(transaction=True)

BASIC = ("sandbox-x-client", "sandbox-x-secret")
VERIFIER = "v" * 64
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
)


def _x_code(base: str, scope: str = "users.read tweet.write offline.access") -> str:
    url = (
        f"{base}/sandbox/x/i/oauth2/authorize?response_type=code&client_id=sandbox-x-client"
        f"&redirect_uri={base}/cb&scope={scope}&state=s1&code_challenge={CHALLENGE}"
        "&code_challenge_method=S256"
    )
    query = approve(url)
    assert query["state"] == ["s1"]
    return query["code"][0]


def _x_token(base, **data):
    return requests.post(f"{base}/sandbox/x/2/oauth2/token", data=data, auth=BASIC, timeout=10)


def test_x_refuses_a_code_whose_pkce_verifier_does_not_match(sandbox):
    code = _x_code(sandbox)
    answer = _x_token(
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=f"{sandbox}/cb",
        code_verifier="w" * 64,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert not SandboxToken.objects.exists()


def test_x_wants_http_basic_client_authentication(sandbox):
    code = _x_code(sandbox)
    answer = requests.post(
        f"{sandbox}/sandbox/x/2/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": BASIC[0],
            "client_secret": BASIC[1],
            "redirect_uri": f"{sandbox}/cb",
            "code_verifier": VERIFIER,
        },
        timeout=10,
    )
    assert answer.status_code == 401
    logged = SandboxRequest.objects.get(endpoint="token")
    assert logged.client_auth == "body" and logged.params["client_secret"] == "[present]"


def test_x_rotates_refresh_tokens_and_a_reused_one_kills_the_family(sandbox):
    code = _x_code(sandbox)
    first = _x_token(
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=f"{sandbox}/cb",
        code_verifier=VERIFIER,
    ).json()
    second = _x_token(
        sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"]
    ).json()
    assert second["refresh_token"] != first["refresh_token"]
    # reusing the spent one fails and revokes everything descended from the consent
    reused = _x_token(sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400
    after = _x_token(sandbox, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert after.status_code == 400
    me = requests.get(
        f"{sandbox}/sandbox/x/2/users/me",
        headers={"Authorization": f"Bearer {second['access_token']}"},
        timeout=10,
    )
    assert me.status_code == 401 and me.json()["title"] == "Unauthorized"


def test_faults_fail_the_next_n_calls_in_the_platform_format_then_stop(sandbox):
    added = requests.post(
        f"{sandbox}/sandbox/_control/faults",
        json={"platform": "x", "kind": "status", "count": 2, "options": {"status": 429}},
        timeout=10,
    )
    assert added.status_code == 201
    answers = [requests.get(f"{sandbox}/sandbox/x/2/users/me", timeout=10) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 401]
    assert "x-rate-limit-reset" in answers[0].headers
    log = requests.get(f"{sandbox}/sandbox/_control/requests?platform=x", timeout=10).json()
    assert [r["fault"] for r in log["requests"]] == ["", "status", "status"]


def test_an_unknown_fault_kind_is_refused(sandbox):
    answer = requests.post(
        f"{sandbox}/sandbox/_control/faults", json={"platform": "x", "kind": "nope"}, timeout=10
    )
    assert answer.status_code == 400 and "unknown fault kind" in answer.json()["error"]


def test_the_consent_page_refuses_x_without_pkce(sandbox):
    answer = requests.get(
        f"{sandbox}/sandbox/x/i/oauth2/authorize?client_id=sandbox-x-client&redirect_uri={sandbox}/cb",
        timeout=10,
    )
    assert answer.status_code == 400 and "PKCE" in answer.text
