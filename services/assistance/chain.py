"""One assistance chain per household (一户一条救助链): history across organisations, gaps and duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.help_requests import LAYER_NAMES, LAYERS
from models.person import TIER_NAMES, Person
from services.access.audit import record_access
from services.access.checks import staff_communities
from services.assistance.chain_sources import SOURCES, HistoryEvent
from services.assistance.tiers import get_resident

AID_KINDS = ("help_request", "meal", "volunteer_service")
QUIET_DAYS = 90
DUPLICATE_WINDOW = timedelta(days=30)
CLOSED_WITHOUT_HELP = ("cancelled", "rejected")


@dataclass
class HouseholdHistory:
    """A household's members, their events across organisations, totals and what to look at."""

    person: Person
    members: list[Person]
    events: list[HistoryEvent]
    gaps: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def total(self, attribute: str, kind: str | None = None) -> int:
        return sum(getattr(e, attribute) for e in self.events if kind is None or e.kind == kind)

    @property
    def subsidy_fen(self) -> int:
        return self.total("amount_fen", "meal")

    @property
    def meals_served(self) -> int:
        return sum(e.count for e in self.events if e.kind == "meal" and e.status == "served")

    @property
    def service_minutes(self) -> int:
        return self.total("minutes", "volunteer_service")

    @property
    def by_layer(self) -> list[tuple[str, str, list[HistoryEvent]]]:
        """Group the layered events (requests, tier decisions) by layer, in the policy's order."""
        return [(layer, LAYER_NAMES[layer], found) for layer in LAYERS
                if (found := [e for e in self.events if e.layer == layer])]


def _members(session: Session, actor: Person, person: Person) -> list[Person]:
    if person.household_id is None:
        return [person]
    communities = staff_communities(actor)
    stmt = select(Person).where(Person.household_id == person.household_id)
    if communities is not None:
        stmt = stmt.where(Person.community_id.in_(communities))
    return list(session.scalars(stmt.order_by(Person.id)))


def _duplicates(events: list[HistoryEvent]) -> list[str]:
    requests = [e for e in events if e.kind == "help_request" and e.organisation
                and e.status not in CLOSED_WITHOUT_HELP]
    found = []
    for i, a in enumerate(requests):
        for b in requests[i + 1:]:
            if (a.category == b.category and a.organisation != b.organisation
                    and abs(a.at - b.at) <= DUPLICATE_WINDOW):
                found.append(f"{b.title}（{b.organisation}）与{a.title}（{a.organisation}）"
                             "同类且相隔不到30天，可能重复救助")
    return found


def _gaps(members: list[Person], events: list[HistoryEvent]) -> list[str]:
    today, now = clock.today(), clock.now()
    since = now - timedelta(days=QUIET_DAYS)
    found = []
    for m in members:
        tier = TIER_NAMES.get(m.economic_tier or "")
        if tier and m.tier_review_due is not None and m.tier_review_due < today:
            found.append(f"{m.masked_name}的{tier}认定已过复核日期，补贴暂停计算，请尽快复核")
        helped = [e for e in events if e.person_id == m.id and e.kind in AID_KINDS and e.at >= since]
        if m.verified_tier_on(today) and not helped:
            found.append(f"{m.masked_name}是{tier}对象，近{QUIET_DAYS}天没有任何帮扶记录")
    for e in events:
        if e.kind == "help_request" and e.status in ("submitted", "accepted", "assigned",
                                                     "in_progress", "referred"):
            if e.at < since:
                found.append(f"{e.title}已提交超过{QUIET_DAYS}天仍未办结")
    return found


def get_household_history(session: Session, *, actor: Person, person_id: int) -> HouseholdHistory:
    """Return a resident's and their household's assistance chain, audited as a read."""
    person = get_resident(session, actor=actor, person_id=person_id)
    members = _members(session, actor, person)
    ids = [m.id for m in members]
    events: list[HistoryEvent] = []
    for source in SOURCES:
        try:
            events.extend(source(session, ids))
        except ModuleNotFoundError:  # that domain's tables are not in this build
            continue
    events.sort(key=lambda e: e.at, reverse=True)
    record_access(session, actor_id=actor.id, action="read", subject_type="household",
                  subject_id=person.id, fields=["history"], detail={"members": ids})
    chronological = sorted(events, key=lambda e: e.at)
    return HouseholdHistory(person=person, members=members, events=events,
                            gaps=_gaps(members, events), duplicates=_duplicates(chronological))
