"""Household warnings (预警): one risk alert and one staff notice per new household signal.

The scheduler's `household_warnings` job runs `raise_household_warnings`; the
signals come from services/monitoring/household_signals.py. A signal's occurrence key is
the alert's dedupe key, so a signal is warned about once however often the
job runs; an alert whose signal has gone is resolved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.monitoring import RiskAlert
from models.person import Person
from services.messaging.alerts import LEVEL_WORDS, people_with_role, raise_alert
from services.messaging.message_templates import moment_words
from services.messaging.notifications import enqueue_notification
from services.monitoring.household_signals import (
    HOUSEHOLD_CODES,
    MISSED_MEALS,
    HouseholdSignal,
    compute_signals,
)
from services.monitoring.indicator_sources import LIVE_ALERT_STATUSES


def _tell_staff(session: Session, alert: RiskAlert, signal: HouseholdSignal, who: str) -> None:
    facts = {"level": LEVEL_WORDS.get(signal.level, signal.level), "what": signal.name,
             "who": who, "when": moment_words(alert.created_at)}
    for staff_id in people_with_role(session, role="staff", community_id=alert.community_id):
        enqueue_notification(
            session, person_id=staff_id, template="household_signal",
            text=f"家庭监测新预警（{facts['level']}）：{who}家，{signal.name}。{signal.summary}",
            dedupe_key=f"{alert.dedupe_key}:to:{staff_id}", facts=facts,
            payload={"alert_id": alert.id, "household_id": alert.subject_id})


def raise_household_warnings(session: Session, *, now: datetime) -> int:
    """Raise one alert per new household signal and tell the community's staff; return how many.

    An alert whose signal is gone (the tier was verified, the person moved) is resolved.
    """
    raised = 0
    communities = session.scalars(select(Person.community_id).where(
        Person.community_id.is_not(None)).distinct())
    for community_id in sorted(c for c in communities if c is not None):
        keys: set[str] = set()
        for h, signals in compute_signals(session, community_id=community_id, now=now):
            head = next((m for m in h.members if m.id == h.id), h.members[0])
            for signal in signals:
                key = f"household:{signal.key}"
                keys.add(key)
                if session.scalar(select(RiskAlert.id).where(RiskAlert.dedupe_key == key)):
                    continue
                if signal.code == MISSED_MEALS and _welfare_alert_open(session, signal.person_id):
                    continue  # the welfare check already warned about this person's meals
                alert = raise_alert(
                    session, kind=signal.code, level=signal.level, dedupe_key=key,
                    summary=f"{head.masked_name}家：{signal.summary}", person_id=signal.person_id,
                    community_id=community_id, subject_type="household", subject_id=h.id,
                    detail={"household_id": h.id, "members": len(h.members)})
                _tell_staff(session, alert, signal, head.masked_name)
                raised += 1
        _resolve_gone(session, community_id, keys, now)
    return raised


def _welfare_alert_open(session: Session, person_id: int) -> bool:
    return session.scalar(select(RiskAlert.id).where(
        RiskAlert.person_id == person_id, RiskAlert.kind == MISSED_MEALS,
        RiskAlert.status.in_(LIVE_ALERT_STATUSES)).limit(1)) is not None


def _resolve_gone(session: Session, community_id: int, keys: set[str], now: datetime) -> None:
    stale = select(RiskAlert).where(
        RiskAlert.community_id == community_id, RiskAlert.kind.in_(HOUSEHOLD_CODES),
        RiskAlert.status.in_(LIVE_ALERT_STATUSES), RiskAlert.subject_type == "household")
    for alert in session.scalars(stale):
        if alert.dedupe_key not in keys:
            alert.status, alert.resolved_at, alert.escalate_at = "resolved", now, None
    session.flush()
