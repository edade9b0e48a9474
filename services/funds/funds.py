"""Charity funds: a charity opens a named fund, records donations and pays projects from it.

Who may do what: a charity's admins keep their own funds (county-wide staff
may too, for a charity that works on paper); any staff member and anyone who
gave to a fund may read its report. Every write and every staff read is audited.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAllowed, NotFound, ValidationFailed
from models.funds import FUND_KINDS, CharityFund, FundDonation, FundProjectPayment
from models.person import Person
from models.region import Organisation
from services.access.audit import record_access
from services.access.checks import is_staff, staff_communities
from services.funds.ledger import FundEmpty, fund_balance_fen, open_fund_accounts, post_fund

MAX_AMOUNT_FEN = 100_000_000_00  # one hundred million yuan: a typo guard, not a policy
CODE = re.compile(r"[A-Z0-9_-]{1,24}")


def _charities_of(actor: Person) -> set[int]:
    return {r.organisation_id for r in actor.roles
            if r.role == "charity_admin" and r.organisation_id is not None}


def _county_staff(actor: Person) -> bool:
    return is_staff(actor) and staff_communities(actor) is None


def may_keep(actor: Person | None, fund: CharityFund) -> bool:
    """Tell whether someone may record donations and payments of a fund (None: the CLI)."""
    return actor is None or fund.organisation_id in _charities_of(actor) or _county_staff(actor)


def _kept_fund(session: Session, actor: Person | None, fund_id: int) -> CharityFund:
    fund = session.get(CharityFund, fund_id) if 0 < fund_id < 2**31 else None
    if fund is None:
        raise NotFound("没有这个基金。")
    if not may_keep(actor, fund):
        raise NotAllowed("只有基金所属慈善组织可以登记。")
    return fund


def _check_amount(amount_fen: int) -> None:
    if not 0 < amount_fen <= MAX_AMOUNT_FEN:
        raise ValidationFailed("金额要大于0。", fields={"amount_fen": "超出范围"})


def _audit(session: Session, actor: Person | None, fund: CharityFund, action: str,
           detail: dict[str, object]) -> None:
    record_access(session, actor_id=actor.id if actor else None, action=action,
                  subject_type="charity_fund", subject_id=fund.id, detail=detail)


def create_fund(session: Session, *, actor: Person | None, organisation_id: int, code: str,
                name: str, kind: str, purpose: str | None = None) -> CharityFund:
    """Open a named fund for a charity, with its accounts at zero."""
    if actor is not None and organisation_id not in _charities_of(actor) and not _county_staff(actor):
        raise NotAllowed("只能为本组织设立基金。")
    org = session.get(Organisation, organisation_id) if 0 < organisation_id < 2**31 else None
    if org is None or org.kind != "charity":
        raise ValidationFailed("基金要挂在一个慈善组织下。", fields={"organisation_id": "不是慈善组织"})
    code = code.strip().upper()
    if not CODE.fullmatch(code):
        raise ValidationFailed(fields={"code": "1到24个字母或数字"})
    if kind not in FUND_KINDS:
        raise ValidationFailed(fields={"kind": "专项基金或冠名基金"})
    if not name.strip():
        raise ValidationFailed(fields={"name": "请填写基金名称"})
    if session.scalar(select(CharityFund.id).where(CharityFund.code == code)) is not None:
        raise ValidationFailed("这个编号已经有了。", fields={"code": "重复"})
    fund = CharityFund(code=code, name=name.strip()[:64], kind=kind, organisation_id=org.id,
                       purpose=(purpose or "").strip() or None, active=True,
                       created_by_id=actor.id if actor else None)
    session.add(fund)
    session.flush()
    open_fund_accounts(session, fund_id=fund.id)
    _audit(session, actor, fund, "create", {"code": code, "kind": kind})
    return fund


def record_donation(session: Session, *, actor: Person | None, fund_id: int, donor_name: str,
                    amount_fen: int, received_on: date, donor_person_id: int | None = None,
                    note: str | None = None) -> FundDonation:
    """Record money given to a fund; its balance grows by the amount."""
    fund = _kept_fund(session, actor, fund_id)
    _check_amount(amount_fen)
    if received_on > clock.today():
        raise ValidationFailed("到账日期不能晚于今天。", fields={"received_on": "还没到"})
    if not donor_name.strip():
        raise ValidationFailed(fields={"donor_name": "请填写捐赠人"})
    if donor_person_id is not None and (not 0 < donor_person_id < 2**31
                                        or session.get(Person, donor_person_id) is None):
        raise ValidationFailed(fields={"donor_person_id": "没有这个人"})
    donation = FundDonation(
        fund_id=fund.id, donor_person_id=donor_person_id, donor_name=donor_name.strip()[:64],
        amount_fen=amount_fen, received_on=received_on, note=(note or "").strip() or None,
        recorded_by_id=actor.id if actor else None, created_at=clock.now())
    session.add(donation)
    session.flush()
    post_fund(session, fund_id=fund.id, kind="donation", amount_fen=amount_fen,
              actor_id=actor.id if actor else None, donation_id=donation.id)
    _audit(session, actor, fund, "donation", {"donation_id": donation.id, "amount_fen": amount_fen})
    return donation


def pay_fund_project(session: Session, *, actor: Person | None, fund_id: int, title: str,
                     amount_fen: int, paid_on: date,
                     community_id: int | None = None) -> FundProjectPayment:
    """Pay a project from a fund; refused when the fund holds less than the amount."""
    fund = _kept_fund(session, actor, fund_id)
    _check_amount(amount_fen)
    if not title.strip():
        raise ValidationFailed(fields={"title": "请填写项目名称"})
    if paid_on > clock.today():
        raise ValidationFailed("支付日期不能晚于今天。", fields={"paid_on": "还没到"})
    payment = FundProjectPayment(fund_id=fund.id, title=title.strip()[:128], amount_fen=amount_fen,
                                 paid_on=paid_on, community_id=community_id,
                                 recorded_by_id=actor.id if actor else None, created_at=clock.now())
    session.add(payment)
    session.flush()
    try:
        post_fund(session, fund_id=fund.id, kind="project", amount_fen=amount_fen,
                  actor_id=actor.id if actor else None, project_payment_id=payment.id)
    except FundEmpty:
        left = fund_balance_fen(session, fund_id=fund.id)
        raise FundEmpty(f"基金余额只有{left / 100:.2f}元，不够支付{amount_fen / 100:.2f}元。") from None
    _audit(session, actor, fund, "project", {"payment_id": payment.id, "amount_fen": amount_fen})
    return payment


def may_read(session: Session, actor: Person, fund: CharityFund) -> bool:
    """Tell whether someone may read a fund's report: its charity, staff, or a donor."""
    if fund.organisation_id in _charities_of(actor) or is_staff(actor):
        return True
    return session.scalar(select(FundDonation.id).where(
        FundDonation.fund_id == fund.id, FundDonation.donor_person_id == actor.id).limit(1)) is not None


def get_fund(session: Session, *, actor: Person, fund_id: int) -> CharityFund:
    """Return a fund the actor may read (else NotFound, so funds cannot be probed)."""
    fund = session.get(CharityFund, fund_id) if 0 < fund_id < 2**31 else None
    if fund is None or not may_read(session, actor, fund):
        raise NotFound("没有这个基金。")
    return fund


def list_funds(session: Session, *, actor: Person) -> list[CharityFund]:
    """Return the funds the actor may read, in code order."""
    funds = session.scalars(select(CharityFund).order_by(CharityFund.code))
    return [f for f in funds if may_read(session, actor, f)]


def list_fund_charities(session: Session, *, actor: Person) -> list[Organisation]:
    """Return the charities the actor may open a fund for (their own; all, for county staff)."""
    stmt = select(Organisation).where(Organisation.kind == "charity").order_by(Organisation.name)
    if not _county_staff(actor):
        stmt = stmt.where(Organisation.id.in_(_charities_of(actor) or {0}))
    return list(session.scalars(stmt))
