"""Helpers that drive a whole OAuth flow: our pages through Django's test client, the
sandbox's consent page and token endpoints over real HTTP."""

from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.connections.conftest import approve


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def start(client: Client, brand, platform: str) -> str:
    response = client.post(
        reverse("connections:start", kwargs={"brand_id": brand.pk, "platform": platform}),
        {"popup": "0"},
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def callback_path(platform: str) -> str:
    return reverse("connections:oauth_callback", kwargs={"platform": platform})


def connect(client: Client, brand, platform: str, *, decision="approve", choose=None):
    """Start, consent in the sandbox, come back; pick `choose` account ids (default: the
    first) when the platform offers several. Returns the last response of our app."""
    query = approve(start(client, brand, platform), decision)
    response = client.get(callback_path(platform), {k: v[0] for k, v in query.items()})
    if response.status_code == 302 and "/choose/" in response["Location"]:
        page = client.get(response["Location"])
        assert page.status_code == 200
        ids = choose if choose is not None else [_first_account(page.content.decode())]
        response = client.post(response["Location"], {"account": ids})
    return response


def _first_account(html: str) -> str:
    marker = 'name="account" value="'
    start_at = html.index(marker) + len(marker)
    return html[start_at : html.index('"', start_at)].replace("&amp;", "&")


def path_of(url: str) -> str:
    return urlsplit(url).path
