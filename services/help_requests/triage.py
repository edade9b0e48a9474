"""The status machine: accept, assign, refer, reject, resolve, close, cancel.

submitted → accepted → assigned → in_progress → resolved → closed; side exits
cancelled, rejected (with a reason) and referred (the receiving organisation
accepts or rejects it). Every change is one timeline event and one message
to the requester.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import ConsentRequired, InvalidTransition, NotAllowed, ValidationFailed
from models.help_requests import CATEGORY_NAMES, STATUSES, HelpRequest
from models.monitoring import RiskAlert
from models.person import Consent, Person, PersonRole
from models.region import Organisation
from services.help_requests.events import (
    community_staff_ids,
    notify_people,
    notify_requester,
    record_event,
)
from services.help_requests.queries import load_visible
from services.help_requests.views import describe_for_requester, notice_facts
from services.messaging.message_templates import moment_words
from services.messaging.notifications import enqueue_notification

TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"accepted", "rejected", "referred", "cancelled"}),
    "accepted": frozenset({"assigned", "in_progress", "referred", "rejected", "cancelled"}),
    "assigned": frozenset({"assigned", "in_progress", "referred", "cancelled"}),
    "in_progress": frozenset({"resolved", "cancelled"}),
    "resolved": frozenset({"closed", "in_progress"}),
    "referred": frozenset({"accepted", "rejected", "cancelled"}),
    "closed": frozenset(),
    "cancelled": frozenset(),
    "rejected": frozenset(),
}
STATUS_NAMES = {
    "submitted": "已提交", "accepted": "已受理", "assigned": "已派单", "in_progress": "办理中",
    "resolved": "已办好", "closed": "已办结", "cancelled": "已取消", "rejected": "不予受理",
    "referred": "已转介",
}
# What each relation may do beyond reading; staff may make any legal move.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    "staff": frozenset(STATUSES),
    "organisation": frozenset({"accepted", "assigned", "in_progress", "resolved", "rejected"}),
    "assignee": frozenset({"in_progress", "resolved"}),
    "requester": frozenset({"cancelled"}),
}


@dataclass(frozen=True)
class Assignee:
    """Who takes a request on: an organisation, a person (staff or volunteer), or both."""

    organisation_id: int | None = None
    person_id: int | None = None


def _has_charity_consent(session: Session, person_id: int) -> bool:
    stmt = select(Consent.id).where(
        Consent.person_id == person_id, Consent.scope == "share_with_charity",
        Consent.withdrawn_at.is_(None),
    )
    return session.scalar(stmt.limit(1)) is not None


def _organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise ValidationFailed(fields={"assignee.organisation_id": "没有这个单位"})
    return organisation


def _may_take(person: Person, help_request: HelpRequest) -> bool:
    community = help_request.community_id
    return (
        person.has_role("staff", community_id=community)
        or person.has_role("volunteer", community_id=community)
        or any(r.organisation_id == help_request.organisation_id for r in person.roles
               if r.organisation_id is not None)
    )


def _assign(session: Session, help_request: HelpRequest, assignee: Assignee | None) -> int | None:
    if assignee is None or (assignee.organisation_id is None and assignee.person_id is None):
        raise ValidationFailed("请选择由谁来办理。", fields={"assignee": "必填"})
    if assignee.organisation_id is not None:
        help_request.organisation = _organisation(session, assignee.organisation_id)
    help_request.assignee_person_id = None
    if assignee.person_id is not None:
        person = session.get(Person, assignee.person_id)
        if person is None or not _may_take(person, help_request):
            raise ValidationFailed(fields={"assignee.person_id": "这个人不能接这条求助"})
        help_request.assignee_person_id = person.id
    return help_request.assignee_person_id


def _refer(session: Session, help_request: HelpRequest, assignee: Assignee | None) -> None:
    if assignee is None or assignee.organisation_id is None:
        raise ValidationFailed("请选择转给哪个单位。", fields={"assignee.organisation_id": "必填"})
    organisation = _organisation(session, assignee.organisation_id)
    if organisation.kind == "charity" and not _has_charity_consent(
        session, help_request.beneficiary_id
    ):
        raise ConsentRequired("转给慈善组织，需要求助人先同意。")
    help_request.organisation = organisation
    help_request.assignee_person_id = None


def _settle_alert(session: Session, help_request: HelpRequest, actor: Person) -> None:
    """Someone has acted on the request: its emergency alert no longer needs escalating."""
    if help_request.alert_id is None:
        return
    alert = session.get(RiskAlert, help_request.alert_id)
    if alert is not None and alert.status == "open":
        alert.status = "acknowledged"
        alert.acknowledged_by_id = actor.id
        alert.acknowledged_at = clock.now()


def _apply(session: Session, help_request: HelpRequest, to: str, note: str | None,
           assignee: Assignee | None) -> int | None:
    now = clock.now()
    if to == "rejected":
        if not note:
            raise ValidationFailed("请写明不受理的原因。", fields={"note": "必填"})
        help_request.rejection_reason = note
    elif to == "assigned":
        return _assign(session, help_request, assignee)
    elif to == "referred":
        _refer(session, help_request, assignee)
    elif to == "accepted":
        help_request.accepted_at = help_request.accepted_at or now
    elif to == "resolved":
        help_request.resolved_at = now
    elif to == "closed":
        help_request.closed_at = now
    return None


def move(session: Session, *, actor: Person, help_request: HelpRequest, to: str,
         note: str | None = None, assignee: Assignee | None = None) -> HelpRequest:
    """Make one legal move, record it and tell the requester (no permission check)."""
    if to not in TRANSITIONS.get(help_request.status, frozenset()):
        now_name, to_name = STATUS_NAMES[help_request.status], STATUS_NAMES[to]
        raise InvalidTransition(f"这条求助现在是“{now_name}”，不能改为“{to_name}”。")
    new_assignee = _apply(session, help_request, to, note, assignee)
    from_status, help_request.status = help_request.status, to
    if from_status == "submitted":
        _settle_alert(session, help_request, actor)
    session.flush()
    event = record_event(session, help_request=help_request, actor_id=actor.id,
                         from_status=from_status, to_status=to, note=note)
    notify_requester(session, help_request=help_request, event=event,
                     text=describe_for_requester(help_request))
    if to == "referred":
        tell_organisation(session, help_request=help_request, event_id=event.id)
    if new_assignee is not None and new_assignee != actor.id:
        facts = notice_facts(session, help_request=help_request)
        facts["when"] = moment_words(help_request.resolve_due_at)
        enqueue_notification(
            session, person_id=new_assignee, template="help_assigned",
            text=(f"有一条求助请您办理：{help_request.code}，{facts['what']}，"
                  f"求助人{facts['who']}，请在{facts['when']}前办好。请打开小程序查看。"),
            dedupe_key=f"help:{help_request.id}:event:{event.id}:assignee",
            payload={"help_request_id": help_request.id}, facts=facts,
        )
    return help_request


def transition_help_request(
    session: Session,
    *,
    actor: Person,
    request_id: int,
    to: str,
    note: str | None = None,
    assignee: Assignee | None = None,
) -> HelpRequest:
    """Move a request along the status machine as staff, its organisation or its assignee."""
    help_request, relation = load_visible(session, actor=actor, request_id=request_id,
                                          for_update=True)
    if to not in STATUSES:
        raise ValidationFailed(fields={"to": "不是允许的取值"})
    if to not in ALLOWED_MOVES[relation]:
        raise NotAllowed()
    if relation == "organisation" and to == "rejected" and help_request.status == "referred":
        return decline_referral(session, actor=actor, help_request=help_request, reason=note)
    return move(session, actor=actor, help_request=help_request, to=to, note=note,
                assignee=assignee)


def decline_referral(session: Session, *, actor: Person, help_request: HelpRequest,
                     reason: str | None) -> HelpRequest:
    """A referred organisation cannot take the request: it goes back to the community's staff."""
    if not (reason or "").strip():
        raise ValidationFailed("请写明不能接的原因。", fields={"note": "必填"})
    organisation = (session.get(Organisation, help_request.organisation_id)
                    if help_request.organisation_id else None)
    name = organisation.name if organisation else "承办单位"
    help_request.organisation, help_request.assignee_person_id = None, None
    help_request.status = "accepted"
    session.flush()
    note = f"{name}没能接：{reason}"
    event = record_event(session, help_request=help_request, actor_id=actor.id,
                         from_status="referred", to_status="accepted", note=note[:500])
    notify_requester(session, help_request=help_request, event=event,
                     text=f"{describe_for_requester(help_request)}\n{name}没能接，社区会继续为您办理。")
    facts = notice_facts(session, help_request=help_request)
    facts.update(what=f"{name}退回：{reason}")
    notify_people(session, person_ids=community_staff_ids(
        session, community_id=help_request.community_id), template="help_referral_declined",
        text=(f"求助{help_request.code}（{facts['who']}）被{name}退回，原因：{reason}。"
              "请重新安排。"),
        dedupe_prefix=f"help:{help_request.id}:event:{event.id}:declined",
        payload={"help_request_id": help_request.id}, facts=facts)
    return help_request


def tell_organisation(session: Session, *, help_request: HelpRequest, event_id: int) -> int:
    """Tell the members of the organisation a request was referred to; return how many."""
    if help_request.organisation_id is None:
        return 0
    organisation = session.get(Organisation, help_request.organisation_id)
    if organisation is None:
        return 0
    members = sorted(set(session.scalars(select(PersonRole.person_id).where(
        PersonRole.organisation_id == organisation.id))))
    facts = notice_facts(session, help_request=help_request)
    facts = {"code": facts["code"], "who": facts["who"],
             "what": CATEGORY_NAMES[help_request.category],
             "when": moment_words(help_request.resolve_due_at), "next": "请在小程序接单或退回"}
    notify_people(session, person_ids=members, template="help_referred",
                  text=(f"社区转来一条求助，请{organisation.name}办理：{help_request.code}，"
                        f"{facts['what']}，求助人{facts['who']}，请在{facts['when']}前办好。"
                        "请在小程序“求助”里接单，不能接请写明原因退回。"),
                  dedupe_prefix=f"help:{help_request.id}:event:{event_id}:referred",
                  payload={"help_request_id": help_request.id}, facts=facts)
    return len(members)


def cancel_help_request(session: Session, *, actor: Person, request_id: int) -> HelpRequest:
    """Let the requester withdraw a request that is not finished yet."""
    help_request, relation = load_visible(session, actor=actor, request_id=request_id,
                                          for_update=True)
    if relation != "requester":
        raise NotAllowed()
    return move(session, actor=actor, help_request=help_request, to="cancelled", note="求助人取消")
