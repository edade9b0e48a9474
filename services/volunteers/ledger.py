"""The points ledger: append-only, double-entry postings with cached, checked balances.

Every posting moves a positive amount from one account to another and writes
two entries (-amount, +amount), so all entries sum to zero. Balances move by
a conditional UPDATE in the same transaction (a volunteer's never below
zero), rows are touched in account-id order so concurrent postings cannot
deadlock, and `reconcile_ledger` checks every cached balance against its sum.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound
from models.person import Person
from models.volunteers import PointsAccount, PointsEntry, PointsPosting, PointsRate, ServiceRecord
from services.access.checks import require_staff_for
from services.messaging.alerts import raise_alert
from services.volunteers.errors import InsufficientPoints

logger = logging.getLogger(__name__)

ISSUER_CODE = "issuer:service"
# Used only when no rate row is in force (a fresh database); rates are data in points_rates.
DEFAULT_RATES = {"service_hour": 10}


@dataclass(frozen=True)
class LedgerLine:
    """One entry on a volunteer's statement."""

    id: int
    amount: int
    kind: str
    memo: str
    created_at: datetime


def get_rate(session: Session, *, code: str, day: date) -> int:
    """Return the points rate `code` in force on `day`."""
    points = session.scalar(
        select(PointsRate.points)
        .where(PointsRate.code == code, PointsRate.effective_from <= day)
        .order_by(PointsRate.effective_from.desc())
        .limit(1)
    )
    return DEFAULT_RATES.get(code, 0) if points is None else int(points)


def _get_or_create_account(session: Session, *, code: str, kind: str, person_id: int | None) -> PointsAccount:
    lookup = select(PointsAccount).where(PointsAccount.code == code)
    account = session.scalar(lookup)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            account = PointsAccount(code=code, kind=kind, person_id=person_id, balance=0)
            session.add(account)
    except IntegrityError:
        # A concurrent transaction opened it first; use theirs.
        return session.scalars(lookup).one()
    return account


def issuer_account(session: Session) -> PointsAccount:
    """Return the account that issues points and takes them back."""
    return _get_or_create_account(session, code=ISSUER_CODE, kind="issuer", person_id=None)


def volunteer_account(session: Session, *, person_id: int) -> PointsAccount:
    """Return a volunteer's points account, opening it on first use."""
    return _get_or_create_account(
        session, code=f"volunteer:{person_id}", kind="volunteer", person_id=person_id
    )


def _move_balance(session: Session, account: PointsAccount, delta: int) -> None:
    stmt = update(PointsAccount).where(PointsAccount.id == account.id)
    if delta < 0 and account.kind != "issuer":
        stmt = stmt.where(PointsAccount.balance >= -delta)
    result = session.execute(
        stmt.values(balance=PointsAccount.balance + delta),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise InsufficientPoints()
    session.expire(account, ["balance"])


def post_points(
    session: Session,
    *,
    kind: str,
    source: PointsAccount,
    target: PointsAccount,
    amount: int,
    memo: str,
    actor_id: int | None = None,
    **links: int | None,
) -> PointsPosting:
    """Move `amount` points from `source` to `target` as one balanced posting."""
    if amount <= 0:
        raise ValueError("a posting moves a positive amount")
    now = clock.now()
    posting = PointsPosting(kind=kind, memo=memo, created_by_id=actor_id, created_at=now, **links)
    with session.begin_nested():
        # The posting row goes first: its unique links (service record, redemption,
        # reversed posting) refuse a second mint before any balance moves.
        session.add(posting)
        session.flush()
    for account, delta in sorted(((source, -amount), (target, amount)), key=lambda p: p[0].id):
        _move_balance(session, account, delta)
    session.add_all([
        PointsEntry(posting_id=posting.id, account_id=source.id, amount=-amount, created_at=now),
        PointsEntry(posting_id=posting.id, account_id=target.id, amount=amount, created_at=now),
    ])
    session.flush()
    return posting


def service_points(session: Session, *, record: ServiceRecord, bonus: int = 0) -> int:
    """Return what a verified record earns: hours at the day's rate plus any bonus."""
    rate = get_rate(session, code="service_hour", day=record.service_day)
    return record.minutes * rate // 60 + bonus


def mint_points_for_service(
    session: Session, *, record: ServiceRecord, actor_id: int | None, bonus: int = 0
) -> PointsPosting | None:
    """Credit a verified service record's points to its volunteer, at most once."""
    if record.status != "verified":
        raise InvalidTransition("服务记录还没确认，不能发积分。")
    points = service_points(session, record=record, bonus=bonus)
    if points <= 0:
        return None
    already = session.scalar(select(PointsPosting.id).where(PointsPosting.service_record_id == record.id))
    if already is not None:
        raise InvalidTransition("这条服务记录已经发过积分了。")
    memo = f"服务{record.hours:g}小时" + (f"，活动奖励{bonus}分" if bonus else "")
    try:
        return post_points(
            session, kind="service", source=issuer_account(session),
            target=volunteer_account(session, person_id=record.volunteer_id), amount=points,
            memo=memo, actor_id=actor_id, service_record_id=record.id,
        )
    except IntegrityError:
        raise InvalidTransition("这条服务记录已经发过积分了。") from None


def reverse_posting(session: Session, *, actor: Person, posting_id: int, reason: str) -> PointsPosting:
    """Correct a posting by moving its points back (staff); a posting is reversed once."""
    require_staff_for(actor)
    original = session.get(PointsPosting, posting_id)
    if original is None or original.kind == "reversal":
        raise NotFound()
    legs = list(session.scalars(select(PointsEntry).where(PointsEntry.posting_id == posting_id)))
    gained = next(e for e in legs if e.amount > 0)
    lost = next(e for e in legs if e.amount < 0)
    try:
        posting = post_points(
            session, kind="reversal", source=session.get_one(PointsAccount, gained.account_id),
            target=session.get_one(PointsAccount, lost.account_id), amount=gained.amount,
            memo=f"冲正：{reason}"[:200], actor_id=actor.id, reverses_posting_id=original.id,
        )
    except IntegrityError:
        raise InvalidTransition("这笔积分已经冲正过了。") from None
    if original.service_record_id is not None:
        record = session.get_one(ServiceRecord, original.service_record_id)
        record.status, record.reject_reason = "rejected", reason[:200]
        session.flush()
    return posting


def get_points_balance(session: Session, *, person_id: int) -> int:
    """Return a volunteer's points balance (the cached sum, kept in step by every posting)."""
    balance = session.scalar(select(PointsAccount.balance).where(PointsAccount.person_id == person_id))
    return int(balance or 0)


def sum_points_balance(session: Session, *, person_id: int) -> int:
    """Return a volunteer's balance computed from the entries themselves."""
    account_id = select(PointsAccount.id).where(PointsAccount.person_id == person_id).scalar_subquery()
    total = session.scalar(
        select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(PointsEntry.account_id == account_id)
    )
    return int(total or 0)


def list_points_entries(
    session: Session, *, person_id: int, limit: int = 20, cursor: int | None = None
) -> list[LedgerLine]:
    """Return a volunteer's ledger lines, newest first (keyset by entry id)."""
    stmt = (
        select(PointsEntry, PointsPosting)
        .join(PointsPosting, PointsPosting.id == PointsEntry.posting_id)
        .join(PointsAccount, PointsAccount.id == PointsEntry.account_id)
        .where(PointsAccount.person_id == person_id)
        .order_by(PointsEntry.id.desc())
        .limit(limit)
    )
    if cursor is not None:
        stmt = stmt.where(PointsEntry.id < cursor)
    return [
        LedgerLine(id=e.id, amount=e.amount, kind=p.kind, memo=p.memo, created_at=e.created_at)
        for e, p in session.execute(stmt)
    ]


def reconcile_ledger(session: Session) -> dict[str, Any]:
    """Check that entries sum to zero, postings balance and stored balances equal sums."""
    total = int(session.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0))) or 0)
    unbalanced = session.scalars(
        select(PointsEntry.posting_id).group_by(PointsEntry.posting_id)
        .having((func.sum(PointsEntry.amount) != 0) | (func.count() != 2))
    ).all()
    sums = dict(session.execute(
        select(PointsEntry.account_id, func.sum(PointsEntry.amount)).group_by(PointsEntry.account_id)
    ).all())
    accounts = session.execute(select(PointsAccount.id, PointsAccount.balance)).all()
    mismatched = [aid for aid, balance in accounts if int(sums.get(aid, 0)) != balance]
    report: dict[str, Any] = {
        "ok": total == 0 and not unbalanced and not mismatched,
        "entries_sum": total, "unbalanced_postings": list(unbalanced),
        "mismatched_accounts": mismatched, "accounts_checked": len(accounts),
    }
    if not report["ok"]:
        logger.error("points ledger mismatch: %s", report)
        raise_alert(
            session, kind="ledger_mismatch", level="high", summary="积分账目核对不一致，请尽快处理。",
            dedupe_key=f"points-ledger:{clock.today().isoformat()}", detail=report,
        )
    return report
