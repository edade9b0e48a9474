"""The funds ledger: double-entry postings between a fund's four accounts, never overdrawn.

Like the points ledger (services/volunteers/ledger.py): a posting moves a
positive amount from one account to another and writes two entries that sum
to zero; balances move by a conditional UPDATE in the same transaction, in
account-id order so concurrent postings cannot deadlock. A fund's `balance`
account only moves down with `balance >= amount` in the WHERE clause, so two
bookings racing for its last yuan cannot both take it: the second UPDATE
waits for the first to commit, finds too little and matches no row.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import clock
from core.errors import Conflict, ErrorCode
from models.funds import FUND_ACCOUNT_KINDS, FundAccount, FundEntry, FundPosting
from models.meals import MealBooking
from services.messaging.alerts import raise_alert

logger = logging.getLogger(__name__)

# Which account each kind of posting moves money from and to.
MOVES = {
    "donation": ("donors", "balance"),
    "meal_subsidy": ("balance", "meals"),
    "meal_refund": ("meals", "balance"),
    "project": ("balance", "projects"),
}


class FundEmpty(Conflict):
    error = ErrorCode.FUND_EMPTY


def open_fund_accounts(session: Session, *, fund_id: int) -> None:
    """Open a new fund's four accounts at zero."""
    session.add_all([FundAccount(fund_id=fund_id, kind=kind, balance=0)
                     for kind in FUND_ACCOUNT_KINDS])
    session.flush()


def fund_accounts(session: Session, *, fund_id: int) -> dict[str, FundAccount]:
    """Return a fund's accounts by kind."""
    found = session.scalars(select(FundAccount).where(FundAccount.fund_id == fund_id))
    return {a.kind: a for a in found}


def fund_balance_fen(session: Session, *, fund_id: int) -> int:
    """Return what a fund holds now (its balance account)."""
    balance = session.scalar(select(FundAccount.balance).where(
        FundAccount.fund_id == fund_id, FundAccount.kind == "balance"))
    return int(balance or 0)


def _move(session: Session, account: FundAccount, delta: int) -> None:
    stmt = update(FundAccount).where(FundAccount.id == account.id)
    if delta < 0 and account.kind != "donors":
        stmt = stmt.where(FundAccount.balance >= -delta)
    result = session.execute(stmt.values(balance=FundAccount.balance + delta),
                             execution_options={"synchronize_session": False})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise FundEmpty()
    session.expire(account, ["balance"])


def post_fund(session: Session, *, fund_id: int, kind: str, amount_fen: int,
              actor_id: int | None = None, **links: int | None) -> FundPosting:
    """Move `amount_fen` as one balanced posting; all or nothing (raises FundEmpty)."""
    if amount_fen <= 0:
        raise ValueError("a posting moves a positive amount")
    accounts = fund_accounts(session, fund_id=fund_id)
    source, target = (accounts[k] for k in MOVES[kind])
    now = clock.now()
    with session.begin_nested():
        posting = FundPosting(fund_id=fund_id, kind=kind, amount_fen=amount_fen,
                              created_by_id=actor_id, created_at=now, **links)
        session.add(posting)
        session.flush()
        for account, delta in sorted(((source, -amount_fen), (target, amount_fen)),
                                     key=lambda pair: pair[0].id):
            _move(session, account, delta)
        session.add_all([
            FundEntry(posting_id=posting.id, account_id=source.id, amount_fen=-amount_fen),
            FundEntry(posting_id=posting.id, account_id=target.id, amount_fen=amount_fen),
        ])
        session.flush()
    return posting


def draw_meal_subsidy(session: Session, *, booking: MealBooking, fund_id: int) -> FundPosting:
    """Pay a booking's subsidy from a fund (raises FundEmpty when it holds too little)."""
    return post_fund(session, fund_id=fund_id, kind="meal_subsidy", amount_fen=booking.subsidy_fen,
                     actor_id=booking.booked_by_id, booking_id=booking.id)


def refund_meal_subsidy(session: Session, *, booking: MealBooking) -> FundPosting | None:
    """Give a cancelled booking's subsidy back to the fund that paid it (once)."""
    drawn = session.scalar(select(FundPosting).where(
        FundPosting.booking_id == booking.id, FundPosting.kind == "meal_subsidy"))
    if drawn is None:
        return None
    refunded = session.scalar(select(FundPosting.id).where(
        FundPosting.booking_id == booking.id, FundPosting.kind == "meal_refund"))
    if refunded is not None:
        return None
    return post_fund(session, fund_id=drawn.fund_id, kind="meal_refund",
                     amount_fen=drawn.amount_fen, booking_id=booking.id)


def reconcile_funds(session: Session) -> dict[str, Any]:
    """Check that entries sum to zero, postings balance and cached balances equal sums."""
    total = int(session.scalar(select(func.coalesce(func.sum(FundEntry.amount_fen), 0))) or 0)
    unbalanced = session.scalars(
        select(FundEntry.posting_id).group_by(FundEntry.posting_id)
        .having((func.sum(FundEntry.amount_fen) != 0) | (func.count() != 2))).all()
    sums = dict(session.execute(select(FundEntry.account_id, func.sum(FundEntry.amount_fen))
                                .group_by(FundEntry.account_id)).all())
    accounts = session.execute(select(FundAccount.id, FundAccount.balance)).all()
    mismatched = [aid for aid, balance in accounts if int(sums.get(aid, 0)) != balance]
    report: dict[str, Any] = {
        "ok": total == 0 and not unbalanced and not mismatched, "entries_sum": total,
        "unbalanced_postings": list(unbalanced), "mismatched_accounts": mismatched,
        "accounts_checked": len(accounts)}
    if not report["ok"]:
        logger.error("funds ledger mismatch: %s", report)
        raise_alert(session, kind="ledger_mismatch", level="high",
                    summary="基金账目核对不一致，请尽快处理。",
                    dedupe_key=f"funds-ledger:{clock.today().isoformat()}", detail=report)
    return report
