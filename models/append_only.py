"""DDL that makes a table append-only: the database itself refuses UPDATE and DELETE.

Migrations call `make_append_only(op, "table")`; both SQLite and PostgreSQL
raise an error naming the table when a row is changed or removed.
"""

from __future__ import annotations

from typing import Any


def _pg_statements(table: str) -> list[str]:
    fn = f"{table}_append_only"
    return [
        f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{table} is append-only';
END;
$$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {fn}_trg ON {table}",
        f"""CREATE TRIGGER {fn}_trg BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {fn}()""",
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
    ]


def make_append_only(op: Any, table: str) -> None:
    """Install the refusing triggers on `table` for the migrating database."""
    dialect = op.get_bind().dialect.name
    statements = _pg_statements(table) if dialect == "postgresql" else _sqlite_statements(table)
    for statement in statements:
        op.execute(statement)


def drop_append_only(op: Any, table: str) -> None:
    """Remove the triggers (downgrade)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_trg ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def allow_redaction(op: Any, table: str, *, fixed: list[str]) -> None:
    """Keep `table` append-only except for blanking its free-text column (erasure, PIPL art. 47).

    The triggers fire on DELETE and on an UPDATE that sets any of the `fixed`
    columns, so only the column left out (a note) can be overwritten.
    """
    columns = ", ".join(fixed)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_trg ON {table}")
        op.execute(f"""CREATE TRIGGER {table}_append_only_trg BEFORE DELETE OR UPDATE OF {columns}
ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {columns} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""")


def refuse_redaction(op: Any, table: str) -> None:
    """Undo `allow_redaction`: refuse every UPDATE again (downgrade)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_trg ON {table}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    make_append_only(op, table)
