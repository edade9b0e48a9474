"""Staff routes for the outbox: undelivered messages (dead letters) and sending them again."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from core.uow import db
from core.validation import Moment, reply
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import Page, PageQuery
from services.messaging import dead_letters


class NotificationQuery(PageQuery):
    status: str = "dead"


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    template: str
    text: str
    status: str
    channel: str | None
    attempts: int
    last_error: str | None
    due_at: Moment
    sent_at: Moment | None


@bp.get("/staff/notifications")
@login_required
@api_doc(summary="本社区某一状态的通知（默认：没送出去的）", query=NotificationQuery,
         response=Page[NotificationOut])
def list_staff_notifications(query: NotificationQuery) -> Any:
    """List the caller's communities' notifications in one status (dead letters by default)."""
    found = dead_letters.list_staff_notifications(
        db(), actor=current_person(), status=query.status, limit=query.limit, cursor=query.cursor)
    return reply(Page[NotificationOut].of([NotificationOut.model_validate(n) for n in found],
                                          limit=query.limit))


@bp.post("/staff/notifications/<int:notification_id>/retry")
@login_required
@api_doc(summary="把没送出去的通知重新排队", response=NotificationOut)
def retry_staff_notification(notification_id: int) -> Any:
    """Queue an undelivered notification again."""
    notification = dead_letters.retry_notification(
        db(), actor=current_person(), notification_id=notification_id)
    return reply(NotificationOut.model_validate(notification))
