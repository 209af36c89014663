"""Shared fixtures: one brand with an owner, an admin, an editor and a viewer, and an outsider
who owns a brand in another tenant. Every permission test walks this matrix."""

import copy
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connections as db_connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.platforms import platform_settings
from sandbox.models import SandboxRequest
from tenancy.models import Membership, Role
from tenancy.services import brand_create, tenant_create

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str):
    return get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)


@pytest.fixture
def tenant(db):
    return tenant_create(name="Acme", slug="acme")


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def brand(tenant, owner):
    return brand_create(tenant=tenant, name="Acme Coffee", timezone="Europe/Paris", owner=owner)


def _member(brand, username, role):
    user = make_user(username)
    Membership.objects.create(user=user, brand=brand, role=role)
    return user


@pytest.fixture
def admin_member(brand):
    return _member(brand, "brand_admin", Role.ADMIN)


@pytest.fixture
def editor(brand):
    return _member(brand, "editor", Role.EDITOR)


@pytest.fixture
def viewer(brand):
    return _member(brand, "viewer", Role.VIEWER)


@pytest.fixture
def outsider(db):
    """Owns a brand in another tenant; must never see anything of `brand`."""
    user = make_user("outsider")
    other = tenant_create(name="Globex", slug="globex")
    brand_create(tenant=other, name="Globex Tea", owner=user)
    return user


@pytest.fixture
def users(owner, admin_member, editor, viewer, outsider):
    return {
        "owner": owner,
        "admin": admin_member,
        "editor": editor,
        "viewer": viewer,
        "outsider": outsider,
    }


@pytest.fixture
def api_client_for():
    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


# --- The sandbox platforms over real HTTP -------------------------------------------------


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
    _wait_for_answers()
    db_settings["CONN_MAX_AGE"] = saved_max_age


def _wait_for_answers(seconds: float = 10) -> None:
    """A test is over when the sandbox has answered every request it received: a live-server
    thread still serving one (a client that gave up on a slow fault) would otherwise write
    its request log after the database was emptied for the next test."""
    deadline = time.monotonic() + seconds
    while SandboxRequest.objects.filter(status__isnull=True).exists():
        assert time.monotonic() < deadline, "the sandbox is still serving a request"
        time.sleep(0.05)
