"""Intake: codes, routing, attaching repeats, replays, proxies and emergencies."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import NotAllowed, ValidationFailed
from models.help_requests import HelpRequest, HelpRequestEvent
from models.messaging import PRIORITY_URGENT, Notification
from models.monitoring import RiskAlert
from services.help_requests import (
    request_human_agent,
    route_help_request,
    set_routing_rule,
)
from tests.factories import make_organisation, make_person, make_proxy
from tests.help_factories import make_world, submit

pytestmark = pytest.mark.integration


def _notes(s, person_id):
    return list(s.scalars(select(Notification).where(Notification.person_id == person_id)))


def test_submission_is_coded_routed_and_timed(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        medical = make_organisation(s, kind="red_cross", community=w.here)
        set_routing_rule(s, category="medical", community_id=w.here.id,
                         organisation_id=medical.id, queue="medical")
        first = submit(s, w.resident, category="medical", description="腿疼，想找人陪去医院")
        second = submit(s, w.neighbour)
        assert first.intake_outcome == "created"
        assert (first.code, second.code) == ("QZ-20261129-0001", "QZ-20261129-0002")
        assert (first.organisation_id, first.queue) == (medical.id, "medical")
        assert second.organisation_id == w.civil.id
        assert first.address == "阳光社区3号楼101" and first.contact_phone == "13800138001"
        assert first.accept_due_at - frozen_clock.at == timedelta(hours=24)
        assert first.resolve_due_at - frozen_clock.at == timedelta(days=7)
        [message] = _notes(s, w.resident.id)
        assert "QZ-20261129-0001" in message.text and "11月30日09:00前联系您" in message.text
    frozen_clock.advance(days=1)
    with session_scope() as s:
        assert submit(s, w.staff, category="care").code == "QZ-20261130-0001"


def test_codes_stay_unique_when_people_submit_at_once(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        people = [make_person(s, community=w.here).id for _ in range(6)]
    codes, errors = [], []

    def one(person_id):
        try:
            with session_scope() as s:
                from models.person import Person

                codes.append(submit(s, s.get(Person, person_id)).code)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(codes) == [f"QZ-20261129-{n:04d}" for n in range(1, 7)]


def test_a_repeat_of_the_same_need_within_a_day_is_attached(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        first = submit(s, w.resident, description="水管漏水")
        again = submit(s, w.resident, description="厨房也漏了")
        assert again.id == first.id and again.intake_outcome == "attached"
        assert "补充：厨房也漏了" in again.description
        with_address = submit(s, w.resident, description="地址在这", address="幸福路8号2楼")
        assert with_address.id == first.id and first.address == "幸福路8号2楼"
        kinds = s.scalars(select(HelpRequestEvent.kind).where(HelpRequestEvent.request_id == first.id))
        assert list(kinds) == ["status", "attached", "attached"]
        assert submit(s, w.resident, category="medical").id != first.id
    frozen_clock.advance(hours=25)
    with session_scope() as s:
        assert submit(s, w.resident, description="又漏了").id != first.id


def test_the_same_words_again_are_not_recorded_twice(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        first = submit(s, w.resident, description="水管漏水")
        submit(s, w.resident, description="厨房也漏了")
        for words in ("水管漏水", "厨房也漏了"):
            again = submit(s, w.resident, description=words)
            assert again.id == first.id and again.intake_outcome == "attached"
        assert first.description == "水管漏水\n补充：厨房也漏了"
        kinds = s.scalars(select(HelpRequestEvent.kind).where(HelpRequestEvent.request_id == first.id))
        assert list(kinds) == ["status", "attached"]
        submit(s, w.resident, description="水管漏水", urgency="emergency")
        assert first.urgency == "emergency"  # the same words, now urgent: that is new


def test_a_closed_request_is_not_reused(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        first = submit(s, w.resident)
        first.status = "cancelled"
        s.flush()
        assert submit(s, w.resident).id != first.id


def test_a_proxy_submits_for_the_elder_and_a_stranger_cannot(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        son = make_person(s, community=w.there, name="王小明")
        make_proxy(s, principal=w.resident, agent=son)
        made = submit(s, son, on_behalf_of_id=w.resident.id)
        assert made.on_behalf_of_id == w.resident.id and made.requester_id == son.id
        assert made.community_id == w.here.id and made.address == "阳光社区3号楼101"
        assert made.contact_phone == son.phone
        with pytest.raises(NotAllowed):
            submit(s, w.neighbour, on_behalf_of_id=w.resident.id)
        # The elder asking for the same thing herself joins her son's request.
        assert submit(s, w.resident).id == made.id


def test_bad_input_is_refused_in_chinese(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        with pytest.raises(ValidationFailed) as bad:
            submit(s, w.resident, category="money")
        assert bad.value.details["fields"] == {"category": "不是允许的取值"}
        with pytest.raises(ValidationFailed) as empty:
            submit(s, w.resident, description="  ")
        assert empty.value.message == "请说一下需要什么帮助。"


def _count(s, model, *where):
    return s.scalar(select(func.count()).select_from(model).where(*where))


def test_an_emergency_alerts_the_community_staff_once_even_when_retried(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        first = submit(s, w.resident, category="medical", urgency="emergency",
                       description="老伴摔倒了起不来", source_key="wx:msg:1001")
        assert first.accept_due_at - frozen_clock.at == timedelta(minutes=10)
    with session_scope() as s:
        replay = submit(s, w.resident, category="medical", urgency="emergency",
                        description="老伴摔倒了起不来", source_key="wx:msg:1001")
        assert replay.id == first.id and replay.intake_outcome == "replayed"
    with session_scope() as s:
        [alert] = s.scalars(select(RiskAlert))
        assert (alert.kind, alert.level, alert.community_id) == ("emergency", "critical", w.here.id)
        assert alert.subject_id == first.id and "王**" in alert.summary
        [urgent] = _notes(s, w.staff.id)
        assert urgent.priority == PRIORITY_URGENT and first.code in urgent.text
        assert _notes(s, w.staff_there.id) == []
        assert _count(s, HelpRequest) == 1


def test_a_rolled_back_emergency_leaves_no_alert_and_no_message(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
    with pytest.raises(RuntimeError), session_scope() as s:
        submit(s, s.merge(w.resident), urgency="emergency", description="着火了")
        raise RuntimeError("front door failed")
    with session_scope() as s:
        assert _count(s, RiskAlert) == 0 and _count(s, Notification) == 0


def test_a_normal_request_upgraded_to_emergency_raises_the_alert(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        first = submit(s, w.resident, category="care")
        again = submit(s, w.resident, category="care", urgency="emergency", description="喘不上气")
        assert again.id == first.id and again.urgency == "emergency"
        assert _count(s, RiskAlert, RiskAlert.subject_id == first.id) == 1


def test_asking_for_a_human_flags_the_request_and_tells_staff(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = request_human_agent(s, actor=w.resident, note="机器人听不懂我")
        assert (made.category, made.needs_human, made.channel) == ("other", True, "chat")
        [told] = [n for n in _notes(s, w.staff.id) if n.template == "help_human"]
        assert made.code in told.text


def test_asking_for_a_human_again_joins_the_request_and_tells_staff_once(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        first = request_human_agent(s, actor=w.resident, note="机器人听不懂我")
        again = request_human_agent(s, actor=w.resident, note="还是没人联系我")
        assert again.id == first.id and "还是没人联系我" in again.description
        assert len([n for n in _notes(s, w.staff.id) if n.template == "help_human"]) == 1


def test_routing_prefers_the_most_specific_rule(db):
    with session_scope() as s:
        w = make_world(s)
        by_category = make_organisation(s, kind="womens_federation", community=w.here)
        by_place = make_organisation(s, kind="youth_league", community=w.here)
        both = make_organisation(s, kind="disabled_federation", community=w.here)
        set_routing_rule(s, category="education", community_id=None, organisation_id=by_category.id)
        set_routing_rule(s, category=None, community_id=w.there.id, organisation_id=by_place.id)
        set_routing_rule(s, category="care", community_id=w.there.id, organisation_id=both.id,
                         queue="care")
        pick = lambda c, m: route_help_request(s, category=c, community_id=m).organisation_id  # noqa: E731
        assert pick("education", w.here.id) == by_category.id
        assert pick("education", w.there.id) == by_category.id
        assert pick("living", w.there.id) == by_place.id
        assert pick("care", w.there.id) == both.id
        assert pick("living", w.here.id) == w.civil.id


def test_the_same_chat_message_arriving_twice_at_once_files_one_request(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
    ids, errors = [], []

    def deliver():
        try:
            with session_scope() as s:
                from models.person import Person

                made = submit(s, s.get(Person, w.resident.id), urgency="emergency",
                              description="救命", source_key="wx:msg:2002")
                ids.append(made.id)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(ids)) == 1
    with session_scope() as s:
        assert _count(s, HelpRequest) == 1 and _count(s, RiskAlert) == 1
