"""Refreshing tokens against the sandbox: every platform, X rotation, concurrency, dead grants."""

import threading
from datetime import timedelta

import pytest
import requests
from django.db import connection as db_connection
from django.utils import timezone

from audit.models import ActionLog
from connections.models import ConnectionStatus, PlatformConnection
from connections.providers.base import AuthRevoked
from connections.services import (
    ConnectionActionError,
    connection_refresh,
    connection_verify,
    get_valid_token,
)
from sandbox.models import SandboxRequest
from tests.connections.flows import client_for, connect

pytestmark = pytest.mark.django_db(transaction=True)


def _connected(brand, owner, platform, **choose) -> PlatformConnection:
    connect(client_for(owner), brand, platform, **choose)
    return PlatformConnection.objects.filter(platform=platform).first()


def _refreshes(platform: str) -> int:
    return SandboxRequest.objects.filter(
        platform=platform,
        endpoint__in=["token", "access_token", "refresh_access_token"],
        grant_type__in=["refresh_token", "ig_refresh_token"],
    ).count()


def test_x_refresh_rotates_the_refresh_token_and_stores_the_new_pair(sandbox, brand, owner):
    connection = _connected(brand, owner, "x")
    before_access, before_refresh = connection.access_token, connection.refresh_token
    connection_refresh(connection=connection, actor=owner)
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert stored.access_token != before_access
    assert stored.refresh_token not in ("", before_refresh)
    assert stored.last_refreshed_at is not None
    assert _refreshes("x") == 1
    assert ActionLog.objects.filter(action="connection.refreshed").count() == 1
    # the spent refresh token is dead at the platform: a second rotation still works because
    # we stored the new one
    connection_refresh(connection=stored, actor=owner)
    assert _refreshes("x") == 2


def test_google_refresh_keeps_the_stored_refresh_token_when_none_comes_back(sandbox, brand, owner):
    connection = _connected(brand, owner, "google_business")
    refresh_token = connection.refresh_token
    connection_refresh(connection=connection, actor=owner)
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert stored.refresh_token == refresh_token and refresh_token
    assert stored.access_token != connection.access_token or _refreshes("google_business") == 1
    assert _refreshes("google_business") == 1


def test_instagram_refreshes_its_long_lived_token_once_old_enough(sandbox, settings, brand, owner):
    settings.SANDBOX_LIFETIMES["instagram"]["MIN_REFRESH_AGE"] = 0
    connection = _connected(brand, owner, "instagram")
    old = connection.access_token
    connection_refresh(connection=connection, actor=owner)
    assert PlatformConnection.objects.get(pk=connection.pk).access_token not in ("", old)


def test_instagram_refuses_a_token_younger_than_a_day(sandbox, brand, owner):
    connection = _connected(brand, owner, "instagram")
    with pytest.raises(ConnectionActionError, match="too new"):
        connection_refresh(connection=connection, actor=owner)
    assert PlatformConnection.objects.get(pk=connection.pk).status == ConnectionStatus.ACTIVE


def test_linkedin_refresh_returns_the_same_fixed_life_refresh_token(sandbox, brand, owner):
    connection = _connected(brand, owner, "linkedin")
    connection_refresh(connection=connection, actor=owner)
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert stored.refresh_token == connection.refresh_token
    assert stored.access_token != connection.access_token or _refreshes("linkedin") == 1


def test_facebook_cannot_refresh_and_says_to_reconnect(sandbox, brand, owner):
    connection = _connected(brand, owner, "facebook")
    with pytest.raises(ConnectionActionError, match="cannot be refreshed"):
        connection_refresh(connection=connection, actor=owner)


def test_get_valid_token_does_not_call_the_platform_while_the_token_is_fresh(sandbox, brand, owner):
    connection = _connected(brand, owner, "x")
    token = get_valid_token(connection)
    assert token.access_token == connection.access_token
    assert _refreshes("x") == 0


def test_get_valid_token_refreshes_a_token_expiring_within_five_minutes(sandbox, brand, owner):
    connection = _connected(brand, owner, "x")
    PlatformConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=timezone.now() + timedelta(minutes=4)
    )
    connection.refresh_from_db()
    token = get_valid_token(connection)
    assert token.access_token != "" and _refreshes("x") == 1
    assert token.expires_at > timezone.now() + timedelta(hours=1)


def test_a_revoked_grant_ends_in_needs_reauth_with_a_message(sandbox, brand, owner):
    connection = _connected(brand, owner, "x")
    # the user removes the app at X
    requests.post(
        f"{sandbox}/sandbox/_control/faults", json={"platform": "x", "kind": "revoked"}, timeout=10
    )
    with pytest.raises(ConnectionActionError, match="reconnect"):
        connection_refresh(connection=connection, actor=owner)
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert stored.status == ConnectionStatus.NEEDS_REAUTH
    assert "reconnect" in stored.last_error and stored.refresh_due_at is None
    assert ActionLog.objects.filter(action="connection.needs_reauth").count() == 1
    with pytest.raises(AuthRevoked):
        get_valid_token(stored)


def test_verify_reads_the_identity_endpoint_and_a_revoked_google_grant_needs_reauth(
    sandbox, brand, owner
):
    connection = _connected(brand, owner, "google_business")
    connection_verify(connection=connection, actor=owner)
    assert (
        SandboxRequest.objects.filter(platform="google_business", endpoint="userinfo").count() == 2
    )
    requests.post(
        f"{sandbox}/sandbox/_control/faults",
        json={"platform": "google_business", "kind": "revoked"},
        timeout=10,
    )
    with pytest.raises(ConnectionActionError):
        connection_verify(connection=connection, actor=owner)
    assert PlatformConnection.objects.get(pk=connection.pk).status == ConnectionStatus.NEEDS_REAUTH


def test_a_transient_failure_keeps_the_connection_and_records_the_error(sandbox, brand, owner):
    connection = _connected(brand, owner, "x")
    requests.post(
        f"{sandbox}/sandbox/_control/faults",
        json={"platform": "x", "kind": "status", "scope": "oauth", "options": {"status": 503}},
        timeout=10,
    )
    with pytest.raises(ConnectionActionError, match="could not refresh"):
        connection_refresh(connection=connection, actor=owner)
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert stored.status == ConnectionStatus.ACTIVE and "server error" in stored.last_error
    assert stored.refresh_token == connection.refresh_token


def test_two_concurrent_refreshes_of_one_x_connection_refresh_once_and_share_the_token(
    sandbox, brand, owner
):
    if db_connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT ... FOR UPDATE); SQLite serialises writers")
    connection = _connected(brand, owner, "x")
    PlatformConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=timezone.now() + timedelta(minutes=1)
    )
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[Exception] = []

    def worker():
        from django.db import connection as thread_db

        try:
            mine = PlatformConnection.objects.get(pk=connection.pk)
            barrier.wait(timeout=10)
            results.append(get_valid_token(mine).access_token)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            thread_db.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert results == [stored.access_token, stored.access_token]
    assert _refreshes("x") == 1
    assert stored.status == ConnectionStatus.ACTIVE


def test_a_401_before_the_stored_expiry_refreshes_once_even_for_two_callers(sandbox, brand, owner):
    # given a token the platform refused although our clock says it is fresh
    connection = _connected(brand, owner, "x")
    refused = connection.access_token
    # when two callers report it in turn
    first = get_valid_token(connection, stale_access_token=refused)
    second_caller = PlatformConnection.objects.get(pk=connection.pk)
    second = get_valid_token(second_caller, stale_access_token=refused)
    # then one refresh happened and both got the new token
    assert first.access_token == second.access_token != refused
    assert _refreshes("x") == 1


def test_a_platform_timeout_after_sending_is_reported_and_changes_nothing(
    sandbox, settings, brand, owner
):
    connection = _connected(brand, owner, "x")
    settings.PLATFORM_READ_TIMEOUT = 0.5
    requests.post(
        f"{sandbox}/sandbox/_control/faults",
        json={"platform": "x", "kind": "timeout", "scope": "api", "options": {"seconds": 1.5}},
        timeout=10,
    )
    with pytest.raises(ConnectionActionError, match="may have succeeded"):
        connection_verify(connection=connection, actor=owner)
    assert SandboxRequest.objects.filter(platform="x", fault="timeout").count() == 1
    assert PlatformConnection.objects.get(pk=connection.pk).status == ConnectionStatus.ACTIVE
