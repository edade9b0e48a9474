"""家庭经济状况核对 against the county's lines: record members' figures, propose a tier, decide.

A check counts everyone in the household (services/people/households.py), sums their
monthly income, assets and a year's medical and education spending, divides by
the number of members, and measures the per-capita figures against the line in
force in the household's county that day (models.assistance.AssistanceLine).
The proposal is a suggestion: staff confirm it, or choose another tier with a
reason. The decision becomes a TierDecision for every member through
services.assistance.tiers.record_tier, with the review date the tier's review period gives.
Every step is audited.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotFound, ValidationFailed
from models.assistance import ITEMS, AssistanceLine, HouseholdCheck, HouseholdCheckItem
from models.person import ECONOMIC_TIERS, TIER_NAMES, Person
from models.region import Community, Street
from services.access.audit import record_access
from services.access.checks import require_role
from services.assistance.tiers import get_resident, record_tier
from services.people.households import household_members

RULES = Path(__file__).resolve().parents[1] / "data" / "household_rules.json"
REVIEW_MONTHS: dict[str, int] = {
    k: v for k, v in json.loads(RULES.read_text(encoding="utf-8"))["review_months"].items()
    if not k.startswith("_")}
MAX_FEN = 100_000_000_00  # one hundred million yuan: anything above is a typing slip
CHILD_AGE, ELDER_AGE, SEVERE_DISABILITY = 18, 60, 2


@dataclass(frozen=True)
class MemberFacts:
    """One member's figures in a check: fen per month, fen, fen per year, and situations."""

    person_id: int
    income: dict[str, int] = field(default_factory=dict)
    assets: dict[str, int] = field(default_factory=dict)
    expenses: dict[str, int] = field(default_factory=dict)
    situations: frozenset[str] = frozenset()
    age: int | None = None
    disability_level: int | None = None


@dataclass(frozen=True)
class Proposal:
    """The tier the figures point to, why, and the figures themselves."""

    tier: str | None
    reason: str
    figures: dict[str, int]


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}".removesuffix(".00") + "元"


def _figures(members: list[MemberFacts], line: AssistanceLine) -> dict[str, int]:
    n = len(members)
    income = sum(sum(m.income.values()) for m in members)
    assets = sum(sum(m.assets.values()) for m in members)
    return {
        "members": n, "income_month_fen": income, "per_capita_fen": income // n,
        "assets_fen": assets, "assets_per_capita_fen": assets // n,
        "expense_year_fen": sum(sum(m.expenses.values()) for m in members),
        "dibao_fen": line.dibao_month_fen,
        "edge_fen": line.dibao_month_fen * line.edge_multiple_pct // 100,
        "tekun_fen": line.tekun_month_fen,
        "asset_limit_fen": line.dibao_month_fen * line.asset_limit_months,
        "rigid_share_pct": line.rigid_share_pct,
    }


def _tekun_eligible(m: MemberFacts) -> bool:
    unable = (m.age is not None and (m.age >= ELDER_AGE or m.age < CHILD_AGE)) or (
        m.disability_level is not None and m.disability_level <= SEVERE_DISABILITY)
    return unable and {"no_work_capacity", "no_supporter"} <= m.situations


def propose_tier(*, members: list[MemberFacts], line: AssistanceLine) -> Proposal:
    """Measure a household's figures against the county's line and name the tier they fit."""
    f = _figures(members, line)
    pc, words = f["per_capita_fen"], f"人均月收入{_yuan(f['per_capita_fen'])}"
    if f["assets_per_capita_fen"] > f["asset_limit_fen"]:
        return Proposal(None, f"人均存款{_yuan(f['assets_per_capita_fen'])}，超过本县上限"
                              f"{_yuan(f['asset_limit_fen'])}，不符合低保、特困、低保边缘", f)
    if pc < f["dibao_fen"] and all(_tekun_eligible(m) for m in members):
        return Proposal("tekun", f"{words}，低于低保标准{_yuan(f['dibao_fen'])}；"
                                 "全家都无劳动能力、无赡养抚养人，符合特困", f)
    if pc < f["dibao_fen"]:
        return Proposal("dibao", f"{words}，低于低保标准{_yuan(f['dibao_fen'])}", f)
    if pc < f["edge_fen"]:
        return Proposal("dibao_edge", f"{words}，不低于低保标准{_yuan(f['dibao_fen'])}，"
                                      f"低于低保边缘线{_yuan(f['edge_fen'])}", f)
    year_income = f["income_month_fen"] * 12
    if f["expense_year_fen"] and f["expense_year_fen"] * 100 > year_income * f["rigid_share_pct"]:
        return Proposal("rigid_expense", f"近12个月医疗、教育支出{_yuan(f['expense_year_fen'])}，"
                                         f"超过家庭年收入{_yuan(year_income)}的"
                                         f"{f['rigid_share_pct']}%", f)
    return Proposal(None, f"{words}，高于低保边缘线{_yuan(f['edge_fen'])}，"
                          "支出也没有超过比例，暂不符合认定", f)


def county_of(session: Session, *, community_id: int | None) -> int | None:
    """Return the county a community belongs to."""
    if community_id is None:
        return None
    return session.scalar(select(Street.county_id).join(Community, Community.street_id == Street.id)
                          .where(Community.id == community_id))


def line_on(session: Session, *, county_id: int, day: date) -> AssistanceLine | None:
    """Return the county's line in force on `day`: the latest that took effect by then."""
    return session.scalar(
        select(AssistanceLine).where(AssistanceLine.county_id == county_id,
                                     AssistanceLine.effective_from <= day)
        .order_by(AssistanceLine.effective_from.desc()).limit(1))


def list_lines(session: Session, *, county_id: int) -> list[AssistanceLine]:
    """Return a county's lines, the latest to take effect first."""
    return list(session.scalars(select(AssistanceLine).where(AssistanceLine.county_id == county_id)
                                .order_by(AssistanceLine.effective_from.desc())))


def set_line(
    session: Session, *, actor: Person | None, county_id: int, effective_from: date,
    dibao_month_fen: int, edge_multiple_pct: int, tekun_month_fen: int,
    asset_limit_months: int, rigid_share_pct: int, source: str,
) -> AssistanceLine:
    """Store a county's lines from a day on (supervisors only; the demo loads with no actor)."""
    if actor is not None:
        require_role(actor, "supervisor")
    if session.scalar(select(AssistanceLine.id).where(
            AssistanceLine.county_id == county_id, AssistanceLine.effective_from == effective_from)):
        raise ValidationFailed("这一天起的标准已经录过了，请换一个生效日期。")
    if not (0 < dibao_month_fen < MAX_FEN and 100 <= edge_multiple_pct <= 300
            and 0 < tekun_month_fen < MAX_FEN and 0 <= asset_limit_months <= 240
            and 0 < rigid_share_pct <= 100 and source.strip()):
        raise ValidationFailed("标准数值不对，或没有填依据文件。")
    line = AssistanceLine(county_id=county_id, effective_from=effective_from,
                          dibao_month_fen=dibao_month_fen, edge_multiple_pct=edge_multiple_pct,
                          tekun_month_fen=tekun_month_fen, asset_limit_months=asset_limit_months,
                          rigid_share_pct=rigid_share_pct, source=source.strip(),
                          created_by_id=actor.id if actor else None)
    session.add(line)
    session.flush()
    record_access(session, actor_id=actor.id if actor else None, action="change",
                  subject_type="assistance_line", subject_id=line.id,
                  fields=["dibao_month_fen", "edge_multiple_pct", "tekun_month_fen"],
                  detail={"county_id": county_id, "effective_from": effective_from.isoformat()})
    return line


def _household(session: Session, person: Person) -> list[Person]:
    if person.household_id is None:
        return [person]
    return household_members(session, household_id=person.household_id)


def _check_amounts(facts: MemberFacts) -> None:
    for kind, values in (("income", facts.income), ("asset", facts.assets),
                         ("expense", facts.expenses)):
        for item, fen in values.items():
            if item not in ITEMS[kind] or not 0 <= fen < MAX_FEN:
                raise ValidationFailed("金额不对，请填0或正数（元）。", fields={item: "金额不对"})
    if not facts.situations <= set(ITEMS["situation"]):
        raise ValidationFailed(fields={"situation": "不是允许的取值"})


def _items(facts: MemberFacts) -> list[HouseholdCheckItem]:
    rows = [HouseholdCheckItem(person_id=facts.person_id, kind=kind, item=item, amount=str(fen))
            for kind, values in (("income", facts.income), ("asset", facts.assets),
                                 ("expense", facts.expenses))
            for item, fen in values.items() if fen]
    rows += [HouseholdCheckItem(person_id=facts.person_id, kind="situation", item=s)
             for s in sorted(facts.situations)]
    return rows


def start_check(
    session: Session, *, actor: Person, person_id: int, members: list[MemberFacts],
) -> HouseholdCheck:
    """Record every member's figures, measure them against the county's line, propose a tier."""
    person = get_resident(session, actor=actor, person_id=person_id)
    household = _household(session, person)
    by_id = {m.id: m for m in household}
    given = {m.person_id: m for m in members}
    if set(given) != set(by_id):
        raise ValidationFailed("请填写这一户每位成员的情况。")
    county_id = county_of(session, community_id=person.community_id)
    line = line_on(session, county_id=county_id, day=clock.today()) if county_id else None
    if line is None:
        raise ValidationFailed("本县还没有设置低保标准，请先让主管录入。")
    today = clock.today()
    facts = []
    for pid, m in given.items():
        _check_amounts(m)
        who = by_id[pid]
        facts.append(MemberFacts(pid, m.income, m.assets, m.expenses, m.situations,
                                 who.age_on(today), who.disability_level))
    proposal = propose_tier(members=facts, line=line)
    check = HouseholdCheck(
        household_id=household[0].household_id or person.id, community_id=person.community_id,
        line_id=line.id, figures=proposal.figures, proposed_tier=proposal.tier,
        proposal_reason=proposal.reason, status="proposed", created_by_id=actor.id,
        items=[row for f in facts for row in _items(f)])
    session.add(check)
    session.flush()
    record_access(session, actor_id=actor.id, action="create", subject_type="household_check",
                  subject_id=check.id, fields=["income", "assets", "expenses", "situations"],
                  detail={"household_id": check.household_id, "members": sorted(by_id),
                          "proposed_tier": proposal.tier})
    return check


def _review_due(tier: str, today: date) -> date:
    months = REVIEW_MONTHS.get(tier, 12)
    year, month = divmod(today.month - 1 + months, 12)
    last = calendar.monthrange(today.year + year, month + 1)[1]
    return date(today.year + year, month + 1, min(today.day, last))


def get_check(session: Session, *, actor: Person, check_id: int) -> HouseholdCheck:
    """Return a check of a household in one of the staff member's communities, audited."""
    check = session.get(HouseholdCheck, check_id)
    if check is None:
        raise NotFound()
    get_resident(session, actor=actor, person_id=check.household_id)
    record_access(session, actor_id=actor.id, action="read", subject_type="household_check",
                  subject_id=check.id, fields=["figures"])
    return check


def decide_check(
    session: Session, *, actor: Person, check_id: int, tier: str | None, reason: str = "",
) -> HouseholdCheck:
    """Confirm the proposed tier, or choose another with a reason; every member gets the decision."""
    check = get_check(session, actor=actor, check_id=check_id)
    if check.status != "proposed":
        raise ValidationFailed("这次核对已经确认过了。")
    if tier is not None and tier not in ECONOMIC_TIERS:
        raise ValidationFailed(fields={"tier": "不是允许的取值"})
    overridden = tier != check.proposed_tier
    if overridden and not reason.strip():
        raise ValidationFailed("改用别的认定，请写明理由。", fields={"reason": "必填"})
    today = clock.today()
    review_due = _review_due(tier, today) if tier else None
    check.status, check.tier = ("overridden" if overridden else "confirmed"), tier
    check.override_reason = reason.strip() or None
    check.review_due, check.decided_by_id, check.decided_at = review_due, actor.id, clock.now()
    note = f"家庭经济状况核对第{check.id}号：{check.proposal_reason}。"
    note += f"建议{TIER_NAMES.get(check.proposed_tier or '', '不认定')}"
    note += f"，改为{TIER_NAMES.get(tier or '', '不认定')}，理由：{reason.strip()}" if overridden else "，确认"
    for member in _household(session, get_resident(session, actor=actor,
                                                   person_id=check.household_id)):
        record_tier(session, actor=actor, person_id=member.id, tier=tier, evidence_note=note,
                    review_due=review_due, check_id=check.id)
    record_access(session, actor_id=actor.id, action="update", subject_type="household_check",
                  subject_id=check.id, fields=["tier"],
                  detail={"tier": tier, "proposed_tier": check.proposed_tier,
                          "overridden": overridden})
    session.flush()
    return check


def list_checks(session: Session, *, actor: Person, person_id: int) -> list[HouseholdCheck]:
    """Return the checks of a resident's household, newest first."""
    person = get_resident(session, actor=actor, person_id=person_id)
    household_id = person.household_id or person.id
    return list(session.scalars(select(HouseholdCheck).where(
        HouseholdCheck.household_id == household_id).order_by(HouseholdCheck.id.desc())))
