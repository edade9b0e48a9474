"""The monthly meals rollup: recompute it from the bookings, and compare it with them.

`meal_monthly_rollups` is kept in step by triggers on `meal_bookings`
(migration 0021_rollup_trigger): every write of a booking, through the ORM or
not, moves it in the same transaction (on PostgreSQL at commit). A rollup that
drifted anyway (edited by hand, triggers disabled) is put right by
`rebuild_meal_rollups`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, text
from sqlalchemy.orm import Session

from core.db import is_postgres
from models.meals import MealBooking, MealMonthlyRollup

RollupKey = tuple[int, str, str, str]  # canteen id, month (YYYY-MM), tier ('' for none), status
Totals = tuple[int, int, int, int]  # bookings, portions, subsidy_fen, payable_fen


def _month(session: Session) -> ColumnElement[str]:
    if is_postgres(session):
        return func.to_char(MealBooking.day, "YYYY-MM")
    return func.strftime("%Y-%m", MealBooking.day)


def _direct(session: Session, canteen_id: int | None) -> Any:
    """SELECT canteen, month, tier, status and the four totals straight from meal_bookings."""
    month = _month(session).label("month")
    tier = func.coalesce(MealBooking.economic_tier, "").label("economic_tier")
    stmt = (select(MealBooking.canteen_id, month, tier, MealBooking.status,
                   func.count().label("bookings"), func.sum(MealBooking.count).label("portions"),
                   func.sum(MealBooking.subsidy_fen).label("subsidy_fen"),
                   func.sum(MealBooking.payable_fen).label("payable_fen"))
            .group_by(MealBooking.canteen_id, month, tier, MealBooking.status))
    if canteen_id is not None:
        stmt = stmt.where(MealBooking.canteen_id == canteen_id)
    return stmt


def rebuild_meal_rollups(session: Session, *, canteen_id: int | None = None) -> int:
    """Recompute the rollup (one canteen or all) from meal_bookings; return the rows written."""
    if is_postgres(session):
        # This transaction's own pending rollup moves first, so the recount is not moved again.
        session.execute(text("SET CONSTRAINTS meal_bookings_roll_up IMMEDIATE"))
        # Waits for writers in flight and holds new ones until commit, so none is lost.
        session.execute(text("LOCK TABLE meal_monthly_rollups IN SHARE ROW EXCLUSIVE MODE"))
    wipe = delete(MealMonthlyRollup)
    if canteen_id is not None:
        wipe = wipe.where(MealMonthlyRollup.canteen_id == canteen_id)
    session.execute(wipe.execution_options(synchronize_session=False))
    columns = ["canteen_id", "month", "economic_tier", "status", "bookings", "portions",
               "subsidy_fen", "payable_fen"]
    session.execute(insert(MealMonthlyRollup).from_select(columns, _direct(session, canteen_id)))
    session.expire_all()
    written = select(func.count()).select_from(MealMonthlyRollup)
    if canteen_id is not None:
        written = written.where(MealMonthlyRollup.canteen_id == canteen_id)
    return int(session.scalar(written) or 0)


def aggregate_bookings(session: Session, *, canteen_id: int | None = None) -> dict[RollupKey, Totals]:
    """Add up meal_bookings directly, keyed like the rollup (the rollup must equal this)."""
    return {(c, m, t, s): (int(n), int(p), int(sub), int(pay))
            for c, m, t, s, n, p, sub, pay in session.execute(_direct(session, canteen_id))}


def read_meal_rollups(session: Session, *, canteen_id: int | None = None) -> dict[RollupKey, Totals]:
    """Return the rollup's non-zero rows, keyed by canteen, month, tier and status."""
    r = MealMonthlyRollup
    stmt = select(r.canteen_id, r.month, r.economic_tier, r.status, r.bookings, r.portions,
                  r.subsidy_fen, r.payable_fen)
    if canteen_id is not None:
        stmt = stmt.where(r.canteen_id == canteen_id)
    return {(c, m, t, s): (n, p, sub, pay) for c, m, t, s, n, p, sub, pay in session.execute(stmt)
            if (n, p, sub, pay) != (0, 0, 0, 0)}


def check_meal_rollups(session: Session, *, canteen_id: int | None = None) -> dict[RollupKey, tuple[Totals | None, Totals | None]]:
    """Return every key where the rollup and the bookings disagree: (rollup, bookings)."""
    rolled = read_meal_rollups(session, canteen_id=canteen_id)
    direct = aggregate_bookings(session, canteen_id=canteen_id)
    return {key: (rolled.get(key), direct.get(key)) for key in rolled.keys() | direct.keys()
            if rolled.get(key) != direct.get(key)}
