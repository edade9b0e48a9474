from datetime import timedelta

import pytest

from core import clock
from core.db import session_scope
from models.person import Person
from services.messaging import channels
from tests.factories import make_person

pytestmark = pytest.mark.integration


def test_touch_interaction_opens_a_48_hour_window(db, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        assert not channels.service_window_open(s, person_id=person.id, now=clock.now())
        channels.touch_interaction(s, person_id=person.id, at=clock.now())
    with session_scope() as s:
        assert s.get(Person, person.id).last_interaction_at == clock.now()
        later = clock.now() + timedelta(hours=47)
        assert channels.service_window_open(s, person_id=person.id, now=later)
        too_late = clock.now() + timedelta(hours=48)
        assert not channels.service_window_open(s, person_id=person.id, now=too_late)


def test_window_closes_after_its_message_cap_and_reopens_when_the_person_writes(db, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        channels.touch_interaction(s, person_id=person.id, at=clock.now())
        for _ in range(channels.SERVICE_WINDOW_LIMIT):
            channels.count_service_message(s, person_id=person.id)
        assert not channels.service_window_open(s, person_id=person.id, now=clock.now())
        channels.touch_interaction(s, person_id=person.id, at=frozen_clock.advance(minutes=5))
        assert channels.service_window_open(s, person_id=person.id, now=clock.now())
        channels.close_service_window(s, person_id=person.id)
        assert not channels.service_window_open(s, person_id=person.id, now=clock.now())


def test_an_older_interaction_does_not_move_the_window_back(db, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        channels.touch_interaction(s, person_id=person.id, at=clock.now())
        channels.touch_interaction(s, person_id=person.id, at=clock.now() - timedelta(days=3))
        s.refresh(person)
        assert person.last_interaction_at == clock.now()


def test_one_acceptance_buys_exactly_one_subscribe_send(db, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        assert channels.record_subscribe_credits(
            s, person_id=person.id, template_ids=["T-meal", "T-help"]) == 2
        channels.record_subscribe_credits(s, person_id=person.id, template_ids=["T-meal"])
        assert channels.record_subscribe_credits(
            s, person_id=person.id, template_ids=["T-other"], accepted=False) == 0
    with session_scope() as s:
        assert not channels.has_subscribe_credit(s, person_id=person.id, template_id="T-other")
        spent = [channels.consume_subscribe_credit(s, person_id=person.id, template_id="T-meal")
                 for _ in range(3)]
        assert spent == [True, True, False]
        assert channels.has_subscribe_credit(s, person_id=person.id, template_id="T-help")
        channels.spend_all_subscribe_credits(s, person_id=person.id, template_id="T-help")
        assert not channels.consume_subscribe_credit(s, person_id=person.id, template_id="T-help")
