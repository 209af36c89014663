"""Re-encrypt every EncryptedTextField of every model under the newest FIELD_ENCRYPTION_KEYS
entry, in primary-key batches. Safe while the app runs: each batch is read under a row lock
and written back in the same short transaction, so a concurrent token refresh is never
overwritten with a stale value. Ciphertext is rotated as stored (MultiFernet.rotate), so no
plaintext passes through model instances or signals.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.fields import encrypted_fields, rotate_text


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        for model in apps.get_models():
            meta = model._meta
            if not meta.managed or meta.proxy:
                continue
            fields = encrypted_fields(model)
            if fields:
                total += self._rotate_model(model, [f.column for f in fields], batch_size)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows under the newest key."))

    def _rotate_model(self, model, columns: list[str], batch_size: int) -> int:
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        names = ", ".join(quote(c) for c in columns)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        select = f"SELECT {pk}, {names} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s{lock}"  # noqa: S608
        done, last_pk = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last_pk if last_pk is not None else -1, batch_size])
                batch = cursor.fetchall()
                if not batch:
                    break
                for row_pk, *values in batch:
                    changes = {
                        column: rotate_text(value, label=f"{model._meta.label}.{column}")
                        for column, value in zip(columns, values, strict=True)
                        if value
                    }
                    if changes:
                        sets = ", ".join(f"{quote(c)} = %s" for c in changes)
                        cursor.execute(
                            f"UPDATE {table} SET {sets} WHERE {pk} = %s",  # noqa: S608
                            [*changes.values(), row_pk],
                        )
                last_pk = batch[-1][0]
                done += len(batch)
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
        return done
