"""Staff keep the subsidy rules: change an amount from a day on, add a rule, end one.

History is never rewritten. A change closes the rule on the day before and opens its
successor (same conditions, a code ending "@YYYYMMDD") from that day; a booking keeps
the amounts and the rule id it was priced with (`MealBooking.breakdown`). Rules are
county policy: only county-wide staff change them, and every change is audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAllowed, NotFound, ValidationFailed
from models.funds import CharityFund
from models.meals import SubsidyRule
from models.person import ECONOMIC_TIERS, Person
from services.access.audit import record_access
from services.access.checks import require_staff_for, staff_communities

MAX_AMOUNT_FEN = 100_00


def _county_staff(actor: Person | None) -> None:
    if actor is None:  # the operator's CLI
        return
    require_staff_for(actor)
    if staff_communities(actor) is not None:
        raise NotAllowed("助餐补贴标准由县级工作人员调整。")


def _check_amounts(amount_fen: int, monthly_cap_fen: int) -> None:
    if not 0 <= amount_fen <= MAX_AMOUNT_FEN:
        raise ValidationFailed("每餐补贴要在0到100元之间。", fields={"amount_fen": "超出范围"})
    if monthly_cap_fen < amount_fen:
        raise ValidationFailed("每月上限不能少于每餐补贴。", fields={"monthly_cap_fen": "太少了"})


def _from_tomorrow_on(day: date) -> None:
    if day <= clock.today():
        raise ValidationFailed("补贴标准只能从明天或以后开始改，已经订的餐不变。",
                               fields={"from_day": "要晚于今天"})


def list_all_subsidy_rules(session: Session, *, actor: Person) -> list[SubsidyRule]:
    """Every rule, in force or ended, for the editor (most generous first)."""
    require_staff_for(actor)
    rules = session.scalars(select(SubsidyRule))
    return sorted(rules, key=lambda r: (r.valid_to is not None, -r.amount_fen, r.id))


def list_subsidy_rules_by_id(session: Session) -> list[SubsidyRule]:
    """Every rule, in force or ended, oldest first (the operator's list)."""
    return list(session.scalars(select(SubsidyRule).order_by(SubsidyRule.id)))


def _audit(session: Session, actor: Person | None, rule: SubsidyRule, action: str,
           detail: dict[str, object]) -> None:
    record_access(session, actor_id=actor.id if actor else None, action=action,
                  subject_type="subsidy_rule", subject_id=rule.id,
                  fields=["amount_fen", "monthly_cap_fen"], detail=detail)


def change_subsidy_rule(session: Session, *, actor: Person | None, rule_id: int,
                        amount_fen: int, monthly_cap_fen: int, from_day: date) -> SubsidyRule:
    """Give a rule new amounts from `from_day` on: the old one ends the day before."""
    _county_staff(actor)
    _check_amounts(amount_fen, monthly_cap_fen)
    _from_tomorrow_on(from_day)
    old = session.get(SubsidyRule, rule_id, with_for_update=True)
    if old is None or not old.active:
        raise NotFound("没有这条补贴标准。")
    if old.valid_to is not None and old.valid_to < from_day:
        raise ValidationFailed("这条标准那天已经停了。", fields={"from_day": "已停用"})
    if old.valid_from is not None and old.valid_from >= from_day:
        raise ValidationFailed("这条标准那天还没开始，请改开始日期之后的日子。",
                               fields={"from_day": "太早了"})
    new = SubsidyRule(
        code=f"{old.code.split('@')[0]}@{from_day:%Y%m%d}"[:32], min_age=old.min_age,
        max_age=old.max_age, economic_tier=old.economic_tier,
        requires_disability=old.requires_disability,
        requires_living_alone=old.requires_living_alone, amount_fen=amount_fen,
        monthly_cap_fen=monthly_cap_fen, active=True, valid_from=from_day, valid_to=old.valid_to,
        fund_id=old.fund_id)
    old.valid_to = from_day - timedelta(days=1)
    session.add(new)
    session.flush()
    _audit(session, actor, new, "change", {
        "replaces": old.id, "from_day": from_day.isoformat(),
        "amount_fen": [old.amount_fen, amount_fen],
        "monthly_cap_fen": [old.monthly_cap_fen, monthly_cap_fen]})
    return new


def add_subsidy_rule(session: Session, *, actor: Person | None, code: str, amount_fen: int,
                     monthly_cap_fen: int, from_day: date, min_age: int | None = None,
                     max_age: int | None = None, economic_tier: str | None = None,
                     requires_disability: bool = False,
                     requires_living_alone: bool = False,
                     fund_id: int | None = None) -> SubsidyRule:
    """Add a rule in force from `from_day` (paid by a charity fund when `fund_id` is given)."""
    _county_staff(actor)
    _check_amounts(amount_fen, monthly_cap_fen)
    _from_tomorrow_on(from_day)
    code = code.strip().upper()
    if not code or len(code) > 24 or "@" in code:
        raise ValidationFailed(fields={"code": "1到24个字母或数字"})
    if economic_tier is not None and economic_tier not in ECONOMIC_TIERS:
        raise ValidationFailed(fields={"economic_tier": "不是允许的取值"})
    if session.scalar(select(SubsidyRule.id).where(SubsidyRule.code == code)) is not None:
        raise ValidationFailed("这个编号已经有了。", fields={"code": "重复"})
    if fund_id is not None and session.get(CharityFund, fund_id) is None:
        raise ValidationFailed(fields={"fund_id": "没有这个基金"})
    rule = SubsidyRule(code=code, min_age=min_age, max_age=max_age, economic_tier=economic_tier,
                       requires_disability=requires_disability,
                       requires_living_alone=requires_living_alone, amount_fen=amount_fen,
                       monthly_cap_fen=monthly_cap_fen, active=True, valid_from=from_day,
                       fund_id=fund_id)
    session.add(rule)
    session.flush()
    _audit(session, actor, rule, "create", {"from_day": from_day.isoformat(),
                                            "amount_fen": amount_fen, "fund_id": fund_id})
    return rule


def end_subsidy_rule(session: Session, *, actor: Person | None, rule_id: int,
                     last_day: date) -> SubsidyRule:
    """Stop a rule after `last_day` (today or later); meals already booked keep their subsidy."""
    _county_staff(actor)
    if last_day < clock.today():
        raise ValidationFailed("停用日期不能早于今天。", fields={"last_day": "太早了"})
    rule = session.get(SubsidyRule, rule_id, with_for_update=True)
    if rule is None:
        raise NotFound("没有这条补贴标准。")
    rule.valid_to = last_day if rule.valid_to is None else min(rule.valid_to, last_day)
    session.flush()
    _audit(session, actor, rule, "end", {"last_day": last_day.isoformat()})
    return rule
