"""Erasure (PIPL art. 47): a person asks, staff confirm with a reason, personal fields go.

What the law requires to keep stays under a pseudonym with its amounts: meal
bookings (subsidy settlements), the points ledger, the audit log, tier
decisions and the metadata of inbound messages (network logs, Cybersecurity
Law art. 21). Names, phones, ID numbers, addresses, locations, health notes
and every free text the person wrote or that was written about them are
cleared; the person row stays so those records keep pointing at someone.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound, ValidationFailed
from models.assistance import HouseholdCheckItem
from models.auth import ApiToken, IdempotencyRecord
from models.bot import InboundMessage
from models.channels import ServiceWindow, SubscribeCredit
from models.console import StaffAccount, TierDecision
from models.funds import FundDonation
from models.help_requests import HelpRequest, HelpRequestEvent
from models.meals import MealBooking
from models.messaging import Notification
from models.monitoring import RiskAlert
from models.person import Consent, Person, PersonRole, Proxy
from models.rights import ERASED_TEXT, ErasureRequest
from models.standing import StandingOrder
from models.volunteers import ServiceRecord, VolunteerProfile
from services.access.audit import record_access
from services.access.checks import require_staff_for

logger = logging.getLogger(__name__)
UNSENT = ("pending", "waiting")
NO_PASSWORD = "!"  # matches no password hash: the account can never log in again  # noqa: S105


def pseudonym_for(person_id: int) -> str:
    """Return the stable pseudonym an erased person is known by."""
    return f"已注销用户{person_id}"


def get_open_erasure(session: Session, *, person_id: int) -> ErasureRequest | None:
    """Return the person's erasure request waiting for staff, if any."""
    return session.scalar(select(ErasureRequest).where(
        ErasureRequest.person_id == person_id, ErasureRequest.status == "requested"))


def request_erasure(session: Session, *, person: Person, channel: str) -> ErasureRequest:
    """Ask staff to erase the person; asking again returns the open request."""
    if person.erased_at is not None:
        raise InvalidTransition("您的账号已经注销了。")
    existing = get_open_erasure(session, person_id=person.id)
    if existing is not None:
        return existing
    request = ErasureRequest(person_id=person.id, channel=channel, status="requested",
                             requested_at=clock.now())
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:  # a concurrent request won the unique index
        found = get_open_erasure(session, person_id=person.id)
        assert found is not None
        return found
    logger.info("erasure requested: person %s via %s", person.id, channel)
    return request


def cancel_erasure(session: Session, *, person: Person) -> ErasureRequest:
    """Withdraw the person's own open erasure request."""
    request = get_open_erasure(session, person_id=person.id)
    if request is None:
        raise NotFound("您没有在等待办理的注销申请。")
    request.status, request.decided_at = "cancelled", clock.now()
    session.flush()
    return request


def list_erasure_requests(session: Session, *, actor: Person, limit: int = 100) -> list[tuple[ErasureRequest, Person]]:
    """Return the open erasure requests of the communities the staff member serves."""
    communities = require_staff_for(actor)
    stmt = (select(ErasureRequest, Person).join(Person, Person.id == ErasureRequest.person_id)
            .where(ErasureRequest.status == "requested"))
    if communities is not None:
        stmt = stmt.where(Person.community_id.in_(communities))
    return [(r, p) for r, p in session.execute(stmt.order_by(ErasureRequest.id).limit(limit))]


def confirm_erasure(session: Session, *, actor: Person, request_id: int, reason: str) -> ErasureRequest:
    """Carry out an erasure request (staff of the person's community), with the reason audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请写明注销的依据。", fields={"reason": "必填"})
    request = session.get(ErasureRequest, request_id, with_for_update=True)
    person = session.get(Person, request.person_id, with_for_update=True) if request else None
    if request is None or person is None:
        raise NotFound()
    communities = require_staff_for(actor)
    if communities is not None and person.community_id not in communities:
        raise NotFound()
    if request.status != "requested":
        raise InvalidTransition("这份注销申请已经处理过了。")
    now = clock.now()
    reason = _scrub(reason, person)[:1000]
    counts = erase_person(session, person=person, now=now)
    request.status, request.decided_by_id, request.decided_at = "done", actor.id, now
    request.reason, request.pseudonym, request.counts = reason, person.name, counts
    record_access(session, actor_id=actor.id, action="erase", subject_type="person",
                  subject_id=person.id, fields=sorted(PERSON_FIELDS),
                  detail={"erasure_request_id": request.id, "reason": reason})
    session.flush()
    logger.info("person %s erased by %s: %s", person.id, actor.id, counts)
    return request


def _scrub(reason: str, person: Person) -> str:
    """Replace the person's name, phone, ID number and address in the reason (the audit log keeps it)."""
    for value in (person.name, person.phone, person.id_number, person.address):
        if value:
            reason = reason.replace(value, pseudonym_for(person.id))
    return reason


PERSON_FIELDS = ("name", "phone", "id_number", "address", "home_location", "health_note",
                 "birth_date", "disability_level", "economic_tier", "openids")


def _erase_profile(session: Session, person: Person, now: datetime) -> None:
    person.set_name(pseudonym_for(person.id))
    person.set_phone(None)
    person.set_id_number(None)
    person.address = person.home_location = person.health_note = None
    person.oa_openid = person.mp_openid = person.unionid = None
    person.birth_date = person.disability_level = person.household_id = None
    person.economic_tier = person.tier_verified_at = person.tier_review_due = None
    person.tier_verified_by_id = None
    person.living_alone = False
    person.erased_at = now
    session.execute(delete(PersonRole).where(PersonRole.person_id == person.id))
    session.expire(person, ["roles"])


def _count(result: Any) -> int:
    return int(result.rowcount)


def _erase_links(session: Session, person_id: int, now: datetime) -> dict[str, int]:
    counts = {
        "consents_withdrawn": _count(session.execute(
            update(Consent).where(Consent.person_id == person_id, Consent.withdrawn_at.is_(None))
            .values(withdrawn_at=now))),
        "proxies_revoked": _count(session.execute(
            update(Proxy).where(or_(Proxy.principal_id == person_id, Proxy.agent_id == person_id),
                                Proxy.status.in_(("invited", "accepted")))
            .values(status="revoked", decided_at=now))),
    }
    for model in (ApiToken, IdempotencyRecord, SubscribeCredit, ServiceWindow, Notification):
        result = session.execute(delete(model).where(model.person_id == person_id))
        counts[model.__tablename__] = _count(result)
    session.execute(update(StaffAccount).where(StaffAccount.person_id == person_id).values(
        username=f"erased-{person_id}", password_hash=NO_PASSWORD, disabled=True))
    session.execute(update(VolunteerProfile).where(VolunteerProfile.person_id == person_id).values(
        availability=None, skills=[], reject_reason=None))
    counts["chat_messages"] = _count(session.execute(
        update(InboundMessage).where(InboundMessage.person_id == person_id)
        .values(content=None, reply_xml=None, openid=f"erased:{person_id}")))
    # A donation keeps its amount for the fund's books; the donor's name and note go.
    counts["fund_donations"] = _count(session.execute(
        update(FundDonation).where(FundDonation.donor_person_id == person_id)
        .values(donor_name=ERASED_TEXT, note=None)))
    return counts


def redact_help_requests(session: Session, *, ids: list[int], now: datetime) -> int:
    """Clear the personal text of these help requests and of their timelines and alerts."""
    if not ids:
        return 0
    session.execute(update(HelpRequest).where(HelpRequest.id.in_(ids)).values(
        description=ERASED_TEXT, address=None, place=None, contact_phone=None,
        feedback_comment=None, rejection_reason=None, source_key=None, redacted_at=now),
        execution_options={"synchronize_session": False})
    session.execute(update(HelpRequestEvent).where(HelpRequestEvent.request_id.in_(ids),
                                                   HelpRequestEvent.note.is_not(None))
                    .values(note=None), execution_options={"synchronize_session": False})
    session.execute(update(RiskAlert).where(RiskAlert.subject_type == "help_request",
                                            RiskAlert.subject_id.in_(ids))
                    .values(summary=ERASED_TEXT, note=None, detail=None),
                    execution_options={"synchronize_session": False})
    # Messages to staff and helpers about these requests may quote the place or the need.
    about = Notification.payload["help_request_id"].as_integer().in_(ids)
    session.execute(update(Notification).where(about, Notification.status.in_(UNSENT))
                    .values(status="cancelled"), execution_options={"synchronize_session": False})
    session.execute(update(Notification).where(about).values(text=ERASED_TEXT, facts=None),
                    execution_options={"synchronize_session": False})
    return len(ids)


def _erase_records(session: Session, person_id: int, now: datetime) -> dict[str, int]:
    from services.meals.bookings import cancel_future_bookings

    mine = or_(HelpRequest.requester_id == person_id, HelpRequest.on_behalf_of_id == person_id)
    ids = list(session.scalars(select(HelpRequest.id).where(mine, HelpRequest.redacted_at.is_(None))))
    counts = {"help_requests": redact_help_requests(session, ids=ids, now=now),
              "standing_orders_ended": _count(session.execute(
                  update(StandingOrder).where(StandingOrder.person_id == person_id,
                                              StandingOrder.status == "active")
                  .values(status="ended", ended_at=now))),
              "meals_cancelled": cancel_future_bookings(session, person_id=person_id)}
    counts["risk_alerts"] = _count(session.execute(
        update(RiskAlert).where(RiskAlert.person_id == person_id)
        .values(summary=ERASED_TEXT, note=None, detail=None)))
    counts["service_records"] = _count(session.execute(
        update(ServiceRecord).where(or_(ServiceRecord.volunteer_id == person_id,
                                        ServiceRecord.beneficiary_id == person_id))
        .values(description=None, check_in_location=None, disputed_reason=None, reject_reason=None)))
    counts["meal_bookings"] = _count(session.execute(
        update(MealBooking).where(MealBooking.person_id == person_id, MealBooking.note.is_not(None))
        .values(note=None)))
    counts["tier_decisions"] = _count(session.execute(
        update(TierDecision).where(TierDecision.person_id == person_id)
        .values(evidence_note=ERASED_TEXT)))
    # A household check keeps the person's amounts (the household's figures rest on them) and
    # drops their situations (illness, work): health data, no amount.
    counts["household_check_situations"] = _count(session.execute(
        delete(HouseholdCheckItem).where(HouseholdCheckItem.person_id == person_id,
                                         HouseholdCheckItem.kind == "situation")))
    return counts


def erase_person(session: Session, *, person: Person, now: datetime) -> dict[str, int]:
    """Erase a person's personal fields everywhere; keep amounts under a pseudonym."""
    _erase_profile(session, person, now)
    counts = {**_erase_links(session, person.id, now), **_erase_records(session, person.id, now)}
    session.flush()
    session.expire_all()
    return counts
