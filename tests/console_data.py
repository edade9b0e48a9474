"""Rows from the other domains (help requests, meals, volunteering) for console and monitoring tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from models.person import Person
from models.region import Community, Organisation

_seq = itertools.count(1)


def make_help_request(session: Session, *, requester: Person, category: str = "living",
                      status: str = "submitted", organisation: Organisation | None = None,
                      created_at: datetime | None = None, due_in: timedelta = timedelta(days=3),
                      **extra: Any) -> Any:
    from models.help_requests import HelpRequest

    n = next(_seq)
    now = created_at or clock.now()
    request = HelpRequest(
        code=f"QZ-20261129-{n:04d}", channel="miniprogram", requester_id=requester.id,
        community_id=requester.community_id, category=category, urgency="normal",
        description="需要帮忙买菜", status=status, accept_due_at=now + timedelta(hours=4),
        resolve_due_at=now + due_in, organisation_id=organisation.id if organisation else None,
        **extra,
    )
    request.created_at = now
    session.add(request)
    session.flush()
    return request


def make_canteen(session: Session, *, community: Community) -> Any:
    from models.meals import Canteen

    n = next(_seq)
    canteen = Canteen(code=f"CT{n}", name=f"测试助餐点{n}", community_id=community.id,
                      address="幸福路1号", latitude=30.27, longitude=120.15)
    session.add(canteen)
    session.flush()
    return canteen


def make_booking(session: Session, *, person: Person, canteen: Any, day: date,
                 status: str = "served", meal: str = "lunch", subsidy_fen: int = 300) -> Any:
    from models.meals import MealBooking

    booking = MealBooking(
        person_id=person.id, canteen_id=canteen.id, day=day, meal=meal, count=1,
        price_fen=1000, subsidy_fen=subsidy_fen, payable_fen=1000 - subsidy_fen,
        reason="测试", booked_by_id=person.id, channel="miniprogram", status=status,
    )
    session.add(booking)
    session.flush()
    return booking


def make_service_record(session: Session, *, volunteer: Person, beneficiary: Person,
                        minutes: int = 90, status: str = "verified",
                        day: date | None = None) -> Any:
    from models.volunteers import ServiceRecord

    record = ServiceRecord(
        volunteer_id=volunteer.id, beneficiary_id=beneficiary.id, source="logged",
        status=status, service_day=day or clock.today(), minutes=minutes,
        community_id=beneficiary.community_id, description="陪同就医",
    )
    session.add(record)
    session.flush()
    return record
