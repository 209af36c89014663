"""Who may see and change connections, on every page and API endpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections.models import OAuthState, PlatformConnection
from tests.connections.flows import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(brand):
    return PlatformConnection.objects.create(
        brand=brand,
        platform="x",
        account_id="42",
        display_name="Acme on X",
        access_token="AT-secret-value-1",
        refresh_token="RT-secret-value-2",
        token_expires_at=timezone.now() + timedelta(hours=2),
        granted_scopes=["tweet.write", "users.read"],
    )


@pytest.fixture
def selecting_state(brand, owner):
    return OAuthState.objects.create(
        state="st-1",
        brand=brand,
        user=owner,
        platform="facebook",
        redirect_uri="http://testserver/cb",
        status="selecting",
        pending_selection='{"token": {"access_token": "t"}, "accounts": []}',
        expires_at=timezone.now() + timedelta(minutes=10),
    )


def _pages(brand, connection, state):
    b, c = brand.pk, connection.pk
    return {
        "get": [
            f"/brands/{b}/connections/",
            f"/brands/{b}/connections/connect/x/",
            f"/brands/{b}/connections/choose/{state.pk}/",
        ],
        "post": [
            f"/brands/{b}/connections/connect/x/",
            f"/brands/{b}/connections/{c}/verify/",
            f"/brands/{b}/connections/{c}/refresh/",
            f"/brands/{b}/connections/{c}/disconnect/",
            f"/brands/{b}/connections/bulk/",
            f"/brands/{b}/connections/choose/{state.pk}/",
        ],
    }


def _api(brand, connection):
    b, c = brand.pk, connection.pk
    return {
        "get": [f"/api/v1/brands/{b}/connections/", f"/api/v1/brands/{b}/connections/{c}/"],
        "post": [
            f"/api/v1/brands/{b}/connections/oauth/start/",
            f"/api/v1/brands/{b}/connections/{c}/verify/",
            f"/api/v1/brands/{b}/connections/{c}/refresh/",
            f"/api/v1/brands/{b}/connections/{c}/disconnect/",
        ],
    }


def test_an_outsider_gets_404_on_every_page_and_endpoint(
    brand, connection, selecting_state, outsider, api_client_for
):
    client = client_for(outsider)
    pages = _pages(brand, connection, selecting_state)
    for url in pages["get"]:
        assert client.get(url).status_code == 404, url
    for url in pages["post"]:
        assert (
            client.post(url, {"action": "refresh", "connection": [connection.pk]}).status_code
            == 404
        ), url
    api = api_client_for(outsider)
    endpoints = _api(brand, connection)
    for url in endpoints["get"]:
        assert api.get(url).status_code == 404, url
    for url in endpoints["post"]:
        assert api.post(url, {"platform": "x"}, format="json").status_code == 404, url
    assert PlatformConnection.objects.get().access_token == "AT-secret-value-1"
    assert not OAuthState.objects.exclude(pk=selecting_state.pk).exists()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_see_status_but_cannot_change_anything(
    brand, connection, selecting_state, users, role, api_client_for
):
    client = client_for(users[role])
    page = client.get(f"/brands/{brand.pk}/connections/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Acme on X" in html and "Disconnect" not in html and "Connect</a>" not in html
    for url in _pages(brand, connection, selecting_state)["post"]:
        assert client.post(url).status_code == 403, url
    api = api_client_for(users[role])
    assert api.get(f"/api/v1/brands/{brand.pk}/connections/").status_code == 200
    for url in _api(brand, connection)["post"]:
        assert api.post(url, {"platform": "x"}, format="json").status_code == 403, url
    assert PlatformConnection.objects.get().status == "active"


def test_the_api_lists_status_and_expiry_and_never_a_token(
    brand, connection, admin_member, api_client_for
):
    response = api_client_for(admin_member).get(f"/api/v1/brands/{brand.pk}/connections/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "secret-value" not in body
    item = response.json()["results"][0]
    assert item["status"] == "active" and item["token_expires_at"]
    assert item["missing_scopes"] == ["offline.access"]


def test_the_api_starts_an_oauth_flow_with_pkce(brand, admin_member, api_client_for):
    response = api_client_for(admin_member).post(
        f"/api/v1/brands/{brand.pk}/connections/oauth/start/", {"platform": "x"}, format="json"
    )
    assert response.status_code == 201
    url = response.json()["authorization_url"]
    state = OAuthState.objects.get()
    assert f"state={state.state}" in url and "code_challenge_method=S256" in url
    assert state.user == admin_member and state.code_verifier


def test_an_unconfigured_platform_shows_as_not_configured(brand, owner, settings, api_client_for):
    settings.X_CLIENT_ID = ""
    page = client_for(owner).get(f"/brands/{brand.pk}/connections/")
    assert "not configured" in page.content.decode()
    response = api_client_for(owner).post(
        f"/api/v1/brands/{brand.pk}/connections/oauth/start/", {"platform": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_configured"


def test_the_brand_page_links_to_connections(brand, owner):
    page = client_for(owner).get(f"/brands/{brand.pk}/")
    assert f"/brands/{brand.pk}/connections/" in page.content.decode()


def test_the_openapi_schema_documents_the_connection_endpoints(admin_member, api_client_for):
    response = api_client_for(admin_member).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/brands/{brand_id}/connections/oauth/start/" in text
