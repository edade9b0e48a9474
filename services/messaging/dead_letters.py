"""Staff see notifications that could not be delivered and send them again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound
from models.messaging import NOTIFICATION_STATUSES, Notification
from models.person import Person
from services.access.audit import record_access
from services.access.checks import require_staff_for


def list_staff_notifications(
    session: Session, *, actor: Person, status: str = "dead", limit: int = 20,
    cursor: int | None = None,
) -> list[Notification]:
    """List notifications of the caller's communities in a status, newest first (limit + 1)."""
    communities = require_staff_for(actor)
    if status not in NOTIFICATION_STATUSES:
        return []
    stmt = (select(Notification).join(Person, Person.id == Notification.person_id)
            .where(Notification.status == status))
    if communities is not None:
        stmt = stmt.where(Person.community_id.in_(communities))
    if cursor is not None:
        stmt = stmt.where(Notification.id < cursor)
    found = list(session.scalars(stmt.order_by(Notification.id.desc()).limit(limit + 1)))
    if found:
        record_access(session, actor_id=actor.id, action="read", subject_type="notification",
                      subject_id=None, fields=["text"], detail={"ids": [n.id for n in found]})
    return found


def retry_notification(session: Session, *, actor: Person, notification_id: int) -> Notification:
    """Put an undelivered notification back in the queue, with a fresh set of attempts."""
    communities = require_staff_for(actor)
    notification = session.get(Notification, notification_id, with_for_update=True)
    person = session.get(Person, notification.person_id) if notification else None
    if notification is None or person is None or (
        communities is not None and person.community_id not in communities
    ):
        raise NotFound()
    if notification.status != "dead":
        raise InvalidTransition("只有发送失败的消息才能重发。")
    notification.status = "pending"
    notification.attempts = 0
    notification.next_attempt_at = None
    notification.due_at = min(clock.as_aware(notification.due_at), clock.now())
    notification.claim_token = None
    notification.claimed_until = None
    session.flush()
    return notification
