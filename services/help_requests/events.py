"""Timeline events and the messages they cause (outbox, same transaction)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import clock
from models.help_requests import HelpRequest, HelpRequestEvent
from models.messaging import PRIORITY_NORMAL
from services.help_requests.views import notice_facts
from services.messaging.alerts import people_with_role
from services.messaging.notifications import enqueue_notification


def record_event(
    session: Session,
    *,
    help_request: HelpRequest,
    actor_id: int | None,
    kind: str = "status",
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> HelpRequestEvent:
    """Append one line to a request's timeline."""
    event = HelpRequestEvent(
        request_id=help_request.id, at=clock.now(), actor_id=actor_id, kind=kind,
        from_status=from_status, to_status=to_status, note=note,
    )
    session.add(event)
    session.flush()
    return event


def notify_requester(
    session: Session, *, help_request: HelpRequest, event: HelpRequestEvent, text: str
) -> None:
    """Tell the requester about one timeline event (queued once per event)."""
    enqueue_notification(
        session, person_id=help_request.requester_id, template="help_status", text=text,
        dedupe_key=f"help:{help_request.id}:event:{event.id}",
        payload={"help_request_id": help_request.id, "code": help_request.code,
                 "status": help_request.status},
        facts={k: v for k, v in notice_facts(session, help_request=help_request).items()
               if k in ("code", "status", "next")},
    )


def community_staff_ids(session: Session, *, community_id: int | None) -> list[int]:
    """Staff who serve a community (its own and county-wide staff)."""
    return people_with_role(session, role="staff", community_id=community_id)


def notify_people(
    session: Session,
    *,
    person_ids: list[int],
    template: str,
    text: str,
    dedupe_prefix: str,
    payload: dict[str, object],
    priority: int = PRIORITY_NORMAL,
    facts: dict[str, str] | None = None,
) -> int:
    """Queue the same message to several people, once each per dedupe prefix."""
    for person_id in person_ids:
        enqueue_notification(
            session, person_id=person_id, template=template, text=text,
            dedupe_key=f"{dedupe_prefix}:to:{person_id}", payload=dict(payload), priority=priority,
            facts=facts,
        )
    return len(person_ids)
