"""Fixtures for connection tests: the sandbox platforms served by pytest-django's live
server, with every provider URL pointed at it."""

import copy
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connections as db_connections

from config.platforms import platform_settings


@pytest.fixture
def sandbox(live_server, settings):
    """The live server's base URL, with provider settings pointing at its sandbox."""
    # The live server answers each request in a new thread; persistent connections would
    # outlive those threads and keep the test database busy at teardown.
    db_settings = db_connections.settings["default"]
    saved_max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    settings.SANDBOX_BASE_URL = live_server.url
    for name, value in platform_settings(sandbox=True, sandbox_base_url=live_server.url).items():
        setattr(settings, name, value)
    settings.SANDBOX_LIFETIMES = copy.deepcopy(settings.SANDBOX_LIFETIMES)
    settings.PUBLIC_BASE_URL = live_server.url
    yield live_server.url
    db_settings["CONN_MAX_AGE"] = saved_max_age


def approve(authorize_url: str, decision: str = "approve") -> dict[str, list[str]]:
    """Act as the person on the sandbox consent page: load it, press Approve or Deny, and return
    the query the platform redirects back with (without following the redirect)."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
    answer = requests.post(
        authorize_url.split("?")[0],
        data={**fields, "decision": decision},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"].split("#")[0]
    return parse_qs(urlsplit(location).query)
