from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.models import ActionLog
from audit.services import record_action


def insert_old_row(brand, days) -> int:
    # Raw INSERT: the model stamps created_at itself, and audit rows cannot be updated after.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_actionlog (brand_id, action, target_type, target_id, details,"
            " created_at) VALUES (%s, 'test.old', '', '', '{}', %s)",
            [brand.pk, timezone.now() - timedelta(days=days)],
        )
    return ActionLog.objects.get(action="test.old").pk


def test_prune_audit_removes_only_old_rows_and_records_that_it_did(brand, capsys):
    old_pk = insert_old_row(brand, 500)
    recent = record_action(action="test.recent", brand=brand)

    call_command("prune_audit", "--days", "400")

    assert not ActionLog.objects.filter(pk=old_pk).exists()
    assert ActionLog.objects.filter(pk=recent.pk).exists()
    run = ActionLog.objects.get(action="audit.retention")
    assert run.details["removed"]["audit.ActionLog"] == 1
    assert "audit.ActionLog: removed 1" in capsys.readouterr().out
