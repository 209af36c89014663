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
