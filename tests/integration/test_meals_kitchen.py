"""The canteen's and staff's side: finding canteens, menus, kitchen summary, no-shows, settlement."""

from datetime import date, datetime, timedelta

import pytest

from core.clock import LOCAL_TZ
from core.db import session_scope
from core.errors import InvalidTransition, NotAllowed, NotFound
from services import meals
from services.meals.menus import upsert_menu
from tests.factories import make_community, make_person
from tests.meals_factories import make_canteen, make_elder, make_operator

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 29)


def _book(s, person, canteen, *, meal="lunch", day=TODAY, **kw):
    return meals.book_meal(s, actor=person, person_id=person.id, canteen_id=canteen.id, day=day,
                           meal=meal, count=kw.pop("count", 1), delivery=kw.pop("delivery", False),
                           **kw)


def test_canteens_near_a_point_in_a_community_and_the_default_one(db):
    with session_scope() as s:
        home = make_community(s)
        near = make_canteen(s, community=home, name="近的", at=(30.2745, 120.1556))
        far = make_canteen(s, name="远的", at=(30.3000, 120.1556))
        found = meals.list_canteens_near(s, lat=30.2745, lng=120.1556)
        assert [(c.name, km) for c, km in found] == [("近的", 0.0), ("远的", 2.84)]
        assert meals.list_canteens_in_community(s, community_id=home.id) == [near]
        assert meals.default_canteen_for(s, person=make_elder(s, community=home)) is near
        stranger = make_elder(s, home=(30.3001, 120.1556))
        assert meals.default_canteen_for(s, person=stranger) is far
        assert meals.default_canteen_for(s, person=make_elder(s, home=None)) is None


def test_menu_of_a_day_breakfast_first(db):
    with session_scope() as s:
        canteen = make_canteen(s)
        upsert_menu(s, canteen_id=canteen.id, day=TODAY, meal="dinner", dishes=["南瓜粥"], tags=["软食"])
        upsert_menu(s, canteen_id=canteen.id, day=TODAY, meal="lunch", dishes=["清蒸鱼"], tags=["低盐"])
        assert [m.meal for m in meals.get_menu(s, canteen_id=canteen.id, day=TODAY)] == ["lunch", "dinner"]
        assert meals.get_menu(s, canteen_id=canteen.id, day=TODAY, meal="lunch")[0].dishes == ["清蒸鱼"]


def test_kitchen_summary_counts_deliveries_and_notes(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        operator = make_operator(s, canteen)
        a, b, c = make_elder(s), make_elder(s), make_elder(s)
        _book(s, a, canteen, count=2, delivery=True, note="少盐")
        _book(s, b, canteen)
        cancelled = _book(s, c, canteen, meal="dinner")
        meals.cancel_meal_booking(s, actor=c, booking_id=cancelled.id)
        summary = meals.kitchen_summary(s, actor=operator, canteen_id=canteen.id, day=TODAY)
        lunch = summary.counts["lunch"]
        assert (lunch.booked, lunch.delivery, lunch.eat_in) == (3, 2, 1)
        assert summary.counts["dinner"].booked == 0
        (stop,) = summary.deliveries
        assert (stop.name, stop.address, stop.count) == ("王**", "阳光社区3号楼2单元101", 2)
        assert stop.phone.count("*") == 4
        assert [n.note for n in summary.dietary_notes] == ["少盐"]
        with pytest.raises(NotFound):
            meals.kitchen_summary(s, actor=b, canteen_id=canteen.id, day=TODAY)


def test_served_no_show_and_the_scheduler_marks_the_rest(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        operator = make_operator(s, canteen)
        a, b, c = make_elder(s), make_elder(s), make_elder(s)
        ate, missed, forgot = _book(s, a, canteen), _book(s, b, canteen), _book(s, c, canteen)
        dinner = _book(s, a, canteen, meal="dinner")
        assert meals.mark_served(s, actor=operator, booking_id=ate.id).status == "served"
        assert meals.mark_no_show(s, actor=operator, booking_id=missed.id).status == "no_show"
        with pytest.raises(InvalidTransition):
            meals.mark_no_show(s, actor=operator, booking_id=ate.id)
        with pytest.raises(NotFound):
            meals.mark_served(s, actor=make_operator(s, make_canteen(s)), booking_id=forgot.id)
        after_lunch = datetime(2026, 11, 29, 13, 5, tzinfo=LOCAL_TZ)
        assert meals.mark_past_bookings_no_show(s, now=after_lunch) == 1
        assert (forgot.status, dinner.status) == ("no_show", "booked")
        assert meals.mark_served(s, actor=operator, booking_id=forgot.id).status == "served"


def test_settlement_pays_served_meals_by_tier_for_staff_only(db, frozen_clock):
    with session_scope() as s:
        community = make_community(s)
        canteen = make_canteen(s, community=community, name="阳光")
        operator = make_operator(s, canteen)
        poor = make_elder(s, age=84, tier="dibao")
        plain = make_elder(s, age=75)
        absent = make_elder(s, age=75)
        for person in (poor, plain, absent):
            booking = _book(s, person, canteen)
            mark = meals.mark_no_show if person is absent else meals.mark_served
            mark(s, actor=operator, booking_id=booking.id)
        staff = make_person(s, roles=("staff",), community=community)
        text = meals.monthly_settlement_csv(s, actor=staff, canteen_id=canteen.id, month="2026-11")
        assert text.splitlines() == [
            "助餐点,阳光,月份,2026-11",
            "类别,订餐单数,已用餐单数,未到单数,已用餐份数,结算补贴（元）,老人实付（元）",
            "低保,1,1,0,1,6.00,2.00",
            "无困难类别,2,1,1,1,2.00,6.00",
            "合计,3,2,1,2,8.00,8.00",
        ]
        december = meals.monthly_settlement_csv(s, actor=staff, canteen_id=canteen.id, month="2026-12")
        assert december.splitlines()[-1] == "合计,0,0,0,0,0.00,0.00"
        with pytest.raises(NotAllowed):
            meals.monthly_settlement_csv(s, actor=operator, canteen_id=canteen.id, month="2026-11")


def test_recent_history_for_welfare_checks(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        old = _book(s, elder, canteen)
        frozen_clock.advance(days=3)
        recent = _book(s, elder, canteen, day=TODAY + timedelta(days=3))
        history = meals.recent_booking_history(s, person_id=elder.id, days=2)
        assert [b.id for b in history] == [recent.id] and old.id != recent.id


def test_absurd_ids_are_simply_not_found(db):
    huge = 2**64
    with session_scope() as s:
        elder = make_elder(s)
        assert meals.list_canteens_in_community(s, community_id=huge) == []
        with pytest.raises(NotFound):
            meals.get_menu(s, canteen_id=huge, day=TODAY)
        with pytest.raises(NotFound):
            meals.cancel_meal_booking(s, actor=elder, booking_id=huge)
        with pytest.raises(NotFound):
            meals.list_my_bookings(s, actor=elder, person_id=huge)
