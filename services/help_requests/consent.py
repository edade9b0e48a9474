"""The person's say before a request goes to a charity: asked in chat, answered with 1 or 2.

Staff who want a charity's help ask the person (`ask_charity_consent`); the question goes
out by the outbox and waits, remembered by its notification, until the person answers
(`answer_charity_consent`): yes records the `share_with_charity` consent, no records a
consent withdrawn the moment it was given, so the question is settled either way and the
answer stays on the record. The person withdraws it later in chat or the mini-program; a
charity stops seeing the details at once (`views.charity_may_see`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from core import clock
from core.errors import ValidationFailed
from models.help_requests import CATEGORY_NAMES, HelpRequest
from models.messaging import Notification
from models.person import Consent, Person
from models.region import Organisation
from services.help_requests.events import community_staff_ids, notify_people, record_event
from services.help_requests.queries import load_visible
from services.messaging.notifications import enqueue_notification
from services.messaging.questions import Clue
from services.people.consents import POLICY_VERSION, give_consent, has_consent

SCOPE = "share_with_charity"
ASKS = "回复：1 同意 2 不同意"


@dataclass(frozen=True)
class ConsentQuestion:
    """A charity-consent question still waiting for the person's answer."""

    asked_at: datetime
    help_request_id: int
    code: str
    organisation: str
    status: str  # the request's, now: staff may have closed it since they asked
    changed_at: datetime


def ask_charity_consent(session: Session, *, actor: Person, request_id: int,
                        organisation_id: int) -> Notification | None:
    """Ask the person helped whether a charity may see their request; None when they agreed."""
    help_request, relation = load_visible(session, actor=actor, request_id=request_id)
    if relation != "staff":
        raise ValidationFailed("只有社区工作人员可以发起。")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind != "charity":
        raise ValidationFailed(fields={"organisation_id": "请选择一个慈善组织"})
    person_id = help_request.beneficiary_id
    if has_consent(session, person_id=person_id, scope=SCOPE):
        return None
    text = (f"社区想请{organisation.name}帮您办求助{help_request.code}"
            f"（{CATEGORY_NAMES[help_request.category]}）。\n"
            "需要把您的姓名、电话、住址和求助内容告诉他们。您同意吗？\n"
            f"{ASKS}\n以后不想让他们知道，回复“撤回同意”就行。")
    record_event(session, help_request=help_request, actor_id=actor.id, kind="reminder",
                 from_status=help_request.status, to_status=help_request.status,
                 note=f"请求助人同意转给{organisation.name}")
    return enqueue_notification(
        session, person_id=person_id, template="charity_consent", text=text,
        dedupe_key=f"help:{help_request.id}:charity-consent:{organisation.id}",
        payload={"help_request_id": help_request.id, "organisation_id": organisation.id},
        facts={"code": help_request.code, "who": organisation.name, "next": "回复：1 同意 2 不同意"})


def pending_charity_question(session: Session, *, person_id: int,
                             since: datetime) -> ConsentQuestion | None:
    """Return the newest charity-consent question not yet answered by this person."""
    asked = session.scalar(select(Notification).where(*_asked(person_id, since))
                           .order_by(Notification.id.desc()).limit(1))
    if asked is None:
        return None
    answered = session.scalar(select(Consent.id).where(
        Consent.person_id == person_id, Consent.scope == SCOPE,
        Consent.granted_at >= asked.created_at).limit(1))
    help_request = session.get(HelpRequest, int(asked.payload.get("help_request_id", 0)))
    organisation = session.get(Organisation, int(asked.payload.get("organisation_id", 0)))
    if answered is not None or help_request is None or organisation is None:
        return None
    return ConsentQuestion(asked.created_at, help_request.id, help_request.code, organisation.name,
                           help_request.status, help_request.updated_at)


def charity_question_may_wait(*, person_id: int, since: datetime) -> Clue:
    """Return a clue that holds when `pending_charity_question` may find a question."""
    return exists().where(*_asked(person_id, since))


def _asked(person_id: int, since: datetime) -> tuple[ColumnElement[bool], ...]:
    return (Notification.person_id == person_id, Notification.template == "charity_consent",
            Notification.created_at >= since)


def answer_charity_consent(session: Session, *, person: Person, help_request_id: int,
                           agreed: bool) -> None:
    """Record the person's answer and tell the community's staff on the request's timeline."""
    if agreed:
        give_consent(session, person=person, scope=SCOPE, channel="chat")
    else:
        now = clock.now()
        session.add(Consent(person_id=person.id, scope=SCOPE, policy_version=POLICY_VERSION,
                            channel="chat", granted_at=now, withdrawn_at=now))
        session.flush()
    help_request = session.get(HelpRequest, help_request_id)
    if help_request is None:
        return
    said = "同意" if agreed else "不同意"
    event = record_event(session, help_request=help_request, actor_id=person.id,
                         kind="reminder", from_status=help_request.status,
                         to_status=help_request.status, note=f"求助人{said}转给慈善组织")
    notify_people(session, person_ids=community_staff_ids(
        session, community_id=help_request.community_id), template="help_consent_answered",
        text=f"求助{help_request.code}：求助人{said}把情况告诉慈善组织。"
             + ("现在可以转介了。" if agreed else "请用其他办法帮助。"),
        dedupe_prefix=f"help:{help_request.id}:event:{event.id}:consent",
        payload={"help_request_id": help_request.id},
        facts={"code": help_request.code, "status": said, "next": "可以转介" if agreed
               else "请用其他办法帮助"})
