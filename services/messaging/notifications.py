"""Write outbox notifications in the caller's transaction (sent after commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.messaging import PRIORITY_NORMAL, Notification


def enqueue_notification(
    session: Session,
    *,
    person_id: int,
    template: str,
    text: str,
    dedupe_key: str,
    payload: dict[str, Any] | None = None,
    facts: dict[str, str] | None = None,
    due_at: datetime | None = None,
    priority: int = PRIORITY_NORMAL,
) -> Notification:
    """Queue one message to a person; the same dedupe key never queues twice.

    `facts` are what the notice must carry into WeChat's template fields (who,
    where, the code, a phone to call back: services/message_templates.NOTICES);
    they are stored encrypted, apart from the plain routing `payload`.
    """
    existing = session.scalar(select(Notification).where(Notification.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    notification = Notification(
        person_id=person_id,
        template=template,
        text=text,
        payload=payload or {},
        facts=facts or None,
        dedupe_key=dedupe_key,
        due_at=due_at or clock.now(),
        priority=priority,
        status="pending",
    )
    session.add(notification)
    session.flush()
    return notification


def list_notifications_for(session: Session, *, person_id: int) -> list[Notification]:
    """Return a person's notifications, newest first."""
    stmt = (
        select(Notification)
        .where(Notification.person_id == person_id)
        .order_by(Notification.id.desc())
    )
    return list(session.scalars(stmt))
