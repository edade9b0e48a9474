"""meal rollup kept by the database: triggers on meal_bookings replace the ORM commit hook

Revision ID: 0021_rollup_trigger
Revises: 0020_crypttext
Create Date: 2026-12-03 18:00:00.000000

`meal_monthly_rollups` (per canteen, month of the meal day, verified tier or
'', status: bookings, portions, subsidy, payable) was kept in step by session
listeners in `models/meals.py`. From here the database keeps it: every INSERT,
DELETE and UPDATE of a rolled-up column of `meal_bookings` moves the rollup
by (share now - share before), whoever writes (ORM, Core bulk statements, raw
SQL), in the writing transaction, so it commits or rolls back with it.

PostgreSQL: a row-level constraint trigger DEFERRABLE INITIALLY DEFERRED, so
the rollup's hot rows are written at commit, after the seat (meal_slots) and
booking rows, and held only until the commit; one booking's two rows (old
and new key) are locked in key order. A trigger that wrote at the time of the
change would deadlock a cancel (rollup then seats) against a booking (seats
then rollup). `SET CONSTRAINTS meal_bookings_roll_up IMMEDIATE` applies the
pending moves at once (`rebuild_meal_rollups` does, before it recomputes).

SQLite: plain AFTER triggers (writers are serialised by BEGIN IMMEDIATE).
A migration that rebuilds `meal_bookings` on SQLite (batch mode) drops these
triggers and must create them again (`create_triggers`).

The rollup is recomputed from the bookings on upgrade, so it starts exact.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0021_rollup_trigger'
down_revision: str | Sequence[str] | None = '0020_crypttext'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "canteen_id, day, economic_tier, status, count, subsidy_fen, payable_fen"

# --------------------------------------------------------------------- PostgreSQL

PG_MOVE = """
CREATE FUNCTION meal_rollup_move(p_canteen integer, p_day date, p_tier varchar, p_status varchar,
                                 p_bookings integer, p_portions integer, p_subsidy integer,
                                 p_payable integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO meal_monthly_rollups AS r (canteen_id, month, economic_tier, status, bookings,
                                           portions, subsidy_fen, payable_fen)
    VALUES (p_canteen, to_char(p_day, 'YYYY-MM'), COALESCE(p_tier, ''), p_status, p_bookings,
            p_portions, p_subsidy, p_payable)
    ON CONFLICT (canteen_id, month, economic_tier, status) DO UPDATE SET
        bookings = r.bookings + excluded.bookings, portions = r.portions + excluded.portions,
        subsidy_fen = r.subsidy_fen + excluded.subsidy_fen,
        payable_fen = r.payable_fen + excluded.payable_fen
$$
"""

PG_ROLL_UP = """
CREATE FUNCTION meal_bookings_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM meal_rollup_move(NEW.canteen_id, NEW.day, NEW.economic_tier, NEW.status, 1,
                                 NEW.count, NEW.subsidy_fen, NEW.payable_fen);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM meal_rollup_move(OLD.canteen_id, OLD.day, OLD.economic_tier, OLD.status, -1,
                                 -OLD.count, -OLD.subsidy_fen, -OLD.payable_fen);
    ELSIF (OLD.canteen_id, OLD.day, OLD.economic_tier, OLD.status, OLD.count, OLD.subsidy_fen,
           OLD.payable_fen) IS DISTINCT FROM (NEW.canteen_id, NEW.day, NEW.economic_tier,
           NEW.status, NEW.count, NEW.subsidy_fen, NEW.payable_fen) THEN
        -- the two rollup rows in key order, as every writer takes them (no deadlock cycle)
        IF (OLD.canteen_id, to_char(OLD.day, 'YYYY-MM'), COALESCE(OLD.economic_tier, ''),
            OLD.status) <= (NEW.canteen_id, to_char(NEW.day, 'YYYY-MM'),
            COALESCE(NEW.economic_tier, ''), NEW.status) THEN
            PERFORM meal_rollup_move(OLD.canteen_id, OLD.day, OLD.economic_tier, OLD.status, -1,
                                     -OLD.count, -OLD.subsidy_fen, -OLD.payable_fen);
            PERFORM meal_rollup_move(NEW.canteen_id, NEW.day, NEW.economic_tier, NEW.status, 1,
                                     NEW.count, NEW.subsidy_fen, NEW.payable_fen);
        ELSE
            PERFORM meal_rollup_move(NEW.canteen_id, NEW.day, NEW.economic_tier, NEW.status, 1,
                                     NEW.count, NEW.subsidy_fen, NEW.payable_fen);
            PERFORM meal_rollup_move(OLD.canteen_id, OLD.day, OLD.economic_tier, OLD.status, -1,
                                     -OLD.count, -OLD.subsidy_fen, -OLD.payable_fen);
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""

PG_TRIGGER = f"""
CREATE CONSTRAINT TRIGGER meal_bookings_roll_up
AFTER INSERT OR DELETE OR UPDATE OF {COLUMNS} ON meal_bookings
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION meal_bookings_roll_up()
"""

# --------------------------------------------------------------------- SQLite


def _sqlite_move(row: str, sign: str) -> str:
    return f"""
    INSERT INTO meal_monthly_rollups (canteen_id, month, economic_tier, status, bookings,
                                      portions, subsidy_fen, payable_fen)
    VALUES ({row}.canteen_id, strftime('%Y-%m', {row}.day), COALESCE({row}.economic_tier, ''),
            {row}.status, {sign}1, {sign}{row}.count, {sign}{row}.subsidy_fen,
            {sign}{row}.payable_fen)
    ON CONFLICT (canteen_id, month, economic_tier, status) DO UPDATE SET
        bookings = bookings + excluded.bookings, portions = portions + excluded.portions,
        subsidy_fen = subsidy_fen + excluded.subsidy_fen,
        payable_fen = payable_fen + excluded.payable_fen;"""


_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS.split(", "))
SQLITE_TRIGGERS = {
    "meal_bookings_roll_up_insert":
        f"AFTER INSERT ON meal_bookings BEGIN {_sqlite_move('NEW', '')} END",
    "meal_bookings_roll_up_delete":
        f"AFTER DELETE ON meal_bookings BEGIN {_sqlite_move('OLD', '-')} END",
    "meal_bookings_roll_up_update":
        f"AFTER UPDATE OF {COLUMNS} ON meal_bookings WHEN {_CHANGED} "
        f"BEGIN {_sqlite_move('OLD', '-')} {_sqlite_move('NEW', '')} END",
}

REBUILD = (
    "INSERT INTO meal_monthly_rollups (canteen_id, month, economic_tier, status, bookings,"
    " portions, subsidy_fen, payable_fen) SELECT canteen_id, {month}, COALESCE(economic_tier, ''),"
    " status, COUNT(*), SUM(count), SUM(subsidy_fen), SUM(payable_fen) FROM meal_bookings"
    " GROUP BY 1, 2, 3, 4"
)


def create_triggers(dialect: str) -> None:
    """Create the rollup triggers (also for a later migration that rebuilds meal_bookings)."""
    if dialect == "postgresql":
        for statement in (PG_MOVE, PG_ROLL_UP, PG_TRIGGER):
            op.execute(statement)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    create_triggers(dialect)
    month = "to_char(day, 'YYYY-MM')" if dialect == "postgresql" else "strftime('%Y-%m', day)"
    op.execute("DELETE FROM meal_monthly_rollups")
    op.execute(REBUILD.replace("{month}", month))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER meal_bookings_roll_up ON meal_bookings")
        op.execute("DROP FUNCTION meal_bookings_roll_up()")
        op.execute("DROP FUNCTION meal_rollup_move(integer, date, varchar, varchar, integer,"
                   " integer, integer, integer)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
