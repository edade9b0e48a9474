"""Subsidy rules as data: the most favourable rule applies, within a monthly cap.

The subsidy covers the elderly person's own portion; extra portions (a
spouse, a carer) and the delivery fee are paid in full. Only a verified,
unexpired economic tier counts (`Person.verified_tier_on`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.funds import CharityFund
from models.meals import MealBooking, SubsidyRule
from models.person import TIER_NAMES, Person
from services.funds.ledger import fund_balance_fen
from services.meals.wording import yuan

COUNTED_STATUSES = ("booked", "served")


@dataclass(frozen=True)
class Eligibility:
    """What the rules look at, on the day of the meal."""

    age: int
    tier: str | None
    disabled: bool
    living_alone: bool
    unverified_tier: str | None = None


@dataclass(frozen=True)
class QuoteLine:
    """One line of the price: a portion or the delivery fee."""

    label: str
    price_fen: int
    subsidy_fen: int

    @property
    def payable_fen(self) -> int:
        return self.price_fen - self.subsidy_fen

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "price_fen": self.price_fen,
                "subsidy_fen": self.subsidy_fen, "payable_fen": self.payable_fen}


@dataclass(frozen=True)
class Pricing:
    """The price of a booking, line by line, and the sentence that explains it."""

    lines: list[QuoteLine]
    reason: str
    rule: SubsidyRule | None = None
    cap_left_fen: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def price_fen(self) -> int:
        return sum(line.price_fen for line in self.lines)

    @property
    def subsidy_fen(self) -> int:
        return sum(line.subsidy_fen for line in self.lines)

    @property
    def payable_fen(self) -> int:
        return self.price_fen - self.subsidy_fen


def eligibility_of(person: Person, day: date) -> Eligibility:
    """Read what the rules need from a person's profile on a day."""
    tier = person.verified_tier_on(day)
    return Eligibility(
        age=person.age_on(day) or 0,
        tier=tier,
        disabled=person.disability_level is not None,
        living_alone=bool(person.living_alone),
        unverified_tier=person.economic_tier if tier is None else None,
    )


def rule_matches(rule: SubsidyRule, who: Eligibility) -> bool:
    """Tell whether a person meets every condition of a rule."""
    return (
        (rule.min_age is None or who.age >= rule.min_age)
        and (rule.max_age is None or who.age <= rule.max_age)
        and (rule.economic_tier is None or rule.economic_tier == who.tier)
        and (not rule.requires_disability or who.disabled)
        and (not rule.requires_living_alone or who.living_alone)
    )


def in_force(rule: SubsidyRule, day: date | None) -> bool:
    """Tell whether a rule applies to meals on `day` (its valid_from … valid_to)."""
    return day is None or ((rule.valid_from is None or rule.valid_from <= day)
                           and (rule.valid_to is None or day <= rule.valid_to))


def best_rule(rules: list[SubsidyRule], who: Eligibility,
              day: date | None = None) -> SubsidyRule | None:
    """Pick the most favourable rule in force: the biggest amount, then the biggest cap."""
    matching = [r for r in rules if r.active and in_force(r, day) and rule_matches(r, who)]
    return max(matching, key=lambda r: (r.amount_fen, r.monthly_cap_fen, -r.id), default=None)


def rule_phrase(rule: SubsidyRule) -> str:
    """Say a rule's conditions, e.g. 80岁以上且为低保对象."""
    parts: list[str] = []
    if rule.min_age is not None and rule.max_age is not None:
        parts.append(f"{rule.min_age}至{rule.max_age}岁")
    elif rule.min_age is not None:
        parts.append(f"{rule.min_age}岁以上")
    if rule.economic_tier:
        parts.append(f"为{TIER_NAMES[rule.economic_tier]}对象")
    if rule.requires_disability:
        parts.append("有残疾")
    if rule.requires_living_alone:
        parts.append("独居")
    return "且".join(parts) or "符合助餐补贴条件"


def price_booking(
    *, subject: str, rule: SubsidyRule | None, cap_left_fen: int, unit_price_fen: int,
    count: int, delivery_fee_fen: int, unverified_tier: str | None = None,
) -> Pricing:
    """Price a booking and explain it in one sentence (pure: no database)."""
    own = min(rule.amount_fen, cap_left_fen, unit_price_fen) if rule else 0
    lines = [QuoteLine("第1份（本人）" if count > 1 else "本人1份", unit_price_fen, own)]
    lines += [QuoteLine(f"第{n}份", unit_price_fen, 0) for n in range(2, count + 1)]
    if delivery_fee_fen:
        lines.append(QuoteLine("送餐费", delivery_fee_fen, 0))
    pricing = Pricing(lines=lines, reason="", rule=rule, cap_left_fen=cap_left_fen)
    reason = _reason(subject, rule, own, cap_left_fen, count, delivery_fee_fen, pricing.payable_fen)
    if unverified_tier and (rule is None or rule.economic_tier is None):
        reason += f"{TIER_NAMES[unverified_tier]}身份需社区核对后才算，请联系社区。"
    return Pricing(lines=lines, reason=reason, rule=rule, cap_left_fen=cap_left_fen)


def _reason(subject: str, rule: SubsidyRule | None, own: int, cap_left: int, count: int,
            delivery_fee: int, payable: int) -> str:
    if rule is None:
        head = f"{subject}暂不符合助餐补贴条件，按原价"
    elif own == 0:
        head = f"{subject}{rule_phrase(rule)}，但本月补贴额度已用完，按原价"
    elif own < rule.amount_fen and own == cap_left:
        head = f"{subject}{rule_phrase(rule)}，每餐补贴{yuan(rule.amount_fen)}，本月额度只剩{yuan(own)}"
    else:
        head = f"{subject}{rule_phrase(rule)}，每餐补贴{yuan(own)}"
    if count > 1 and rule is not None and own:
        head += f"，补贴只算本人1份，共{count}份"
    elif count > 1:
        head += f"，共{count}份"
    if delivery_fee:
        head += f"，送餐费{yuan(delivery_fee)}"
    return f"{head}，实付{yuan(payable)}。"


def _read_rules(session: Session) -> list[SubsidyRule]:
    stmt = select(SubsidyRule).where(SubsidyRule.active.is_(True))
    return _most_generous_first(session.scalars(stmt))


def _most_generous_first(rules: Iterable[SubsidyRule]) -> list[SubsidyRule]:
    return sorted(rules, key=lambda r: (-r.amount_fen, r.id))


def list_subsidy_rules(session: Session) -> list[SubsidyRule]:
    """Return the active subsidy rules, most generous first."""
    return _read_rules(session)


def _month_used(person_id: int, day: date) -> Select[Any]:
    first = day.replace(day=1)
    nxt = (first.replace(year=first.year + 1, month=1) if first.month == 12
           else first.replace(month=first.month + 1))
    return select(func.coalesce(func.sum(MealBooking.subsidy_fen), 0)).where(
        MealBooking.person_id == person_id, MealBooking.day >= first, MealBooking.day < nxt,
        MealBooking.status.in_(COUNTED_STATUSES))


def _rules_and_used(session: Session, *, person_id: int, day: date) -> tuple[list[SubsidyRule], int]:
    """Read the active rules and the person's subsidy used in the month of `day`, in one statement.

    The month's sum rides on every rule row; with no active rule there is no row,
    and nothing to cap, so what was used does not matter (0).
    """
    used = _month_used(person_id, day).scalar_subquery()
    rows = session.execute(select(SubsidyRule, used).where(SubsidyRule.active.is_(True))).all()
    return _most_generous_first(rule for rule, _ in rows), (int(rows[0][1] or 0) if rows else 0)


def _best_of(rules: list[SubsidyRule], who: Eligibility, day: date,
             skip: frozenset[int] = frozenset()) -> SubsidyRule | None:
    return best_rule([r for r in rules if r.id not in skip] if skip else rules, who, day)


def subsidy_for(
    session: Session, *, person: Person, day: date, subject: str, unit_price_fen: int,
    count: int, delivery_fee_fen: int, skip_rule_ids: frozenset[int] = frozenset(),
) -> Pricing:
    """Price a person's booking with the best rule and what is left of this month's cap.

    A rule paid by a charity fund applies only while the fund holds this booking's
    whole subsidy; otherwise the next most favourable rule applies (docs/meals.md).
    """
    who = eligibility_of(person, day)
    skip = skip_rule_ids
    rules, used = _rules_and_used(session, person_id=person.id, day=day)
    while True:
        rule = _best_of(rules, who, day, skip)
        cap_left = 0 if rule is None else max(0, rule.monthly_cap_fen - used)
        pricing = price_booking(
            subject=subject, rule=rule, cap_left_fen=cap_left, unit_price_fen=unit_price_fen,
            count=count, delivery_fee_fen=delivery_fee_fen, unverified_tier=who.unverified_tier,
        )
        if rule is None or rule.fund_id is None or pricing.subsidy_fen == 0:
            return pricing
        fund = session.get(CharityFund, rule.fund_id)
        if fund is not None and fund.active and fund_balance_fen(
                session, fund_id=rule.fund_id) >= pricing.subsidy_fen:
            return replace(pricing, reason=f"{pricing.reason}补贴由{fund.name}资助。")
        skip = skip | {rule.id}


@dataclass(frozen=True)
class Standing:
    """A person's own subsidy this month: the rule that applies, the cap and what is used.

    `used_fen` is what the month's bookings took, counted only when some rule is active.
    """

    who: Eligibility
    rule: SubsidyRule | None
    used_fen: int

    @property
    def cap_left_fen(self) -> int:
        return 0 if self.rule is None else max(0, self.rule.monthly_cap_fen - self.used_fen)


def subsidy_standing(session: Session, *, person: Person, day: date) -> Standing:
    """Return which rule gives this person their subsidy on `day`, and this month's use of it."""
    who = eligibility_of(person, day)
    rules, used = _rules_and_used(session, person_id=person.id, day=day)
    skip: frozenset[int] = frozenset()
    rule = _best_of(rules, who, day)
    # A fund's rule that could not pay a meal now is not the one that applies (as in subsidy_for).
    while rule is not None and rule.fund_id is not None and fund_balance_fen(
            session, fund_id=rule.fund_id) < min(rule.amount_fen, max(0, rule.monthly_cap_fen - used)):
        skip = skip | {rule.id}
        rule = _best_of(rules, who, day, skip)
    return Standing(who, rule, used)
