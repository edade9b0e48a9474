"""救助结果跟踪评价: the requester rates a finished request; one reminder if they have not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from core import clock
from core.errors import Conflict, ErrorCode, InvalidTransition, NotAllowed, ValidationFailed
from models.help_requests import HelpRequest
from models.person import Person
from services.help_requests.events import record_event
from services.help_requests.queries import load_visible
from services.help_requests.sla import feedback_reminder_after
from services.help_requests.triage import move
from services.messaging.notifications import enqueue_notification
from services.messaging.questions import Clue

MAX_COMMENT = 200


class AlreadyRated(Conflict):
    error = ErrorCode.ALREADY_RATED


def rate_help_request(
    session: Session, *, actor: Person, request_id: int, rating: int, comment: str | None = None
) -> HelpRequest:
    """Record the requester's 1–5 rating and comment; a resolved request is then closed."""
    help_request, relation = load_visible(session, actor=actor, request_id=request_id,
                                          for_update=True)
    if relation != "requester":
        raise NotAllowed()
    if help_request.status not in ("resolved", "closed"):
        raise InvalidTransition("办好之后才能评价。")
    if help_request.rating is not None:
        raise AlreadyRated()
    if not 1 <= rating <= 5:
        raise ValidationFailed("请打1到5分。", fields={"rating": "应为1到5"})
    text = (comment or "").strip()[:MAX_COMMENT] or None
    help_request.rating, help_request.feedback_comment = rating, text
    help_request.rated_at = clock.now()
    record_event(session, help_request=help_request, actor_id=actor.id, kind="feedback",
                 note=f"评分{rating}分")
    if help_request.status == "resolved":
        move(session, actor=actor, help_request=help_request, to="closed", note="求助人评价后办结")
    session.flush()
    return help_request


def get_request_awaiting_rating(
    session: Session, *, requester_id: int, since: datetime
) -> HelpRequest | None:
    """Return the person's latest request finished since `since` and not yet rated."""
    return session.scalar(
        select(HelpRequest)
        .where(HelpRequest.requester_id == requester_id,
               HelpRequest.status.in_(("resolved", "closed")), HelpRequest.rating.is_(None),
               HelpRequest.resolved_at >= since)
        .order_by(HelpRequest.resolved_at.desc(), HelpRequest.id.desc()).limit(1)
    )


def get_recently_rated_request(
    session: Session, *, requester_id: int, since: datetime
) -> HelpRequest | None:
    """Return the person's request rated since `since` (perhaps on another device), latest first."""
    return session.scalar(
        select(HelpRequest)
        .where(HelpRequest.requester_id == requester_id, HelpRequest.rated_at >= since)
        .order_by(HelpRequest.rated_at.desc(), HelpRequest.id.desc()).limit(1)
    )


def rating_may_wait(*, requester_id: int, asked_since: datetime, settled_since: datetime) -> Clue:
    """Return a clue that holds when a request may wait for a score, or its score was settled lately.

    It holds whenever `get_request_awaiting_rating` (asked since `asked_since`),
    `get_recently_rated_request` (since `settled_since`) or a request staff took
    back to 办理中 after it was resolved since `asked_since` would be found.
    """
    return exists().where(HelpRequest.requester_id == requester_id, or_(
        and_(HelpRequest.status.in_(("resolved", "closed")), HelpRequest.rating.is_(None),
             HelpRequest.resolved_at >= asked_since),
        HelpRequest.rated_at >= settled_since,
        and_(HelpRequest.status == "in_progress", HelpRequest.resolved_at >= asked_since)))


def _claim_reminder(session: Session, help_request: HelpRequest, now: datetime) -> bool:
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_request.id, HelpRequest.feedback_reminded_at.is_(None))
        .values(feedback_reminded_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def request_feedback_reminders(session: Session, *, now: datetime) -> int:
    """Ask once more for a rating on requests resolved a while ago; return how many."""
    due = select(HelpRequest).where(
        HelpRequest.status.in_(("resolved", "closed")), HelpRequest.rating.is_(None),
        HelpRequest.feedback_reminded_at.is_(None),
        HelpRequest.resolved_at <= now - feedback_reminder_after(),
    )
    count = 0
    for help_request in session.scalars(due.order_by(HelpRequest.id)).all():
        if not _claim_reminder(session, help_request, now):
            continue
        enqueue_notification(
            session, person_id=help_request.requester_id, template="help_feedback",
            text=f"您的求助{help_request.code}已经办好了。请给这次服务打个分：回复1到5分。",
            dedupe_key=f"help:{help_request.id}:feedback-reminder",
            payload={"help_request_id": help_request.id},
            facts={"code": help_request.code, "next": "请给这次服务打个分：回复1到5分"},
        )
        record_event(session, help_request=help_request, actor_id=None, kind="reminder",
                     note="再次请求评价")
        count += 1
    return count
