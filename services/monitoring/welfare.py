"""Welfare checks: notice when an elderly person living alone stops coming to eat.

Two signs, both about someone who usually eats with us (at least
REGULAR_MEALS kept bookings in the last LOOKBACK_DAYS): their last
MISSED_IN_A_ROW booked meals were all no-shows, or their bookings stopped
(none in the last QUIET_DAYS and none coming up). Either raises one risk
alert for the community's staff per episode and asks an accepted proxy
(family) — or, when there is none, a volunteer of the community — to check in.
Messages name the person masked (王**): the outbox is not encrypted at rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import LOCAL_TZ
from models.meals import MealBooking
from models.monitoring import RiskAlert
from models.person import Person, PersonRole
from models.region import Community
from services.messaging.alerts import raise_alert
from services.messaging.notifications import enqueue_notification
from services.people.proxies import list_family_agents

ELDERLY_AGE = 60
LOOKBACK_DAYS = 28
REGULAR_MEALS = 8
MISSED_IN_A_ROW = 3
QUIET_DAYS = 7
MEAL_ORDER = {"breakfast": 0, "lunch": 1, "dinner": 2}


@dataclass(frozen=True)
class Concern:
    """Why a person needs a check-in, and the key of this episode."""

    kind: str
    summary: str
    message: str
    episode: str


def run_welfare_checks(session: Session, *, now: datetime) -> int:
    """Check every regular diner living alone; return how many new alerts were raised."""
    today = now.astimezone(LOCAL_TZ).date()
    raised = 0
    for person in _regular_diners_living_alone(session, today=today):
        history = _history(session, person_id=person.id, today=today)
        concern = _missed_meals(person, history) or _bookings_stopped(person, history, today)
        if concern is not None and _raise(session, person=person, concern=concern):
            raised += 1
    return raised


def _regular_diners_living_alone(session: Session, *, today: date) -> list[Person]:
    kept = (
        select(MealBooking.person_id)
        .where(MealBooking.day > today - timedelta(days=LOOKBACK_DAYS), MealBooking.day <= today,
               MealBooking.status.in_(("booked", "served", "no_show")))
        .group_by(MealBooking.person_id)
        .having(func.count() >= REGULAR_MEALS)
    )
    people = session.scalars(select(Person).where(Person.living_alone.is_(True),
                                                  Person.id.in_(kept)).order_by(Person.id))
    return [p for p in people if (p.age_on(today) or 0) >= ELDERLY_AGE]


def _history(session: Session, *, person_id: int, today: date) -> list[MealBooking]:
    stmt = select(MealBooking).where(
        MealBooking.person_id == person_id, MealBooking.status != "cancelled",
        MealBooking.day > today - timedelta(days=LOOKBACK_DAYS),
    )
    rows = list(session.scalars(stmt))
    return sorted(rows, key=lambda b: (b.day, MEAL_ORDER.get(b.meal, 9)), reverse=True)


def _missed_meals(person: Person, history: list[MealBooking]) -> Concern | None:
    settled = [b for b in history if b.status in ("served", "no_show")][:MISSED_IN_A_ROW]
    if len(settled) < MISSED_IN_A_ROW or any(b.status != "no_show" for b in settled):
        return None
    name = f"{person.masked_name}老人"
    return Concern(
        kind="missed_meals",
        summary=f"独居老人{person.masked_name}连续{MISSED_IN_A_ROW}次订了餐没来吃，请尽快联系。",
        message=f"{name}最近连续{MISSED_IN_A_ROW}次订了餐没来吃。请您打个电话或上门看看。",
        episode=f"{settled[0].day.isoformat()}:{settled[0].meal}",
    )


def _bookings_stopped(person: Person, history: list[MealBooking], today: date) -> Concern | None:
    recent = [b for b in history if b.day > today - timedelta(days=QUIET_DAYS)]
    if recent or not history:
        return None
    name = f"{person.masked_name}老人"
    return Concern(
        kind="meals_stopped",
        summary=f"独居老人{person.masked_name}常来吃饭，已{QUIET_DAYS}天没有订餐，请尽快联系。",
        message=f"{name}平时常在助餐点吃饭，已经{QUIET_DAYS}天没订餐了。请您打个电话问问。",
        episode=history[0].day.isoformat(),
    )


def _raise(session: Session, *, person: Person, concern: Concern) -> bool:
    key = f"welfare:{concern.kind}:{person.id}:{concern.episode}"
    if session.scalar(select(RiskAlert.id).where(RiskAlert.dedupe_key == key)) is not None:
        return False  # this episode was raised before
    alert = raise_alert(
        session, kind=concern.kind, level="high", summary=concern.summary, dedupe_key=key,
        person_id=person.id, community_id=person.community_id, subject_type="person",
        subject_id=person.id,
    )
    for agent_id, text in _check_in_targets(session, person=person, concern=concern):
        enqueue_notification(session, person_id=agent_id, template="welfare_check", text=text,
                             dedupe_key=f"{key}:to:{agent_id}", payload={"alert_id": alert.id},
                             facts=_welfare_facts(session, person=person, concern=concern))
    return True


def _welfare_facts(session: Session, *, person: Person, concern: Concern) -> dict[str, str]:
    community = session.get(Community, person.community_id) if person.community_id else None
    return {"who": person.masked_name, "what": concern.summary,
            "place": community.name if community else "地址请问社工"}


def _check_in_targets(session: Session, *, person: Person,
                      concern: Concern) -> list[tuple[int, str]]:
    proxies = list_family_agents(session, principal_id=person.id)
    if proxies:
        return [(agent_id, concern.message) for agent_id in proxies]
    volunteer = session.scalar(select(PersonRole.person_id).where(
        PersonRole.role == "volunteer", PersonRole.community_id == person.community_id,
        PersonRole.person_id != person.id).order_by(PersonRole.person_id).limit(1))
    if volunteer is None:
        return []
    text = (f"社区独居老人{person.masked_name}需要有人问候一下，社工已收到提醒。"
            "如您方便，请联系社工一起去看看。")
    return [(volunteer, text)]
