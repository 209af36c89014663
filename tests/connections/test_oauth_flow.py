"""Connecting accounts end to end, over real HTTP against the sandbox platforms."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ActionLog
from connections.models import ConnectionStatus, OAuthState, PlatformConnection
from sandbox.models import SandboxGrant, SandboxRequest
from tests.connections.conftest import approve
from tests.connections.flows import callback_path, client_for, connect, start

pytestmark = pytest.mark.django_db(transaction=True)

PLATFORMS = ["x", "facebook", "instagram", "linkedin", "google_business"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_full_connect_stores_an_active_connection_with_encrypted_tokens(
    sandbox, brand, owner, platform
):
    # given an owner on the connections page
    client = client_for(owner)
    # when they connect through the sandbox consent page
    response = connect(client, brand, platform)
    # then one active connection holds a token the sandbox issued
    assert response.status_code == 302, response.content
    connection = PlatformConnection.objects.get(brand=brand, platform=platform)
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.access_token.startswith(f"sbx-{platform}-")
    assert connection.display_name and connection.account_id
    assert connection.granted_scopes
    assert ActionLog.objects.filter(action="connection.connected", brand=brand).count() == 1
    token_calls = SandboxRequest.objects.filter(platform=platform, status=200).exclude(
        endpoint__in=["authorize", "dialog", "authorization", "auth"]
    )
    assert token_calls.exists()
    page = client.get(f"/brands/{brand.pk}/connections/")
    assert connection.display_name in page.content.decode()


def test_x_uses_pkce_and_http_basic_and_the_sandbox_verifies_the_challenge(sandbox, brand, owner):
    connect(client_for(owner), brand, "x")
    grant = SandboxGrant.objects.get(platform="x")
    assert grant.code_challenge_method == "S256" and grant.used_at is not None
    exchange = SandboxRequest.objects.get(platform="x", endpoint="token")
    assert exchange.client_auth == "basic"
    assert exchange.params["code_verifier"] == "[present]"
    assert exchange.status == 200


def test_a_wrong_pkce_verifier_is_refused_by_the_sandbox_and_nothing_is_stored(
    sandbox, brand, owner
):
    client = client_for(owner)
    query = approve(start(client, brand, "x"))
    # a verifier that does not match the challenge sent to the consent page
    state = OAuthState.objects.get()
    state.code_verifier = "x" * 64
    state.save()
    response = client.get(callback_path("x"), {k: v[0] for k, v in query.items()})
    assert response.status_code == 400
    assert SandboxRequest.objects.get(platform="x", endpoint="token").status == 400
    assert not PlatformConnection.objects.exists()


def _callback_after_consent(client, brand, platform="x"):
    query = {k: v[0] for k, v in approve(start(client, brand, platform)).items()}
    return query


def test_a_tampered_state_is_rejected_and_nothing_is_stored(sandbox, brand, owner):
    client = client_for(owner)
    query = _callback_after_consent(client, brand)
    response = client.get(callback_path("x"), {**query, "state": query["state"] + "x"})
    assert response.status_code == 400
    assert "not one we started" in response.content.decode()
    assert not PlatformConnection.objects.exists()
    assert not SandboxRequest.objects.filter(endpoint="token").exists()


def test_an_expired_state_is_rejected_and_nothing_is_stored(sandbox, brand, owner):
    client = client_for(owner)
    query = _callback_after_consent(client, brand)
    OAuthState.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(callback_path("x"), query)
    assert response.status_code == 400 and "10 minutes" in response.content.decode()
    assert not PlatformConnection.objects.exists()


def test_a_replayed_callback_lands_on_a_friendly_page_and_connects_once(sandbox, brand, owner):
    client = client_for(owner)
    query = _callback_after_consent(client, brand)
    first = client.get(callback_path("x"), query)
    again = client.get(callback_path("x"), query)
    assert first.status_code == 302
    assert again.status_code == 200 and "already finished" in again.content.decode()
    assert PlatformConnection.objects.count() == 1
    assert SandboxRequest.objects.filter(endpoint="token").count() == 1


def test_another_users_state_is_rejected_and_nothing_is_stored(sandbox, brand, owner, admin_member):
    query = _callback_after_consent(client_for(owner), brand)
    response = client_for(admin_member).get(callback_path("x"), query)
    assert response.status_code == 400 and "someone else" in response.content.decode()
    assert not PlatformConnection.objects.exists()
    assert OAuthState.objects.get().used_at is None


def test_denying_consent_is_shown_as_a_cancellation(sandbox, brand, owner):
    response = connect(client_for(owner), brand, "linkedin", decision="deny")
    assert response.status_code == 200
    assert "cancelled" in response.content.decode()
    assert not PlatformConnection.objects.exists()
    assert ActionLog.objects.filter(action="connection.oauth_cancelled").count() == 1


def test_a_facebook_login_offers_its_pages_and_connects_only_the_chosen_one(sandbox, brand, owner):
    connect(client_for(owner), brand, "facebook", choose=["200000000002"])
    connection = PlatformConnection.objects.get()
    assert connection.account_id == "200000000002"
    assert connection.display_name == "Acme Tea Page"
    assert connection.access_token.startswith("sbx-facebook-page-")
    assert OAuthState.objects.get().pending_selection == ""


def test_a_page_connected_through_the_wizard_is_revoked_when_the_person_removes_the_app(
    sandbox, brand, owner
):
    from sandbox.identities import FACEBOOK_USER
    from sandbox.webhooks import sender

    connect(client_for(owner), brand, "facebook", choose=["200000000001"])
    connection = PlatformConnection.objects.get()
    # the person's app-scoped id is kept: Meta's callbacks name them by it
    assert connection.extra["user_id"] == FACEBOOK_USER["id"]

    assert sender.send_deauthorize("facebook", FACEBOOK_USER["id"]).status == 200

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REVOKED and connection.access_token == ""


def test_a_linkedin_login_connects_the_member_and_a_chosen_organization(sandbox, brand, owner):
    connect(
        client_for(owner),
        brand,
        "linkedin",
        choose=["urn:li:person:sbxMember01", "urn:li:organization:900002"],
    )
    kinds = dict(PlatformConnection.objects.values_list("account_id", "account_kind"))
    assert kinds == {
        "urn:li:person:sbxMember01": "member",
        "urn:li:organization:900002": "organization",
    }


def test_reconnecting_an_account_updates_it_in_place(sandbox, brand, owner):
    client = client_for(owner)
    connect(client, brand, "x")
    first = PlatformConnection.objects.get()
    PlatformConnection.objects.update(status=ConnectionStatus.NEEDS_REAUTH, last_error="gone")
    connect(client, brand, "x")
    again = PlatformConnection.objects.get()
    assert again.pk == first.pk and again.status == ConnectionStatus.ACTIVE
    assert again.access_token != first.access_token and again.last_error == ""
    assert ActionLog.objects.filter(action="connection.reconnected").count() == 1
