"""PostgreSQL triggers that make a table append-only below the ORM.

UPDATE is always refused. DELETE is refused unless the transaction has set
`audit.allow_retention` to 'on' (only the retention command does, with SET LOCAL).
Other databases rely on the model-level guard in audit.models.
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.allow_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit table % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _run_on_postgres(sql: str):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return forwards


def append_only(table: str) -> migrations.RunPython:
    """A migration operation installing the append-only trigger on `table`."""
    create = (
        FUNCTION_SQL
        + f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
    )
    drop = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
    return migrations.RunPython(_run_on_postgres(create), _run_on_postgres(drop))
