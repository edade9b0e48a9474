"""free text at rest: notes, reasons, feedback, timeline notes and stored responses sealed

Revision ID: 0020_crypttext
Revises: 0019_funds
Create Date: 2026-12-03 13:50:00.000000

Every column a person types into becomes EncryptedText (TEXT holding
`v1:` AES-GCM ciphertext; the idempotency replay body becomes EncryptedJSON),
and the rows already there are sealed in place; downgrade opens them and
restores the old types.

PostgreSQL changes a column's type with ALTER COLUMN. SQLite cannot, and
rebuilding a table (Alembic's batch mode) drops and re-creates it, which with
foreign keys on would cascade into `activity_signups`; so on SQLite a column
whose type changes is replaced in place: ADD COLUMN, copy the sealed values,
DROP COLUMN, RENAME COLUMN (SQLite 3.35+). A NOT NULL column added that way
needs a default: it gets DEFAULT '' on SQLite only (every insert names it).
Append-only tables (`help_request_events`, `points_postings`) refuse UPDATE
through triggers: they are lifted for the conversion and put back.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op

from core import crypto
from core.errors import DecryptionError
from models.append_only import allow_redaction, drop_append_only, make_append_only

revision: str = '0020_crypttext'
down_revision: str | Sequence[str] | None = '0019_funds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = {"help_request_events", "points_postings"}
BATCH = 2000


@dataclass(frozen=True)
class Sealed:
    table: str
    column: str
    old_type: sa.types.TypeEngine  # type: ignore[type-arg]
    nullable: bool = True

    @property
    def type_changes(self) -> bool:
        return not isinstance(self.old_type, sa.Text)

    @property
    def is_json(self) -> bool:
        return isinstance(self.old_type, sa.JSON)


COLUMNS = (
    Sealed("meal_bookings", "note", sa.String(100)),
    Sealed("meal_bookings", "reason", sa.String(256), nullable=False),
    Sealed("service_records", "description", sa.Text()),
    Sealed("service_records", "check_in_location", sa.String(64)),
    Sealed("service_records", "disputed_reason", sa.String(200)),
    Sealed("service_records", "reject_reason", sa.String(200)),
    Sealed("volunteer_profiles", "availability", sa.String(200)),
    Sealed("volunteer_profiles", "reject_reason", sa.String(200)),
    Sealed("points_postings", "memo", sa.String(200), nullable=False),
    Sealed("help_requests", "rejection_reason", sa.Text()),
    Sealed("help_requests", "feedback_comment", sa.Text()),
    Sealed("help_request_events", "note", sa.Text()),
    Sealed("proxies", "relation", sa.String(32)),
    Sealed("activities", "cancel_reason", sa.String(200)),
    Sealed("idempotency_records", "response", sa.JSON()),
)


def _is_sealed(value: str) -> bool:
    """True for our ciphertext; a `v1:` value the key cannot open stops the migration."""
    if not value.startswith(f"{crypto.VERSION}:"):
        return False
    try:
        crypto.decrypt(value)
    except (DecryptionError, ValueError) as exc:
        raise RuntimeError(f"cannot open a sealed value: is DATA_ENCRYPTION_KEY right? ({exc})") from None
    return True


def _as_text(value: object) -> str:
    # PostgreSQL's driver hands JSON back parsed; SQLite hands back its text.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _seal(value: object) -> str:
    text = _as_text(value)
    return text if _is_sealed(text) else crypto.encrypt(text)


def _open(value: object) -> str:
    text = _as_text(value)
    return crypto.decrypt(text) if _is_sealed(text) else text


def _rewrite(col: Sealed, *, into: str, change: Callable[[object], str]) -> None:
    """Write change(value) into column `into` for every row where the column is not null."""
    bind = op.get_bind()
    table = sa.table(col.table, *(sa.column(name) for name in dict.fromkeys(("id", col.column, into))))
    update = (table.update().where(table.c.id == sa.bindparam("row_id"))
              .values({into: sa.bindparam("value")}))
    last = 0
    while True:  # in batches by id, so a large table is never held in memory at once
        rows = bind.execute(sa.select(table.c.id, table.c[col.column])
                            .where(table.c[col.column].is_not(None), table.c.id > last)
                            .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(update, [{"row_id": row[0], "value": change(row[1])} for row in rows])
        last = rows[-1][0]


def _sqlite_replace(col: Sealed, new_type: str, change: Callable[[object], str]) -> None:
    """Swap the column for one of `new_type` holding change(value), under the same name."""
    temp = f"{col.column}__new"
    not_null = "" if col.nullable else " NOT NULL DEFAULT ''"
    op.execute(f"ALTER TABLE {col.table} ADD COLUMN {temp} {new_type}{not_null}")
    _rewrite(col, into=temp, change=change)
    op.execute(f"ALTER TABLE {col.table} DROP COLUMN {col.column}")
    op.execute(f"ALTER TABLE {col.table} RENAME COLUMN {temp} TO {col.column}")


def _upgrade_column(col: Sealed, sqlite: bool) -> None:
    if sqlite and col.type_changes:
        _sqlite_replace(col, "TEXT", _seal)
        return
    if col.type_changes:
        op.alter_column(col.table, col.column, type_=sa.Text(), existing_type=col.old_type,
                        existing_nullable=col.nullable,
                        postgresql_using=f"{col.column}::text" if col.is_json else None)
    _rewrite(col, into=col.column, change=_seal)


def _downgrade_column(col: Sealed, sqlite: bool) -> None:
    if sqlite and col.type_changes:
        old_type = col.old_type.compile(dialect=op.get_bind().dialect)
        _sqlite_replace(col, old_type, _open)
        return
    _rewrite(col, into=col.column, change=_open)
    if col.type_changes:
        op.alter_column(col.table, col.column, type_=col.old_type, existing_type=sa.Text(),
                        existing_nullable=col.nullable,
                        postgresql_using=f"{col.column}::json" if col.is_json else None)


# Append-only tables whose note erasure may blank (0015_rights); every other column stays fixed.
REDACTABLE = {"help_request_events": ["id", "request_id", "at", "actor_id", "kind", "from_status",
                                      "to_status"]}


def _each_table(step: Callable[[Sealed, bool], None]) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in dict.fromkeys(c.table for c in COLUMNS):
        if table in APPEND_ONLY:
            drop_append_only(op, table)
        for col in (c for c in COLUMNS if c.table == table):
            step(col, sqlite)
        if table in APPEND_ONLY:
            make_append_only(op, table)
            if table in REDACTABLE:  # as 0015_rights left it: only the note may be blanked
                allow_redaction(op, table, fixed=REDACTABLE[table])


def upgrade() -> None:
    _each_table(_upgrade_column)


def downgrade() -> None:
    _each_table(_downgrade_column)
