"""Erasure (PIPL art. 47): asked by the person, confirmed by staff; nothing personal left, sums kept."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import session_scope
from core.errors import NotFound, ValidationFailed
from models.audit import AuditEntry
from models.base import Base
from models.bot import InboundMessage
from models.console import TierDecision
from models.meals import MealBooking
from models.monitoring import RiskAlert
from models.person import Consent, Person
from models.rights import ErasureRequest
from models.volunteers import PointsEntry, VolunteerProfile
from services.help_requests.events import record_event
from services.messaging.notifications import enqueue_notification
from services.people.consents import give_consent
from services.rights.erasure import confirm_erasure, request_erasure
from services.volunteers.ledger import get_points_balance
from tests.factories import make_community, make_person
from tests.help_factories import submit
from tests.meals_factories import make_canteen
from tests.volunteer_factories import give_points, make_staff

pytestmark = pytest.mark.integration

NAME, PHONE, ID_NUMBER = "钱秀芬", "13655550001", "330102194501011234"
ADDRESS, HEALTH = "幸福路9号3单元", "高血压私密"
FREE_TEXT = ("漏水私密", "不要辣私密", "我是钱秀芬", "周末私密", "核对材料私密", "摔倒私密", "菜市场门口私密")
SECRETS = (NAME, PHONE, ID_NUMBER, ADDRESS, HEALTH, *FREE_TEXT)


def _a_resident_with_a_life(s):  # type: ignore[no-untyped-def]
    """A brand-new resident who books, asks for help, chats, volunteers and is verified."""
    community = make_community(s)
    staff = make_staff(s, community=community)
    me = make_person(s, community=community, name=NAME, phone=PHONE, address=ADDRESS,
                     health_note=HEALTH, disability_level=2)
    me.set_id_number(ID_NUMBER)
    for scope in ("privacy_policy", "sensitive_profile", "health"):
        give_consent(s, person=me, scope=scope)
    canteen = make_canteen(s, community=community)
    for days, status in ((-3, "served"), (-2, "served"), (1, "booked")):
        s.add(MealBooking(person_id=me.id, canteen_id=canteen.id, day=clock.today() + timedelta(days=days),
                          meal="lunch", count=1, price_fen=800, subsidy_fen=300, payable_fen=500,
                          reason="80岁以上", booked_by_id=me.id, channel="chat", status=status,
                          note=FREE_TEXT[1]))
    request = submit(s, me, description=f"家里{FREE_TEXT[0]}", address=ADDRESS, contact_phone=PHONE)
    record_event(s, help_request=request, actor_id=staff.id, note=f"{NAME}说{FREE_TEXT[0]}")
    # An emergency: staff are told where she is, in their own notifications.
    submit(s, me, category="medical", urgency="emergency", description="我摔倒了", place=FREE_TEXT[6])
    s.add(InboundMessage(dedupe_key="erase-1", openid=me.oa_openid or "", person_id=me.id,
                         msg_type="text", content=FREE_TEXT[2], received_at=clock.now(),
                         reply_xml=f"<xml>{NAME}</xml>"))
    enqueue_notification(s, person_id=me.id, template="t", text=f"{NAME}您好", dedupe_key="erase-n")
    s.add(VolunteerProfile(person_id=me.id, skills=["买菜"], availability=FREE_TEXT[3], status="verified"))
    give_points(s, volunteer=me, points=20)
    s.add(TierDecision(person_id=me.id, tier="dibao", evidence_note=f"{FREE_TEXT[4]}{ID_NUMBER}",
                       verified_by_id=staff.id, decided_at=clock.now()))
    s.add(RiskAlert(kind="emergency", level="critical", person_id=me.id, community_id=community.id,
                    summary=f"{NAME}{FREE_TEXT[5]}", dedupe_key="erase-a", note=ADDRESS))
    s.flush()
    return me, staff


def _readable_anywhere(secrets: tuple[str, ...]) -> list[str]:
    """Walk every table, decrypting sealed columns, and name each secret still readable."""
    found = []
    with session_scope() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).mappings():
                text = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
                found += [f"{table.name}: {x}" for x in secrets if x in text]
    return found


def _sums(person_id: int) -> tuple[int, int, int, int]:
    with session_scope() as s:
        subsidy = s.scalar(select(func.sum(MealBooking.subsidy_fen)).where(MealBooking.status == "served"))
        payable = s.scalar(select(func.sum(MealBooking.payable_fen)))
        ledger = s.scalar(select(func.sum(PointsEntry.amount)))
        return int(subsidy or 0), int(payable or 0), int(ledger or 0), get_points_balance(s, person_id=person_id)


def test_an_erased_person_leaves_nothing_readable_and_the_sums_stay(db, caplog):
    caplog.set_level(logging.DEBUG)
    with session_scope() as s:
        me, staff = _a_resident_with_a_life(s)
        me_id, staff_id = me.id, staff.id
    assert _readable_anywhere(SECRETS)  # the walk does see them before
    before = _sums(me_id)
    with session_scope() as s:
        request = request_erasure(s, person=s.get_one(Person, me_id), channel="chat")
        request_id = request.id
    with session_scope() as s:
        confirm_erasure(s, actor=s.get_one(Person, staff_id), request_id=request_id,
                        reason=f"{NAME}本人来站申请注销，已核对身份")
    assert _readable_anywhere(SECRETS) == []
    assert _sums(me_id) == before and before[:3] == (600, 1500, 0) and before[3] == 20
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert [x for x in SECRETS if x in logged] == []
    with session_scope() as s:
        person = s.get_one(Person, me_id)
        assert person.name == f"已注销用户{me_id}" and person.erased_at is not None
        assert person.oa_openid is None and person.roles == []
        assert s.scalar(select(func.count()).select_from(Consent).where(
            Consent.person_id == me_id, Consent.withdrawn_at.is_(None))) == 0
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert (audit.actor_id, audit.subject_id) == (staff_id, me_id)
        assert audit.detail == {"erasure_request_id": request_id,
                                "reason": f"已注销用户{me_id}本人来站申请注销，已核对身份"}
        assert s.get_one(ErasureRequest, request_id).status == "done"
        statuses = s.scalars(select(MealBooking.status).where(MealBooking.person_id == me_id)
                             .order_by(MealBooking.day))
        assert list(statuses) == ["served", "served", "cancelled"]  # tomorrow's meal is not cooked
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 1  # the log line stays


def test_staff_must_give_a_reason_and_serve_the_persons_community(db):
    with session_scope() as s:
        me = make_person(s, name=NAME)
        elsewhere = make_staff(s, community=make_community(s))
        request_id = request_erasure(s, person=me, channel="miniprogram").id
        again = request_erasure(s, person=me, channel="chat").id
        elsewhere_id = elsewhere.id
    assert again == request_id
    with session_scope() as s, pytest.raises(NotFound):
        confirm_erasure(s, actor=s.get_one(Person, elsewhere_id), request_id=request_id, reason="x")
    with session_scope() as s, pytest.raises(ValidationFailed):
        confirm_erasure(s, actor=s.get_one(Person, elsewhere_id), request_id=request_id, reason="  ")
    with session_scope() as s:
        assert s.get_one(ErasureRequest, request_id).status == "requested"
        assert s.get_one(Person, s.get_one(ErasureRequest, request_id).person_id).name == NAME


def test_erasure_gives_the_seats_of_future_meals_back(db):
    from models.meals import MealSlot
    from services.meals.bookings import book_meal
    from tests.meals_factories import make_elder

    with session_scope() as s:
        community = make_community(s)
        staff = make_staff(s, community=community)
        canteen = make_canteen(s, community=community)
        elder = make_elder(s, community=community, name=NAME)
        book_meal(s, actor=elder, person_id=elder.id, canteen_id=canteen.id,
                  day=clock.today() + timedelta(days=2), meal="lunch", count=2, delivery=False)
        request_id = request_erasure(s, person=elder, channel="chat").id
        staff_id = staff.id
    with session_scope() as s:
        assert s.scalars(select(MealSlot.booked)).one() == 2
        confirm_erasure(s, actor=s.get_one(Person, staff_id), request_id=request_id, reason="本人申请")
    with session_scope() as s:
        assert s.scalars(select(MealSlot.booked)).one() == 0


def test_erasure_ends_a_standing_order_so_nothing_is_booked_after(db):
    from models.meals import MealBooking
    from models.standing import StandingOrder
    from services.meals.standing import create_standing_order
    from services.meals.standing_job import book_standing_orders
    from tests.meals_factories import make_elder

    with session_scope() as s:
        community = make_community(s)
        staff = make_staff(s, community=community)
        canteen = make_canteen(s, community=community)
        elder = make_elder(s, community=community, name=NAME)
        create_standing_order(s, actor=elder, person_id=elder.id, canteen_id=canteen.id,
                              meal="lunch", days="daily",
                              starts_on=clock.today() + timedelta(days=3))
        request_id = request_erasure(s, person=elder, channel="chat").id
        staff_id, elder_id = staff.id, elder.id
    with session_scope() as s:
        confirm_erasure(s, actor=s.get_one(Person, staff_id), request_id=request_id, reason="本人申请")
    with session_scope() as s:
        assert s.scalars(select(StandingOrder.status)).all() == ["ended"]
        book_standing_orders(s, now=clock.now() + timedelta(days=3))
        assert s.scalars(select(MealBooking).where(MealBooking.person_id == elder_id)).all() == []
