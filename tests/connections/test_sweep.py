"""The Beat refresh sweep: only due rows are read, refreshable tokens are refreshed ahead of
time, Facebook connections are marked expiring 7 days before their grant runs out."""

from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from connections.models import ConnectionStatus, PlatformConnection
from connections.services.vault import refresh_due_at
from connections.tasks import refresh_connection, sweep_due_connections
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest
from tests.connections.flows import client_for, connect


def _row(brand, account_id: str, *, platform="facebook", expires_in=timedelta(days=30), refresh=""):
    connection = PlatformConnection(
        brand=brand,
        platform=platform,
        account_id=account_id,
        access_token=f"tok-{account_id}",
        refresh_token=refresh,
        token_expires_at=timezone.now() + expires_in,
    )
    connection.refresh_due_at = refresh_due_at(connection)
    connection.save()
    return connection


def test_the_sweep_is_scheduled_with_an_expiry():
    entry = app.conf.beat_schedule["connections-sweep-refresh"]
    assert entry["task"] == "connections.sweep_refresh" and entry["options"]["expires"] > 0


@pytest.mark.django_db
def test_the_sweep_reads_only_due_rows_with_one_query_however_many_are_not_due(brand):
    # given two due connections and many that are not
    due = [
        _row(brand, "due-1", expires_in=timedelta(days=3)),
        _row(brand, "due-2", expires_in=timedelta(days=1)),
    ]
    for index in range(50):
        _row(brand, f"later-{index}", expires_in=timedelta(days=40))
    _row(brand, "forever", expires_in=timedelta(days=1)).__class__.objects.filter(
        account_id="forever"
    ).update(token_expires_at=None, refresh_due_at=None)
    # when the sweep runs
    found: list[int] = []
    with CaptureQueriesContext(db_connection) as queries:
        sweep_due_connections(enqueue=found.append)
    # then it issued one query and found exactly the due rows
    assert sorted(found) == sorted(c.pk for c in due)
    assert len(queries) == 1
    assert "refresh_due_at" in queries[0]["sql"]


@pytest.mark.django_db
def test_facebook_connections_turn_expiring_seven_days_ahead_then_need_reauth(brand):
    connection = _row(brand, "page-1", expires_in=timedelta(days=6))
    assert refresh_connection(connection.pk) == "expiring"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.EXPIRING
    assert "Reconnect" in connection.last_error
    assert connection.refresh_due_at == connection.token_expires_at
    PlatformConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert refresh_connection(connection.pk) == "needs_reauth"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_REAUTH and connection.refresh_due_at is None


@pytest.mark.django_db(transaction=True)
def test_the_sweep_refreshes_a_due_x_connection_ahead_of_expiry(sandbox, brand, owner):
    connect(client_for(owner), brand, "x")
    connection = PlatformConnection.objects.get()
    PlatformConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=timezone.now() + timedelta(minutes=20),
        refresh_due_at=timezone.now() - timedelta(seconds=1),
    )
    sweep_due_connections(enqueue=lambda pk: refresh_connection(pk))
    stored = PlatformConnection.objects.get()
    assert stored.access_token != connection.access_token
    assert stored.refresh_due_at > timezone.now() + timedelta(hours=1)
    assert SandboxRequest.objects.filter(platform="x", grant_type="refresh_token").count() == 1
    # a second sweep finds nothing due
    assert sweep_due_connections(enqueue=lambda pk: None) == []


@pytest.mark.django_db(transaction=True)
def test_a_facebook_page_token_is_stored_without_expiry_and_verified_daily(sandbox, brand, owner):
    # Before: the Page token carried the user token's 60 days and paused the Page for nothing.
    connect(client_for(owner), brand, "facebook", choose=["200000000001"])
    connection = PlatformConnection.objects.get()
    assert connection.token_expires_at is None
    assert connection.refresh_due_at > timezone.now() + timedelta(hours=23)

    PlatformConnection.objects.filter(pk=connection.pk).update(refresh_due_at=timezone.now())
    before = SandboxRequest.objects.filter(platform="facebook", endpoint="me").count()
    assert refresh_connection(connection.pk) == "verified"

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert SandboxRequest.objects.filter(platform="facebook", endpoint="me").count() == before + 1
    assert connection.refresh_due_at > timezone.now() + timedelta(hours=23)


@pytest.mark.django_db(transaction=True)
def test_a_page_token_that_died_is_found_by_the_sweep(sandbox, brand, owner):
    connect(client_for(owner), brand, "facebook", choose=["200000000001"])
    connection = PlatformConnection.objects.get()
    add_fault(platform="facebook", kind="revoked")  # e.g. the person changed their password
    PlatformConnection.objects.filter(pk=connection.pk).update(refresh_due_at=timezone.now())

    assert refresh_connection(connection.pk) == "needs_reauth"

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_REAUTH and connection.refresh_due_at is None
