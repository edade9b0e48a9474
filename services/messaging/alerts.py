"""Raise, list and acknowledge risk alerts for a community's staff."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound
from models.messaging import PRIORITY_NORMAL, PRIORITY_URGENT
from models.monitoring import RiskAlert
from models.person import Person, PersonRole
from services.access.checks import require_staff_for
from services.messaging.message_templates import moment_words
from services.messaging.notifications import enqueue_notification

LEVEL_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
LEVEL_WORDS = {"critical": "紧急", "high": "高", "medium": "中", "low": "低"}
ALERT_KIND_NAMES = {
    "emergency": "紧急求助",
    "missed_meals": "订餐多次未取",
    "overdue_request": "求助超期未办结",
    "volunteer_concern": "志愿者反映异常",
    "tier_review_due": "认定临近复核",
    "duplicate_id_number": "身份证号重复待核对",
    "income_below_dibao": "人均收入低于低保标准",
    "income_below_edge": "人均收入低于低保边缘线",
    "rigid_expense": "刚性支出过大",
    "serious_illness": "家有重病成员",
    "severe_disability": "家有重度残疾成员",
    "job_loss": "成员失业",
    "elderly_alone": "高龄独居",
    "tier_exited": "近期退出救助",
    "repeated_requests": "反复求助",
}
ESCALATE_AFTER = {"critical": timedelta(minutes=10), "high": timedelta(hours=2)}
# After this many rounds to the supervisors an alert stops escalating on its own.
MAX_ESCALATION_LEVEL = 3


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


def people_with_role(session: Session, *, role: str, community_id: int | None) -> list[int]:
    """Return ids of people holding `role` for a community (scoped to it or county-wide)."""
    scope: ColumnElement[bool] = PersonRole.community_id.is_(None)
    if community_id is not None:
        scope = or_(scope, PersonRole.community_id == community_id)
    stmt = select(PersonRole.person_id).where(PersonRole.role == role, scope).distinct()
    return sorted(session.scalars(stmt))


def _claim_escalation(session: Session, alert: RiskAlert, now: datetime) -> int | None:
    level = alert.escalation_level + 1
    delay = ESCALATE_AFTER.get(alert.level)
    next_at = now + delay if delay and level < MAX_ESCALATION_LEVEL else None
    result = session.execute(
        update(RiskAlert)
        .where(RiskAlert.id == alert.id, RiskAlert.status == "open",
               RiskAlert.escalation_level == level - 1)
        .values(escalation_level=level, escalate_at=next_at)
    )
    return level if result.rowcount else None  # type: ignore[attr-defined]


def _tell_supervisors(session: Session, alert: RiskAlert, level: int) -> None:
    priority = PRIORITY_URGENT if alert.level == "critical" else PRIORITY_NORMAL
    text = f"预警无人处理，请立即安排：{alert.summary}"
    who = session.get(Person, alert.person_id) if alert.person_id else None
    code = re.search(r"QZ-\d{8}-\d{4}", alert.summary)
    facts = {"level": LEVEL_WORDS.get(alert.level, alert.level),
             "code": code.group(0) if code else f"预警{alert.id}",
             "what": f"{ALERT_KIND_NAMES.get(alert.kind, '预警')}，无人处理",
             "who": who.masked_name if who else "—",
             "when": moment_words(alert.created_at)}
    for person_id in people_with_role(session, role="supervisor", community_id=alert.community_id):
        enqueue_notification(
            session, person_id=person_id, template="alert_escalated", text=text,
            dedupe_key=f"alert:{alert.id}:escalate:{level}:to:{person_id}",
            payload={"alert_id": alert.id, "escalation_level": level}, priority=priority,
            facts=facts,
        )


def escalate_unacknowledged_alerts(session: Session, *, now: datetime) -> int:
    """Tell supervisors about open alerts past their escalate time, once per level."""
    due = select(RiskAlert).where(
        RiskAlert.status == "open", RiskAlert.escalate_at.is_not(None), RiskAlert.escalate_at <= now
    )
    count = 0
    for alert in session.scalars(due.order_by(RiskAlert.id)).all():
        level = _claim_escalation(session, alert, now)
        if level is not None:
            _tell_supervisors(session, alert, level)
            count += 1
    return count
