"""Verifying service records: the beneficiary confirms in chat, or staff decide.

A record with a beneficiary asks them first; a record without one, a flagged
one, a disputed one or one left unconfirmed goes to staff. A record is
decided once (its row is locked and its status checked), and a verified
record mints its points once (the ledger's unique link is the final guard).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, object_session

from core import clock
from core.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from models.person import Person
from models.volunteers import ServiceRecord
from services.access.checks import can_act_for, require_staff_for
from services.messaging.alerts import raise_alert
from services.messaging.message_templates import day_words
from services.messaging.notifications import enqueue_notification
from services.messaging.questions import Clue
from services.volunteers.ledger import mint_points_for_service, service_points

NUDGE_AFTER = timedelta(hours=24)
TO_STAFF_AFTER_NUDGE = timedelta(hours=48)


def _when(record: ServiceRecord) -> str:
    days = (clock.today() - record.service_day).days
    return {0: "今天", 1: "昨天"}.get(days, f"{record.service_day.month}月{record.service_day.day}日")


def confirmation_prompt(record: ServiceRecord) -> str:
    """Return the question the beneficiary answers with 1 (yes) or 2 (no)."""
    session = object_session(record)
    volunteer = session.get(Person, record.volunteer_id) if session is not None else None
    name = (volunteer.name if volunteer is not None else None) or "志愿者"
    what = f"（{record.description[:20]}）" if record.description else ""
    return (f"志愿者{name}说{_when(record)}为您服务{record.hours:g}小时{what}，对吗？\n"
            "回复1确认，2不对")


def confirmation_facts(record: ServiceRecord) -> dict[str, str]:
    """What a confirmation notice carries into template fields."""
    session = object_session(record)
    volunteer = session.get(Person, record.volunteer_id) if session is not None else None
    return {"service": f"{record.description or '志愿服务'}（{record.hours:g}小时）",
            "who": (volunteer.name if volunteer is not None else None) or "志愿者",
            "when": day_words(record.service_day), "next": "回复1确认，2不对"}


def request_confirmation(session: Session, *, record: ServiceRecord) -> None:
    """Ask the beneficiary to confirm, or send the record to staff when no one can."""
    if record.beneficiary_id is None or record.flagged:
        record.needs_staff = True
        session.flush()
        return
    enqueue_notification(
        session, person_id=record.beneficiary_id, template="service_confirm",
        text=confirmation_prompt(record), dedupe_key=f"service:{record.id}:confirm",
        payload={"service_record_id": record.id}, facts=confirmation_facts(record),
    )


def list_pending_confirmations(session: Session, *, beneficiary_id: int) -> list[ServiceRecord]:
    """Return the records waiting for this beneficiary's yes or no, oldest first."""
    return list(session.scalars(
        select(ServiceRecord)
        .where(ServiceRecord.beneficiary_id == beneficiary_id,
               ServiceRecord.status == "pending_confirmation",
               ServiceRecord.needs_staff.is_(False))
        .order_by(ServiceRecord.id)
    ))


def list_decided_without_beneficiary(session: Session, *, beneficiary_id: int,
                                     since: datetime) -> list[ServiceRecord]:
    """Return records about this beneficiary that staff decided since `since`, latest first."""
    return list(session.scalars(
        select(ServiceRecord)
        .where(ServiceRecord.beneficiary_id == beneficiary_id, ServiceRecord.decided_at >= since,
               ServiceRecord.decided_via != "beneficiary")
        .order_by(ServiceRecord.decided_at.desc(), ServiceRecord.id.desc())
    ))


def confirmation_may_wait(*, beneficiary_id: int, settled_since: datetime) -> Clue:
    """Return a clue that holds when a record waits for this beneficiary, or staff decided one lately.

    It holds whenever `list_pending_confirmations` or `list_decided_without_beneficiary`
    (since `settled_since`) would find a record.
    """
    return exists().where(ServiceRecord.beneficiary_id == beneficiary_id, or_(
        and_(ServiceRecord.status == "pending_confirmation", ServiceRecord.needs_staff.is_(False)),
        and_(ServiceRecord.decided_at >= settled_since,
             ServiceRecord.decided_via != "beneficiary")))


def _lock_pending(session: Session, record_id: int) -> ServiceRecord:
    record = session.scalars(
        select(ServiceRecord).where(ServiceRecord.id == record_id)
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if record is None:
        raise NotFound()
    if record.status != "pending_confirmation":
        raise InvalidTransition("这条服务记录已经处理过了。")
    return record


def _decide(session: Session, record: ServiceRecord, *, actor: Person, via: str, approve: bool,
            reason: str | None) -> ServiceRecord:
    record.status = "verified" if approve else "rejected"
    record.decided_by_id, record.decided_at, record.decided_via = actor.id, clock.now(), via
    record.reject_reason = None if approve else (reason or "")[:200]
    session.flush()
    if approve:
        points = service_points(session, record=record)
        mint_points_for_service(session, record=record, actor_id=actor.id)
        text = f"您{_when(record)}的服务{record.hours:g}小时已确认，得到{points}积分。"
    else:
        text = f"您{_when(record)}的服务记录没有通过：{record.reject_reason}"
    enqueue_notification(session, person_id=record.volunteer_id, template="service_decided",
                         text=text, dedupe_key=f"service:{record.id}:decided",
                         facts={"service": f"{_when(record)}的服务{record.hours:g}小时",
                                "status": "已确认" if approve else "未通过",
                                "points": str(points) if approve else "0"})
    return record


def confirm_service_record(
    session: Session, *, actor: Person, record_id: int, accepted: bool, reason: str | None = None
) -> ServiceRecord:
    """Take the beneficiary's answer: yes verifies and mints; no sends it to staff."""
    record = _lock_pending(session, record_id)
    if record.beneficiary_id is None or not can_act_for(session, agent=actor, principal_id=record.beneficiary_id):
        raise NotFound()
    if actor.id == record.volunteer_id:
        raise NotAllowed("不能确认自己的服务记录。")
    if record.needs_staff:
        raise InvalidTransition("这条记录已经交给社工核实了。")
    if accepted:
        return _decide(session, record, actor=actor, via="beneficiary", approve=True, reason=None)
    record.needs_staff = True
    record.disputed_reason = (reason or "老人说不对")[:200]
    raise_alert(session, kind="service_disputed", level="low",
                summary="有一条志愿服务记录老人说不对，请核实。",
                dedupe_key=f"service:{record.id}:disputed", community_id=record.community_id,
                subject_type="service_record", subject_id=record.id)
    session.flush()
    return record


def verify_service_record(
    session: Session, *, actor: Person, record_id: int, approve: bool, reason: str | None = None
) -> ServiceRecord:
    """Approve (and mint) or reject with a reason, as staff of the record's community."""
    record = _lock_pending(session, record_id)
    require_staff_for(actor, record.community_id)
    if actor.id == record.volunteer_id:
        raise NotAllowed("不能审核自己的服务记录。")
    if not approve and not (reason or "").strip():
        raise ValidationFailed("请写明不通过的原因。")
    return _decide(session, record, actor=actor, via="staff", approve=approve, reason=reason)


def list_records_awaiting_staff(session: Session, *, actor: Person, limit: int = 50) -> list[ServiceRecord]:
    """Return the records staff must decide in the actor's communities, oldest first."""
    communities = require_staff_for(actor)
    stmt = select(ServiceRecord).where(ServiceRecord.status == "pending_confirmation",
                                       ServiceRecord.needs_staff.is_(True))
    if communities is not None:
        stmt = stmt.where(ServiceRecord.community_id.in_(communities))
    return list(session.scalars(stmt.order_by(ServiceRecord.id).limit(limit)))


def nudge_unconfirmed_service_records(session: Session, *, now: datetime) -> int:
    """Nudge beneficiaries after a day, then hand still-unconfirmed records to staff."""
    waiting = session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.status == "pending_confirmation", ServiceRecord.needs_staff.is_(False),
            ServiceRecord.beneficiary_id.is_not(None), ServiceRecord.created_at <= now - NUDGE_AFTER,
        ).with_for_update(skip_locked=True)
    ).all()
    acted = 0
    for record in waiting:
        assert record.beneficiary_id is not None
        if record.nudged_at is None:
            enqueue_notification(
                session, person_id=record.beneficiary_id, template="service_confirm",
                text="提醒您：" + confirmation_prompt(record), dedupe_key=f"service:{record.id}:nudge",
                payload={"service_record_id": record.id}, facts=confirmation_facts(record))
            record.nudged_at = now
            acted += 1
        elif record.nudged_at <= now - TO_STAFF_AFTER_NUDGE:
            record.needs_staff = True
            raise_alert(session, kind="service_unconfirmed", level="low",
                        summary="有一条志愿服务记录老人一直没确认，请社工核实。",
                        dedupe_key=f"service:{record.id}:to-staff", community_id=record.community_id,
                        subject_type="service_record", subject_id=record.id)
            acted += 1
    session.flush()
    return acted
