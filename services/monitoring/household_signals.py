"""Household monitoring (低收入人口动态监测): signals per household and its risk level.

Each household indicator (services/data/household_rules.json, editable as a
WarningIndicator) is one rule below, read from what Linli knows (age, living
alone, disability, tier decisions, help requests) and what staff record in a
household check (services/assistance/means_check.py). A household is known by its head's
person id; someone in no household is a household of one. The list a
community's staff see also folds in every person-level signal of the members
(missed meals, overdue requests, a tier review due, open alerts). Warnings
about new signals: services/monitoring/household_warnings.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from core import clock
from models.assistance import HouseholdCheck
from models.console import TierDecision
from models.person import TIER_NAMES, Person, PersonRole
from services.access.audit import record_access
from services.assistance import means_check as assistance
from services.messaging.alerts import LEVEL_ORDER
from services.monitoring import indicator_sources, indicators
from services.monitoring.indicators import HOUSEHOLD_INDICATORS, IndicatorSpec

HOUSEHOLD_CODES = frozenset(spec.code for spec in HOUSEHOLD_INDICATORS)
MISSED_MEALS = "missed_meals"  # a person-level indicator the household list and warnings count too
COVERING_DIBAO = frozenset({"dibao", "tekun"})
EXITED_FROM = frozenset({"dibao", "tekun", "dibao_edge"})
RAISE_WHEN = 3  # this many different signals raise a household one level (never to critical)


@dataclass(frozen=True)
class HouseholdSignal:
    """One reason a household is watched; `key` names this occurrence for the once-only warning."""

    code: str
    name: str
    level: str
    summary: str
    person_id: int
    key: str
    at: datetime
    source: str = ""


@dataclass
class HouseholdRisk:
    """A household on the list: its members, its signals, and the risk level they add up to."""

    household_id: int
    members: list[Person]
    signals: list[HouseholdSignal] = field(default_factory=list)

    @property
    def level(self) -> str:
        rank = min(LEVEL_ORDER.get(s.level, 9) for s in self.signals)
        if len({s.code for s in self.signals}) >= RAISE_WHEN and rank > LEVEL_ORDER["high"]:
            rank -= 1
        return next(lv for lv, r in LEVEL_ORDER.items() if r == rank)

    @property
    def head(self) -> Person:
        return next((m for m in self.members if m.id == self.household_id), self.members[0])


@dataclass
class Household:
    """What the rules read about one household."""

    id: int
    members: list[Person]
    check: HouseholdCheck | None = None
    line_fen: dict[str, int] = field(default_factory=dict)
    exits: list[TierDecision] = field(default_factory=list)
    requests: list[tuple[int, datetime]] = field(default_factory=list)

    def has_tier(self, tiers: frozenset[str] | None, today: object) -> bool:
        found = {m.verified_tier_on(today) for m in self.members} - {None}  # type: ignore[arg-type]
        return bool(found) if tiers is None else bool(found & tiers)


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}".removesuffix(".00") + "元"


def _sig(spec: IndicatorSpec, h: Household, summary: str, key: str, *, person_id: int | None = None,
         at: datetime | None = None) -> HouseholdSignal:
    return HouseholdSignal(spec.code, spec.name, spec.level, summary, person_id or h.id,
                           f"{spec.code}:{h.id}:{key}", at or clock.now(), spec.source)


def _income(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
    if h.check is None or not h.line_fen:
        return []
    pc = h.check.figures["per_capita_fen"]
    dibao = h.line_fen["dibao"] * spec.threshold // 100
    edge = h.line_fen["edge"] * spec.threshold // 100
    today = now.astimezone(clock.LOCAL_TZ).date()
    if spec.code == "income_below_dibao" and pc < dibao and not h.has_tier(COVERING_DIBAO, today):
        words = f"人均月收入{_yuan(pc)}，低于低保标准{_yuan(h.line_fen['dibao'])}，没有有效的低保、特困认定"
    elif spec.code == "income_below_edge" and h.line_fen["dibao"] <= pc < edge and not h.has_tier(
            None, today):
        words = f"人均月收入{_yuan(pc)}，低于低保边缘线{_yuan(h.line_fen['edge'])}，没有有效认定"
    else:
        return []
    return [_sig(spec, h, words, f"check{h.check.id}:line{h.line_fen['line']}",
                 at=h.check.created_at)]


def _rigid(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
    if h.check is None or not h.line_fen:
        return []
    f, today = h.check.figures, now.astimezone(clock.LOCAL_TZ).date()
    share = h.line_fen["rigid_share"] * spec.threshold // 100
    year_income = f["income_month_fen"] * 12
    if not f["expense_year_fen"] or f["expense_year_fen"] * 100 <= year_income * share or h.has_tier(
            None, today):
        return []
    words = (f"近12个月医疗、教育支出{_yuan(f['expense_year_fen'])}，"
             f"超过家庭年收入{_yuan(year_income)}的{share}%")
    return [_sig(spec, h, words, f"check{h.check.id}", at=h.check.created_at)]


def _situation(item: str, words: str) -> Callable[[IndicatorSpec, Household, datetime],
                                                  list[HouseholdSignal]]:
    def rule(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
        check = h.check
        if check is None or (spec.window_days and check.created_at < now - timedelta(
                days=spec.window_days)):
            return []
        names = {m.id: m.masked_name for m in h.members}
        day = check.created_at.astimezone(clock.LOCAL_TZ).date().isoformat()
        return [_sig(spec, h, f"{names.get(i.person_id, '成员')}{words}（{day}核对）",
                     f"check{check.id}:{i.person_id}", person_id=i.person_id, at=check.created_at)
                for i in check.items if i.kind == "situation" and i.item == item]
    return rule


def _disability(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
    return [_sig(spec, h, f"{m.masked_name}残疾等级{m.disability_level}级",
                 f"{m.id}:{m.disability_level}", person_id=m.id)
            for m in h.members if m.disability_level and m.disability_level <= spec.threshold]


def _alone(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
    today = now.astimezone(clock.LOCAL_TZ).date()
    return [_sig(spec, h, f"{m.masked_name}{m.age_on(today)}岁，独自居住",
                 f"{m.id}:{spec.threshold}", person_id=m.id)
            for m in h.members if m.living_alone and (m.age_on(today) or 0) >= spec.threshold]


def _exited(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
    names = {m.id: m.masked_name for m in h.members}
    return [_sig(spec, h, f"{names[d.person_id]}的{TIER_NAMES.get(d.previous_tier or '', '')}认定于"
                          f"{d.decided_at.astimezone(clock.LOCAL_TZ):%Y-%m-%d}取消或退出",
                 f"decision{d.id}", person_id=d.person_id, at=d.decided_at)
            for d in h.exits]


def _requests(spec: IndicatorSpec, h: Household, now: datetime) -> list[HouseholdSignal]:
    if len(h.requests) < spec.threshold:
        return []
    crossing_id, at = h.requests[spec.threshold - 1]
    return [_sig(spec, h, f"近{spec.window_days}天全家求助{len(h.requests)}次",
                 f"request{crossing_id}", at=at)]


def _load_exits(session: Session, households: list[Household], spec: IndicatorSpec,
                now: datetime, community_id: int) -> None:
    home = {m.id: h for h in households for m in h.members}
    stmt = select(TierDecision).join(Person, Person.id == TierDecision.person_id).where(
        Person.community_id == community_id,
        TierDecision.decided_at >= now - timedelta(days=spec.window_days),
        TierDecision.previous_tier.in_(EXITED_FROM),
        or_(TierDecision.tier.is_(None), TierDecision.tier.not_in(EXITED_FROM)))
    for d in session.scalars(stmt.order_by(TierDecision.id)):
        if d.person_id in home:
            home[d.person_id].exits.append(d)


def _load_requests(session: Session, households: list[Household], spec: IndicatorSpec,
                   now: datetime, community_id: int) -> None:
    from models.help_requests import HelpRequest

    home = {m.id: h for h in households for m in h.members}
    who = func.coalesce(HelpRequest.on_behalf_of_id, HelpRequest.requester_id)
    stmt = select(who, HelpRequest.id, HelpRequest.created_at).where(
        HelpRequest.community_id == community_id,
        HelpRequest.created_at >= now - timedelta(days=spec.window_days))
    for person_id, req_id, at in session.execute(stmt.order_by(HelpRequest.created_at,
                                                              HelpRequest.id)):
        if person_id in home:
            home[person_id].requests.append((req_id, at))


RULES: dict[str, Callable[[IndicatorSpec, Household, datetime], list[HouseholdSignal]]] = {
    "income_below_dibao": _income,
    "income_below_edge": _income,
    "rigid_expense": _rigid,
    "serious_illness": _situation("serious_illness", "患重病"),
    "job_loss": _situation("lost_work", "失业"),
    "severe_disability": _disability,
    "elderly_alone": _alone,
    "tier_exited": _exited,
    "repeated_requests": _requests,
}


def _households(session: Session, community_id: int) -> list[Household]:
    is_resident = exists().where(PersonRole.person_id == Person.id, PersonRole.role == "resident")
    people = session.scalars(select(Person).where(
        Person.community_id == community_id, Person.erased_at.is_(None), is_resident)
        .order_by(Person.id))
    grouped: dict[int, list[Person]] = {}
    for p in people:
        grouped.setdefault(p.household_id or p.id, []).append(p)
    households = [Household(hid, members) for hid, members in grouped.items()]
    latest = select(func.max(HouseholdCheck.id)).where(
        HouseholdCheck.household_id.in_(list(grouped))).group_by(HouseholdCheck.household_id)
    checks = {c.household_id: c for c in session.scalars(
        select(HouseholdCheck).where(HouseholdCheck.id.in_(latest))
        .options(selectinload(HouseholdCheck.items)))}
    county_id = assistance.county_of(session, community_id=community_id)
    line = assistance.line_on(session, county_id=county_id, day=clock.today()) if county_id else None
    for h in households:
        h.check = checks.get(h.id)
        if line is not None:
            h.line_fen = {"dibao": line.dibao_month_fen, "line": line.id,
                          "edge": line.dibao_month_fen * line.edge_multiple_pct // 100,
                          "rigid_share": line.rigid_share_pct}
    return households


def compute_signals(session: Session, *, community_id: int,
                    now: datetime) -> list[tuple[Household, list[HouseholdSignal]]]:
    """Run every enabled household rule over the community's households."""
    specs = [s for s in indicators.list_indicators(session) if s.enabled and s.code in HOUSEHOLD_CODES]
    households = _households(session, community_id)
    for spec in specs:
        if spec.code == "tier_exited":
            _load_exits(session, households, spec, now, community_id)
        elif spec.code == "repeated_requests":
            _load_requests(session, households, spec, now, community_id)
    found = [(h, [sig for spec in specs for sig in RULES[spec.code](spec, h, now)])
             for h in households]
    _add_missed_meals(session, found, community_id, now)
    return found


def _add_missed_meals(session: Session, found: list[tuple[Household, list[HouseholdSignal]]],
                      community_id: int, now: datetime) -> None:
    """Members who missed booked meals (the person-level indicator), as household signals."""
    spec = next(s for s in indicators.list_indicators(session) if s.code == MISSED_MEALS)
    if not spec.enabled:
        return
    home = {m.id: (h, sigs) for h, sigs in found for m in h.members}
    for sig in indicator_sources.missed_meals(session, community_id, spec, now):
        if sig.person_id in home:
            h, sigs = home[sig.person_id]
            name = next(m.masked_name for m in h.members if m.id == sig.person_id)
            sigs.append(_sig(spec, h, f"{name}{sig.summary}",
                             f"{sig.person_id}:{sig.at.astimezone(clock.LOCAL_TZ).date()}",
                             person_id=sig.person_id, at=sig.at))


def list_household_risks(session: Session, *, actor: Person,
                         community_id: int) -> list[HouseholdRisk]:
    """Return the community's households with any signal, highest risk first (an audited read)."""
    person_level = indicators.list_monitoring(session, actor=actor, community_id=community_id)
    by_person = {e.person_id: e.signals for e in person_level if e.person_id is not None}
    risks = []
    for h, signals in compute_signals(session, community_id=community_id, now=clock.now()):
        for m in h.members:
            signals += [HouseholdSignal(s.indicator, s.name, s.level, s.summary, m.id,
                                        f"{s.indicator}:{s.alert_id or s.subject_id}", s.at)
                        for s in by_person.get(m.id, [])
                        if s.indicator not in HOUSEHOLD_CODES and s.indicator != MISSED_MEALS]
        if signals:
            signals.sort(key=lambda s: (LEVEL_ORDER.get(s.level, 9), s.at))
            risks.append(HouseholdRisk(h.id, h.members, signals))
    risks.sort(key=lambda r: (LEVEL_ORDER.get(r.level, 9), -len(r.signals), r.household_id))
    record_access(session, actor_id=actor.id, action="read", subject_type="household_risk",
                  subject_id=community_id, fields=["signals"],
                  detail={"households": len(risks)})
    return risks
