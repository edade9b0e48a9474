"""Canteens, subsidy rules and communities come from a per-process snapshot, never stale after an edit."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select, text

from core import refcache
from core.db import get_engine, session_scope
from core.errors import NotFound
from models.meals import CanteenMeal, SubsidyRule
from models.person import Person
from services import meals
from services.people.residents import community_of
from tests.meals_factories import make_canteen, make_elder

pytestmark = pytest.mark.integration

TOMORROW = date(2026, 11, 30)


@contextmanager
def counted():
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)


@pytest.fixture
def place(db, frozen_clock):
    with session_scope() as s:
        canteen, elder = make_canteen(s), make_elder(s)
        return {"canteen": canteen.id, "community": canteen.community_id, "elder": elder.id}


def quote(s, place, meal="lunch"):
    elder = s.get(Person, place["elder"])
    return meals.quote_meal(s, actor=elder, person_id=elder.id, canteen_id=place["canteen"],
                            day=TOMORROW, meal=meal, count=1, delivery=False)


def test_reference_rows_are_read_once_and_come_back_as_live_session_objects(place):
    with session_scope() as s:
        meals.get_canteen(s, canteen_id=place["canteen"])
        meals.list_subsidy_rules(s)
        community_of(s, place["community"])
    with session_scope() as s, counted() as statements:
        canteen = meals.get_canteen(s, canteen_id=place["canteen"])
        rules = meals.list_subsidy_rules(s)
        community = community_of(s, place["community"])
        near = meals.list_canteens_near(s, lat=canteen.latitude, lng=canteen.longitude)
        assert statements == []
        assert canteen in s and all(rule in s for rule in rules) and community in s
        assert [c.id for c, _ in near] == [place["canteen"]] and near[0][0] is canteen
        assert {m.meal for m in canteen.meals} == {"breakfast", "lunch", "dinner"}
        assert all(m.canteen is canteen for m in canteen.meals)
        canteen.phone = "0571-12345678"  # an edit saves as usual, and is read back at once
    with session_scope() as s:
        assert meals.get_canteen(s, canteen_id=place["canteen"]).phone == "0571-12345678"


def test_read_only_sessions_share_the_snapshot(place):
    for _ in range(3):
        with session_scope(readonly=True) as s, counted() as statements:
            meals.get_canteen(s, canteen_id=place["canteen"])
    assert statements == []
    assert [len(snapshot._entries) for snapshot in refcache._ALL if snapshot.name == "canteens"] == [1]


def test_a_committed_price_change_is_priced_at_once(place):
    with session_scope() as s:
        assert quote(s, place).price_fen == 800
    with session_scope() as s:
        served = s.scalar(select(CanteenMeal).where(CanteenMeal.canteen_id == place["canteen"],
                                                    CanteenMeal.meal == "lunch"))
        served.price_fen = 950
    with session_scope() as s:
        assert quote(s, place).price_fen == 950


def test_a_session_sees_its_own_unsaved_edit_and_a_rollback_leaves_no_trace(place):
    with session_scope() as s:
        meals.get_canteen(s, canteen_id=place["canteen"])
    with pytest.raises(RuntimeError), session_scope() as s:
        meals.get_canteen(s, canteen_id=place["canteen"]).active = False  # closed, not flushed
        with pytest.raises(NotFound):
            meals.get_canteen(s, canteen_id=place["canteen"])
        assert meals.list_canteens_in_community(s, community_id=place["community"]) == []
        s.flush()  # written, not committed
        with pytest.raises(NotFound):
            meals.get_canteen(s, canteen_id=place["canteen"])
        raise RuntimeError("the edit is abandoned")
    with session_scope() as s:
        assert meals.get_canteen(s, canteen_id=place["canteen"]).active


def test_a_rule_switched_off_stops_subsidising_at_once(place):
    with session_scope() as s:
        before = quote(s, place)
        assert before.subsidy_fen > 0
    with session_scope() as s:
        s.get(SubsidyRule, before.rule_id).active = False
    with session_scope() as s:
        assert quote(s, place).rule_id != before.rule_id


def test_a_write_around_the_orm_shows_after_the_ttl(place, monkeypatch):
    import time

    with session_scope() as s:
        assert quote(s, place).price_fen == 800
    with session_scope() as s:  # another process, or raw SQL: this process is not told
        s.execute(text("UPDATE canteen_meals SET price_fen = 1000 WHERE meal = 'lunch'"))
    with session_scope() as s:
        assert quote(s, place).price_fen == 800
    later = time.monotonic() + refcache.TTL_SECONDS + 0.1
    monkeypatch.setattr(refcache.time, "monotonic", lambda: later)
    with session_scope() as s:
        assert quote(s, place).price_fen == 1000
