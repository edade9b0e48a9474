"""Where each warning indicator looks: open risk alerts and the computed signals per community."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core import clock
from models.monitoring import RiskAlert
from models.person import TIER_NAMES, Person
from services.messaging.alerts import ALERT_KIND_NAMES, LEVEL_ORDER

LIVE_ALERT_STATUSES = ("open", "acknowledged")
LIMIT = 500


class Spec(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def threshold(self) -> int: ...
    @property
    def window_days(self) -> int: ...
    @property
    def enabled(self) -> bool: ...


@dataclass(frozen=True)
class Signal:
    """One reason a person is on the monitoring list."""

    indicator: str
    name: str
    level: str
    summary: str
    at: datetime
    person_id: int | None
    alert_id: int | None = None
    alert_status: str | None = None
    subject_type: str | None = None
    subject_id: int | None = None


def _more_urgent(a: str, b: str) -> str:
    return a if LEVEL_ORDER.get(a, 9) <= LEVEL_ORDER.get(b, 9) else b


def from_alerts(session: Session, community_id: int, by_code: Mapping[str, Spec]) -> list[Signal]:
    """Turn the community's live risk alerts into signals (their level, or the indicator's if higher)."""
    stmt = select(RiskAlert).where(
        RiskAlert.community_id == community_id, RiskAlert.status.in_(LIVE_ALERT_STATUSES)
    )
    found = []
    for alert in session.scalars(stmt.order_by(RiskAlert.id.desc()).limit(LIMIT)):
        spec = by_code.get(alert.kind)
        level = _more_urgent(alert.level, spec.level) if spec and spec.enabled else alert.level
        found.append(Signal(
            indicator=alert.kind, name=spec.name if spec else ALERT_KIND_NAMES.get(alert.kind, alert.kind),
            level=level, summary=alert.summary, at=alert.created_at, person_id=alert.person_id,
            alert_id=alert.id, alert_status=alert.status,
            subject_type=alert.subject_type, subject_id=alert.subject_id,
        ))
    return found


def missed_meals(session: Session, community_id: int, spec: Spec, now: datetime) -> list[Signal]:
    """Residents who did not collect booked meals `threshold` times within the window."""
    from models.meals import MealBooking

    since = now.astimezone(clock.LOCAL_TZ).date() - timedelta(days=spec.window_days)
    stmt = (
        select(MealBooking.person_id, func.count(), func.max(MealBooking.day))
        .join(Person, Person.id == MealBooking.person_id)
        .where(Person.community_id == community_id, MealBooking.status == "no_show",
               MealBooking.day >= since)
        .group_by(MealBooking.person_id)
        .having(func.count() >= spec.threshold)
    )
    return [
        Signal(spec.code, spec.name, spec.level, f"近{spec.window_days}天{missed}次订餐未取",
               clock.local_datetime(last, 12), person_id, subject_type="person", subject_id=person_id)
        for person_id, missed, last in session.execute(stmt.limit(LIMIT))
    ]


def overdue_requests(session: Session, community_id: int, spec: Spec, now: datetime) -> list[Signal]:
    """Open help requests past their acceptance or resolution deadline."""
    from models.help_requests import CATEGORY_NAMES, OPEN_STATUSES, HelpRequest

    late = or_(and_(HelpRequest.status == "submitted", HelpRequest.accept_due_at < now),
               HelpRequest.resolve_due_at < now)
    # Only the columns the list shows: loading whole rows would decrypt every description.
    stmt = select(HelpRequest.id, HelpRequest.code, HelpRequest.category, HelpRequest.status,
                  HelpRequest.accept_due_at, HelpRequest.resolve_due_at,
                  func.coalesce(HelpRequest.on_behalf_of_id, HelpRequest.requester_id)).where(
        HelpRequest.community_id == community_id, HelpRequest.status.in_(OPEN_STATUSES), late
    )
    found = []
    for req_id, code, category, status, accept_due, resolve_due, beneficiary in session.execute(
            stmt.order_by(HelpRequest.resolve_due_at, HelpRequest.id).limit(LIMIT)):
        due = accept_due if status == "submitted" else resolve_due
        found.append(Signal(spec.code, spec.name, spec.level,
                            f"{code} {CATEGORY_NAMES.get(category, category)}求助已超期",
                            due, beneficiary, subject_type="help_request", subject_id=req_id))
    return found


def tiers_due(session: Session, community_id: int, spec: Spec, now: datetime) -> list[Signal]:
    """Residents whose verified tier is due for review within the window, or already past it."""
    today = now.astimezone(clock.LOCAL_TZ).date()
    stmt = select(Person).where(
        Person.community_id == community_id, Person.economic_tier.is_not(None),
        Person.tier_review_due <= today + timedelta(days=spec.window_days),
    )
    found = []
    for person in session.scalars(stmt.order_by(Person.tier_review_due).limit(LIMIT)):
        due = person.tier_review_due
        assert due is not None
        tier = TIER_NAMES.get(person.economic_tier or "", "")
        summary = (f"{tier}认定已于{due.month}月{due.day}日过期，补贴暂停计算" if due < today
                   else f"{tier}认定{due.month}月{due.day}日到期")
        found.append(Signal(spec.code, spec.name, spec.level, summary,
                            clock.local_datetime(due, 0), person.id,
                            subject_type="person", subject_id=person.id))
    return found


COMPUTED: dict[str, Callable[[Session, int, Spec, datetime], list[Signal]]] = {
    "missed_meals": missed_meals,
    "overdue_request": overdue_requests,
    "tier_review_due": tiers_due,
}
