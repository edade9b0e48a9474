"""Raise, list and acknowledge risk alerts for a community's staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound
from models.monitoring import RiskAlert
from models.person import Person
from services.access import require_staff_for

LEVEL_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
ESCALATE_AFTER = {"critical": timedelta(minutes=10), "high": timedelta(hours=2)}


def raise_alert(
    session: Session,
    *,
    kind: str,
    level: str,
    summary: str,
    dedupe_key: str,
    person_id: int | None = None,
    community_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> RiskAlert:
    """Open an alert once per dedupe key; a repeat returns the first one."""
    existing = session.scalar(select(RiskAlert).where(RiskAlert.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    delay = ESCALATE_AFTER.get(level)
    alert = RiskAlert(
        kind=kind,
        level=level,
        status="open",
        summary=summary,
        dedupe_key=dedupe_key,
        person_id=person_id,
        community_id=community_id,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
        escalate_at=clock.now() + delay if delay else None,
    )
    session.add(alert)
    session.flush()
    return alert


def list_alerts(
    session: Session, *, actor: Person, status: str | None = "open", limit: int = 100
) -> list[RiskAlert]:
    """Return the alerts of the communities the staff member serves, most urgent first."""
    communities = require_staff_for(actor)
    stmt = select(RiskAlert)
    if communities is not None:
        stmt = stmt.where(RiskAlert.community_id.in_(communities))
    if status:
        stmt = stmt.where(RiskAlert.status == status)
    alerts = list(session.scalars(stmt.order_by(RiskAlert.id.desc()).limit(limit)))
    return sorted(alerts, key=lambda a: (LEVEL_ORDER.get(a.level, 9), -a.id))


def acknowledge_alert(
    session: Session, *, actor: Person, alert_id: int, note: str | None = None
) -> RiskAlert:
    """Mark an alert as seen by a staff member of its community."""
    communities = require_staff_for(actor)
    alert = session.get(RiskAlert, alert_id, with_for_update=True)
    if alert is None or (communities is not None and alert.community_id not in communities):
        raise NotFound()
    if alert.status != "open":
        raise InvalidTransition("这条预警已经有人处理了。")
    alert.status = "acknowledged"
    alert.acknowledged_by_id = actor.id
    alert.acknowledged_at = clock.now()
    alert.note = note
    session.flush()
    return alert
