"""One window for every need: turn what a resident asks into one tracked request."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAllowed, ValidationFailed
from models.help_requests import (
    CATEGORIES,
    CATEGORY_NAMES,
    CHANNELS,
    OPEN_STATUSES,
    URGENCIES,
    HelpCodeCounter,
    HelpRequest,
)
from models.messaging import PRIORITY_URGENT
from models.person import Person
from models.region import Community
from services.access.checks import require_act_for
from services.assistance.layers import layer_for_request
from services.help_requests.events import (
    community_staff_ids,
    notify_people,
    notify_requester,
    record_event,
)
from services.help_requests.routing import route_help_request
from services.help_requests.sla import due_times
from services.help_requests.views import describe_for_requester, notice_facts
from services.messaging.alerts import people_with_role, raise_alert
from services.people.proxies import list_family_agents

MAX_DESCRIPTION = 300
MAX_ADDRESS = 200
# Supplements from attached repeats stop growing the description past this.
MAX_MERGED_DESCRIPTION = 900
ATTACH_WINDOW = timedelta(hours=24)
# How the bot writes a WeChat location into a place (bot/dialogue/emergency.take_location).
COORDINATES = re.compile(r"位置 (-?\d+\.\d+),(-?\d+\.\d+)")


def _validate(category: str, urgency: str, description: str, channel: str) -> str:
    if category not in CATEGORIES:
        raise ValidationFailed(fields={"category": "不是允许的取值"})
    if urgency not in URGENCIES:
        raise ValidationFailed(fields={"urgency": "不是允许的取值"})
    if channel not in CHANNELS:
        raise ValidationFailed(fields={"channel": "不是允许的取值"})
    text = (description or "").strip()
    if not text:
        raise ValidationFailed("请说一下需要什么帮助。", fields={"description": "必填"})
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed("说明太长了，请简短一些。", fields={"description": "太长了"})
    return text


def next_help_code(session: Session) -> str:
    """Hand out today's next readable code, e.g. QZ-20261129-0007 (safe under concurrency)."""
    day = clock.today()
    bump = (
        update(HelpCodeCounter)
        .where(HelpCodeCounter.day == day)
        .values(last=HelpCodeCounter.last + 1)
        .returning(HelpCodeCounter.last)
        .execution_options(synchronize_session=False)
    )
    number = session.execute(bump).scalar()
    if number is None:
        try:
            with session.begin_nested():
                session.add(HelpCodeCounter(day=day, last=1))
            number = 1
        except IntegrityError:
            # Another transaction created today's row first; count on from it.
            number = session.execute(bump).scalar_one()
    return f"QZ-{day:%Y%m%d}-{number:04d}"


def _by_source_key(session: Session, source_key: str | None) -> HelpRequest | None:
    if source_key is None:
        return None
    return session.scalar(select(HelpRequest).where(HelpRequest.source_key == source_key))


def _beneficiary(session: Session, actor: Person, on_behalf_of_id: int | None) -> Person:
    if on_behalf_of_id is None or on_behalf_of_id == actor.id:
        return actor
    require_act_for(session, agent=actor, principal_id=on_behalf_of_id)
    principal = session.get(Person, on_behalf_of_id)
    if principal is None:
        raise NotAllowed()
    return principal


def _open_duplicate(session: Session, beneficiary: Person, category: str) -> HelpRequest | None:
    since = clock.now() - ATTACH_WINDOW
    beneficiary_col = func.coalesce(HelpRequest.on_behalf_of_id, HelpRequest.requester_id)
    stmt = select(HelpRequest).where(
        beneficiary_col == beneficiary.id, HelpRequest.category == category,
        HelpRequest.status.in_(OPEN_STATUSES), HelpRequest.created_at >= since,
    )
    return session.scalar(stmt.order_by(HelpRequest.id).limit(1).with_for_update())


def raise_emergency(session: Session, *, help_request: HelpRequest, beneficiary: Person) -> int:
    """Alert a person who can act, at top priority, once per request; return how many were told.

    The community's staff first; with no community (an unregistered sender) or nobody
    there, the county duty desk and the staff of the nearest community when the
    place carries a location. Family acting for the person get their own notice.
    """
    key = f"help:{help_request.id}:emergency"
    facts = notice_facts(session, help_request=help_request)
    summary = (f"紧急求助{help_request.code}（{CATEGORY_NAMES[help_request.category]}），"
               f"求助人{beneficiary.masked_name}")
    if help_request.place:
        summary += f"，地点：{help_request.place}"
    alert = raise_alert(session, kind="emergency", level="critical", summary=summary,
                        dedupe_key=key, person_id=beneficiary.id,
                        community_id=help_request.community_id,
                        subject_type="help_request", subject_id=help_request.id)
    help_request.alert_id = alert.id
    staff = emergency_responders(session, help_request=help_request)
    notify_people(session, person_ids=staff, template="help_emergency",
                  text=(f"{summary}。{facts['what']}。回电：{facts['phone']}。请马上处理。"),
                  dedupe_prefix=key,
                  payload={"help_request_id": help_request.id, "alert_id": alert.id},
                  priority=PRIORITY_URGENT, facts=facts)
    _tell_family(session, help_request=help_request, beneficiary=beneficiary, facts=facts)
    return len(staff)


def emergency_responders(session: Session, *, help_request: HelpRequest) -> list[int]:
    """Who must hear of an emergency now: community staff, else the duty desk and the nearest."""
    staff = set(community_staff_ids(session, community_id=help_request.community_id)
                if help_request.community_id is not None else [])
    if not staff or help_request.community_id is None:
        staff |= set(people_with_role(session, role="duty", community_id=None))
        nearest = nearest_community_id(session, place=help_request.place)
        if nearest is not None:
            staff |= set(community_staff_ids(session, community_id=nearest))
    return sorted(staff)


def staff_told(session: Session, *, help_request_id: int, what: str = "emergency") -> int:
    """How many people were queued a notice (`emergency` or `human`) for this request."""
    from models.messaging import Notification

    prefix = f"help:{help_request_id}:{what}:to:"
    return int(session.scalar(select(func.count()).select_from(Notification).where(
        Notification.dedupe_key.startswith(prefix, autoescape=True))) or 0)


def nearest_community_id(session: Session, *, place: str | None) -> int | None:
    """The community closest to a place that carries a WeChat location ("位置 30.27,120.15")."""
    found = COORDINATES.search(place or "")
    if found is None:
        return None
    lat, lng = float(found.group(1)), float(found.group(2))
    located = [(cid, clat, clng) for cid, clat, clng in session.execute(
        select(Community.id, Community.latitude, Community.longitude))
        if clat is not None and clng is not None]
    if not located:
        return None
    return min(located, key=lambda c: (c[1] - lat) ** 2 + (c[2] - lng) ** 2)[0]


def _tell_family(session: Session, *, help_request: HelpRequest, beneficiary: Person,
                 facts: dict[str, str]) -> None:
    family = [a for a in list_family_agents(session, principal_id=beneficiary.id)
              if a != help_request.requester_id]
    if not family:
        return
    notify_people(session, person_ids=sorted(family), template="help_emergency_family",
                  text=(f"您的家人{facts['who']}发出了紧急求助（{help_request.code}）："
                        f"{facts['what']}，地点：{facts['place']}。社区已在处理，"
                        "请尽快联系家人。"),
                  dedupe_prefix=f"help:{help_request.id}:emergency:family",
                  payload={"help_request_id": help_request.id}, priority=PRIORITY_URGENT,
                  facts={**facts, "next": "社区已在处理，请联系家人"})


def _attach(session: Session, existing: HelpRequest, *, actor: Person, description: str,
            urgency: str, beneficiary: Person, address: str | None,
            place: str | None = None) -> HelpRequest:
    existing.intake_outcome = "attached"
    if _says_nothing_new(existing, description=description, urgency=urgency, address=address,
                         place=place):
        return existing  # the same words again (a resident repeating 转人工): nothing to write
    merged = f"{existing.description}\n补充：{description}"
    repeated = description in existing.description.split("\n")
    if len(merged) <= MAX_MERGED_DESCRIPTION and not repeated:
        existing.description = merged
    if address:
        existing.address = address
    new_place = bool(place) and place != existing.place
    if new_place:
        # A follow-up often says where to come (the bot asks for it after an emergency).
        existing.place = place
    note = "补充了求助地点" if new_place else "同类求助并入本单"
    record_event(session, help_request=existing, actor_id=actor.id, kind="attached",
                 from_status=existing.status, to_status=existing.status, note=note)
    if urgency == "emergency" and existing.urgency != "emergency":
        existing.urgency = "emergency"
        existing.layer = layer_for_request(session, category=existing.category,
                                           urgency="emergency")
        existing.accept_due_at, _ = due_times("emergency", clock.now())
        raise_emergency(session, help_request=existing, beneficiary=beneficiary)
    elif new_place and existing.urgency == "emergency":
        _tell_staff_where(session, existing)
    session.flush()
    return existing


def _tell_staff_where(session: Session, help_request: HelpRequest) -> None:
    """Tell those alerted where an emergency is, once the person has said."""
    staff = emergency_responders(session, help_request=help_request)
    facts = notice_facts(session, help_request=help_request)
    notify_people(session, person_ids=staff, template="help_emergency",
                  text=(f"紧急求助{help_request.code}的地点：{help_request.place}。"
                        f"求助人{facts['who']}，回电：{facts['phone']}。请马上处理。"),
                  dedupe_prefix=f"help:{help_request.id}:place:{help_request.place}",
                  payload={"help_request_id": help_request.id}, priority=PRIORITY_URGENT,
                  facts=facts)


def _says_nothing_new(existing: HelpRequest, *, description: str, urgency: str,
                      address: str | None, place: str | None) -> bool:
    """True when a repeat adds no words, address, place or urgency the request lacks."""
    said = existing.description.split("\n")
    return ((description in said or f"补充：{description}" in said)
            and (not address or address == existing.address)
            and (not place or place == existing.place)
            and (urgency != "emergency" or existing.urgency == "emergency"))


def _insert(session: Session, help_request: HelpRequest) -> HelpRequest | None:
    try:
        with session.begin_nested():
            help_request.code = next_help_code(session)
            session.add(help_request)
        return help_request
    except IntegrityError:
        # The same source_key committed meanwhile (a retried chat message).
        return None


def submit_help_request(
    session: Session,
    *,
    actor: Person,
    category: str,
    urgency: str,
    description: str,
    on_behalf_of_id: int | None = None,
    address: str | None = None,
    place: str | None = None,
    contact_phone: str | None = None,
    channel: str = "chat",
    source_key: str | None = None,
) -> HelpRequest:
    """File a request (or attach to / replay an existing one); `intake_outcome` says which.

    `address` is the beneficiary's home (their registered one by default);
    `place` is where the need is when said ("人在菜市场门口").
    """
    text = _validate(category, urgency, description, channel)
    if address is not None and len(address) > MAX_ADDRESS:
        raise ValidationFailed(fields={"address": "太长了"})
    place = (place or "").strip() or None
    if place is not None and len(place) > MAX_ADDRESS:
        raise ValidationFailed(fields={"place": "太长了"})
    replayed = _by_source_key(session, source_key)
    if replayed is not None:
        replayed.intake_outcome = "replayed"
        return replayed
    beneficiary = _beneficiary(session, actor, on_behalf_of_id)
    existing = _open_duplicate(session, beneficiary, category)
    if existing is not None:
        return _attach(session, existing, actor=actor, description=text, urgency=urgency,
                       beneficiary=beneficiary, address=address, place=place)
    now = clock.now()
    accept_due, resolve_due = due_times(urgency, now)
    route = route_help_request(session, category=category, community_id=beneficiary.community_id)
    candidate = HelpRequest(
        source_key=source_key, channel=channel, requester_id=actor.id,
        on_behalf_of_id=None if beneficiary is actor else beneficiary.id,
        community_id=beneficiary.community_id, category=category, urgency=urgency,
        layer=layer_for_request(session, category=category, urgency=urgency),
        description=text, address=address or beneficiary.address, place=place,
        contact_phone=contact_phone or actor.phone, status="submitted", queue=route.queue,
        organisation_id=route.organisation_id, accept_due_at=accept_due,
        resolve_due_at=resolve_due, escalation_level=0, needs_human=False,
    )
    help_request = _insert(session, candidate)
    if help_request is None:
        found = _by_source_key(session, source_key)
        assert found is not None
        found.intake_outcome = "replayed"
        return found
    return _after_insert(session, help_request, actor=actor, beneficiary=beneficiary)


def _after_insert(session: Session, help_request: HelpRequest, *, actor: Person,
                  beneficiary: Person) -> HelpRequest:
    event = record_event(session, help_request=help_request, actor_id=actor.id,
                         to_status="submitted")
    if help_request.urgency == "emergency":
        raise_emergency(session, help_request=help_request, beneficiary=beneficiary)
    notify_requester(session, help_request=help_request, event=event,
                     text=describe_for_requester(help_request))
    help_request.intake_outcome = "created"
    return help_request


def set_help_place(session: Session, *, actor: Person, request_id: int, place: str) -> HelpRequest:
    """Record where the need is, said after the request was filed; staff hear of an emergency's."""
    from services.help_requests.queries import load_visible

    help_request, relation = load_visible(session, actor=actor, request_id=request_id,
                                          for_update=True)
    place = place.strip()[:MAX_ADDRESS]
    if relation != "requester":
        raise NotAllowed()
    if not place or place == help_request.place:
        return help_request
    help_request.place = place
    record_event(session, help_request=help_request, actor_id=actor.id, kind="attached",
                 from_status=help_request.status, to_status=help_request.status,
                 note="补充了求助地点")
    if help_request.urgency == "emergency":
        _tell_staff_where(session, help_request)
    session.flush()
    return help_request


def request_human_agent(session: Session, *, actor: Person, note: str) -> HelpRequest:
    """File a 转人工 request (category "other") flagged for staff, and tell them."""
    help_request = submit_help_request(
        session, actor=actor, category="other", urgency="normal",
        description=(note or "").strip()[:MAX_DESCRIPTION] or "请工作人员联系我", channel="chat",
    )
    if help_request.needs_human:  # asked again: staff were told when it was first flagged
        return help_request
    help_request.needs_human = True
    staff = (community_staff_ids(session, community_id=help_request.community_id)
             or people_with_role(session, role="duty", community_id=None))
    facts = notice_facts(session, help_request=help_request)
    notify_people(session, person_ids=staff, template="help_human",
                  text=(f"有居民请求人工服务，求助编号{help_request.code}。"
                        f"{facts['who']}，电话{facts['phone']}：{facts['what']}。请尽快联系。"),
                  dedupe_prefix=f"help:{help_request.id}:human",
                  payload={"help_request_id": help_request.id}, facts=facts)
    session.flush()
    return help_request
