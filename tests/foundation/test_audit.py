import pytest
from django.db import connection, transaction

from audit.models import ActionLog, AppendOnlyError
from audit.services import record_action


def test_audit_rows_refuse_updates_and_deletes_in_code(brand, owner):
    row = record_action(action="test.thing", actor=owner, brand=brand, details={"k": "v"})
    row.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        ActionLog.objects.filter(pk=row.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        ActionLog.objects.filter(pk=row.pk).delete()
    assert ActionLog.objects.get(pk=row.pk).action == "test.thing"


def test_audit_details_are_redacted(brand, owner):
    row = record_action(action="test.secret", brand=brand, details={"access_token": "abc123xyz"})
    assert row.details == {"access_token": "[REDACTED]"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_actionlog SET action = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_actionlog WHERE id = %s",
    ],
)
def test_postgres_trigger_rejects_raw_update_and_delete(brand, sql):
    from django.db.utils import DatabaseError

    row = record_action(action="test.raw", brand=brand)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert ActionLog.objects.filter(pk=row.pk, action="test.raw").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
def test_every_append_only_table_has_the_trigger(db):
    from audit.services import append_only_models

    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {name for (name,) in cursor.fetchall()}
    tables = [model._meta.db_table for model in append_only_models()]
    assert "audit_platformsyncrun" in tables
    assert [t for t in tables if f"{t}_append_only" not in triggers] == []


def test_a_sync_run_is_recorded_once_with_a_safe_error(brand):
    from datetime import timedelta

    from django.utils import timezone

    from audit.models import PlatformSyncRun
    from audit.services import record_sync_run
    from connections.models import PlatformConnection
    from connections.providers.base import RateLimited

    conn = PlatformConnection.objects.create(
        brand=brand, platform="x", account_id="1", display_name="x", access_token="t"
    )
    start = timezone.now()
    run = record_sync_run(
        connection=conn, kind="analytics_incremental", started_at=start,
        finished_at=start + timedelta(seconds=2), records=7, outcome="partial",
        error=RateLimited("X: rate limited until 12:00"), details={"cursor": "abc"},
    )  # fmt: skip
    assert (run.error_code, run.records, run.duration_ms) == ("rate_limited", 7, 2000)
    with pytest.raises(AppendOnlyError):
        PlatformSyncRun.objects.filter(pk=run.pk).update(records=8)
