"""The audit log is append-only below the ORM: database triggers refuse to change or delete an event, whoever asks
(raw SQL, `QuerySet._update()`, `loaddata` of a fixture whose pk already exists — Django first tries an UPDATE).

- PostgreSQL: one plpgsql function, run BEFORE UPDATE OR DELETE for each row and BEFORE TRUNCATE, raises
  `restrict_violation` (Django's IntegrityError).
- SQLite: `BEFORE UPDATE` and `BEFORE DELETE` triggers that `RAISE(ABORT, ...)` (also an IntegrityError).

The one exception is `flush`, which wipes the whole database (Django's test runner flushes after every
transactional test; an operator may flush on purpose). Deleting is allowed while the table `audit_flush_permit`
holds a row, and only the `flush` command writes that row: `audit/management/commands/flush.py` inserts it, flushes
and removes it again inside one transaction, so no other connection ever sees it and a crash leaves no permit
behind. The permit table is not a Django model, so `flush` never empties it half-way. UPDATE is refused always.

Somebody who can run DDL can drop these triggers (or write a permit); the hash chain (`audit/chain.py`,
`rugpad audit verify`) is what makes such tampering visible. On PostgreSQL, run the application under a role
without UPDATE, DELETE, TRUNCATE and DDL rights on the audit tables for a second fence.

Note for later migrations: on SQLite, an AlterField on `AuditEvent` may rebuild the table, which drops its
triggers; such a migration must install them again (the tamper tests fail otherwise).
"""

from typing import Any

from django.db import migrations

PERMIT_TABLE = "CREATE TABLE audit_flush_permit (flushing integer NOT NULL)"

SQLITE = [
    PERMIT_TABLE,
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM audit_flush_permit)
    BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_auditevent_no_delete",
    "DROP TRIGGER audit_auditevent_no_update",
    "DROP TABLE audit_flush_permit",
]

POSTGRESQL = [
    PERMIT_TABLE,
    """CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND EXISTS (SELECT 1 FROM audit_flush_permit) THEN
            RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'audit events cannot be changed' USING ERRCODE = 'restrict_violation';
        END IF;
        RAISE EXCEPTION 'audit events cannot be deleted' USING ERRCODE = 'restrict_violation';
    END
    $$""",
    """CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION audit_refuse_change()",
    "DROP TABLE audit_flush_permit",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"no append-only triggers for the {vendor} database")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)  # None: the SQL is passed on as it is

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_events")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
