"""Staff routes for the outbox: undelivered messages (dead letters) and sending them again."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from core.validation import parse_query
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.pagination import PageQuery, page
from miniprogram_api.uow import db
from models.messaging import Notification
from services import dead_letters


class NotificationQuery(PageQuery):
    status: str = "dead"


def notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "person_id": n.person_id,
        "template": n.template,
        "text": n.text,
        "status": n.status,
        "channel": n.channel,
        "attempts": n.attempts,
        "last_error": n.last_error,
        "due_at": n.due_at.isoformat(),
        "sent_at": n.sent_at.isoformat() if n.sent_at else None,
    }


@bp.get("/staff/notifications")
@login_required
def list_staff_notifications() -> Any:
    """List the caller's communities' notifications in one status (dead letters by default)."""
    args = parse_query(NotificationQuery)
    found = dead_letters.list_staff_notifications(
        db(), actor=current_person(), status=args.status, limit=args.limit, cursor=args.cursor)
    return jsonify(page([notification_json(n) for n in found], limit=args.limit))


@bp.post("/staff/notifications/<int:notification_id>/retry")
@login_required
def retry_staff_notification(notification_id: int) -> Any:
    """Queue an undelivered notification again."""
    notification = dead_letters.retry_notification(
        db(), actor=current_person(), notification_id=notification_id)
    return jsonify(notification_json(notification))
