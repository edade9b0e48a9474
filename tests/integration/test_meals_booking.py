"""Booking meals on SQLite and PostgreSQL: prices explained, seats never oversold, rules named."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import NotAllowed, ValidationFailed
from models.meals import MealBooking, MealSlot, SubsidyRule
from models.messaging import Notification
from services import meals
from tests.factories import make_person, make_proxy
from tests.meals_factories import make_canteen, make_elder

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 29)  # Sunday; the frozen clock says 09:00
TOMORROW = TODAY + timedelta(days=1)


def _book(s, person, canteen, *, day=TOMORROW, meal="lunch", count=1, delivery=False, actor=None):
    return meals.book_meal(s, actor=actor or person, person_id=person.id, canteen_id=canteen.id,
                           day=day, meal=meal, count=count, delivery=delivery)


def test_quote_explains_the_subsidy_in_one_sentence(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s, age=84, tier="dibao", alone=True)
        quote = meals.quote_meal(s, actor=elder, person_id=elder.id, canteen_id=canteen.id,
                                 day=TOMORROW, meal="lunch", count=1, delivery=False)
    assert (quote.price_fen, quote.subsidy_fen, quote.payable_fen) == (800, 600, 200)
    assert quote.reason == "您80岁以上且为低保对象，每餐补贴6元，实付2元。"
    assert quote.seats_left == 50


def test_booking_keeps_its_price_breakdown_and_takes_a_seat(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s, age=72)
        booking = _book(s, elder, canteen, count=2, delivery=True)
        booking_id, canteen_id = booking.id, canteen.id
    with session_scope() as s:
        booking = s.get(MealBooking, booking_id)
        slot = s.scalars(select(MealSlot).where(MealSlot.canteen_id == canteen_id)).one()
    assert booking.status == "booked" and slot.booked == 2
    assert (booking.price_fen, booking.subsidy_fen, booking.payable_fen) == (1800, 200, 1600)
    assert booking.reason == "您70至79岁，每餐补贴2元，补贴只算本人1份，共2份，送餐费2元，实付16元。"
    labels = [line["label"] for line in booking.breakdown["lines"]]
    assert labels == ["第1份（本人）", "第2份", "送餐费"]


def test_unverified_or_expired_tier_does_not_count(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        unverified = make_elder(s, age=84, tier="dibao", verified=False)
        expired = make_elder(s, age=84, tier="dibao", review_due=TODAY - timedelta(days=1))
        quotes = [meals.quote_meal(s, actor=p, person_id=p.id, canteen_id=canteen.id,
                                   day=TOMORROW, meal="lunch", count=1, delivery=False)
                  for p in (unverified, expired)]
    for quote in quotes:
        assert quote.subsidy_fen == 300 and quote.tier is None
        assert quote.reason == "您80岁以上，每餐补贴3元，实付5元。低保身份需社区核对后才算，请联系社区。"


def test_monthly_cap_limits_the_subsidy_and_a_cancel_gives_it_back(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        s.scalars(select(SubsidyRule).where(SubsidyRule.code == "DIBAO_80")).one().monthly_cap_fen = 1000
        elder = make_elder(s, age=84, tier="dibao")
        first = _book(s, elder, canteen, day=TOMORROW)
        second = _book(s, elder, canteen, day=TOMORROW, meal="dinner")
        third = _book(s, elder, canteen, day=TODAY)
        assert [b.subsidy_fen for b in (first, second, third)] == [600, 400, 0]
        assert second.reason == "您80岁以上且为低保对象，每餐补贴6元，本月额度只剩4元，实付2元。"
        assert third.reason == "您80岁以上且为低保对象，但本月补贴额度已用完，按原价，实付8元。"
        meals.cancel_meal_booking(s, actor=elder, booking_id=first.id)
        again = _book(s, elder, canteen, day=TODAY, meal="dinner")
        assert again.subsidy_fen == 600


def test_a_new_month_starts_a_fresh_cap(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        s.scalars(select(SubsidyRule).where(SubsidyRule.code == "AGE70")).one().monthly_cap_fen = 200
        elder = make_elder(s, age=75)
        november = _book(s, elder, canteen, day=TOMORROW)
        december = _book(s, elder, canteen, day=date(2026, 12, 1))
        assert (november.subsidy_fen, december.subsidy_fen) == (200, 200)


def test_proxy_books_for_the_elder_with_the_elders_subsidy_and_the_elder_is_told(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s, age=84, tier="tekun")
        son = make_person(s, name="王小明", birth_date=date(1975, 5, 20))
        make_proxy(s, principal=elder, agent=son)
        booking = _book(s, elder, canteen, actor=son)
        assert (booking.person_id, booking.booked_by_id, booking.subsidy_fen) == (elder.id, son.id, 700)
        assert booking.reason == "老人60岁以上且为特困对象，每餐补贴7元，实付1元。"
        note = s.scalars(select(Notification).where(Notification.person_id == elder.id)).one()
        assert note.text == f"王**为您订了11月30日（明天）午餐1份（{canteen.name}，到店自取），实付1元。"


@pytest.mark.parametrize("status", ["invited", "declined", None])
def test_no_accepted_proxy_no_booking(db, frozen_clock, status):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        stranger = make_person(s)
        if status:
            make_proxy(s, principal=elder, agent=stranger, status=status)
        with pytest.raises(NotAllowed):
            _book(s, elder, canteen, actor=stranger)


def test_last_seat_goes_once_and_a_cancel_gives_it_back(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s, capacity=1)
        first, second = make_elder(s), make_elder(s)
        booking = _book(s, first, canteen)
        with pytest.raises(meals.SoldOut, match="11月30日（明天）午餐已经订满了。可以换一餐"):
            _book(s, second, canteen)
        meals.cancel_meal_booking(s, actor=first, booking_id=booking.id)
        assert _book(s, second, canteen).status == "booked"


def test_asking_for_more_than_is_left_says_how_many_are_left(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s, capacity=2)
        _book(s, make_elder(s), canteen)
        with pytest.raises(meals.SoldOut, match="只剩1份，订不了3份"):
            _book(s, make_elder(s), canteen, count=3)


def test_one_active_booking_per_person_canteen_day_and_meal(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        first = _book(s, elder, canteen)
        with pytest.raises(meals.AlreadyBooked, match="已经订了11月30日（明天）午餐"):
            _book(s, elder, canteen)
        assert _book(s, elder, canteen, meal="dinner").status == "booked"
        meals.cancel_meal_booking(s, actor=elder, booking_id=first.id)
        assert _book(s, elder, canteen).status == "booked"


def test_booking_a_meal_held_already_gives_its_seats_back(db, frozen_clock):
    """The second booking is refused in words and leaves the seats as the first left them."""
    with session_scope() as s:
        canteen = make_canteen(s, capacity=3)
        elder = make_elder(s)
        _book(s, elder, canteen, count=2)
        with pytest.raises(meals.AlreadyBooked, match="已经订了11月30日（明天）午餐"):
            _book(s, elder, canteen)  # one seat is left: taken, then given back
        with pytest.raises(meals.AlreadyBooked, match="已经订了11月30日（明天）午餐"):
            _book(s, elder, canteen, count=2)  # too few seats: still "already booked"
        slot = s.scalars(select(MealSlot).where(MealSlot.canteen_id == canteen.id)).one()
        s.refresh(slot)
        assert slot.booked == 2
        assert len(s.scalars(select(MealBooking).where(MealBooking.person_id == elder.id)).all()) == 1


def test_booking_after_the_cutoff_names_the_cutoff(db, frozen_clock):
    frozen_clock.advance(minutes=31)  # 09:31, lunch closed at 09:30
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        with pytest.raises(meals.PastCutoff, match="11月29日（今天）午餐要在11月29日（今天）09:30前预订"):
            _book(s, elder, canteen, day=TODAY)
        assert _book(s, elder, canteen, day=TODAY, meal="dinner").status == "booked"


def test_breakfast_closes_the_evening_before(db, frozen_clock):
    frozen_clock.advance(hours=11)  # 20:00 on the 29th
    with session_scope() as s:
        canteen = make_canteen(s)
        with pytest.raises(meals.PastCutoff, match="11月29日（今天）20:00前预订"):
            _book(s, make_elder(s), canteen, meal="breakfast")


def test_cancel_after_the_cutoff_is_refused_with_the_cutoff_and_phone(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        booking = _book(s, elder, canteen)
        frozen_clock.advance(days=1, minutes=45)  # 30th 09:45
        with pytest.raises(meals.PastCutoff) as refused:
            meals.cancel_meal_booking(s, actor=elder, booking_id=booking.id)
    assert refused.value.message == (
        "11月30日（今天）午餐的取消截止时间是11月30日（今天）09:30，已经过了，不能取消。"
        "如不能来吃，请打电话告诉助餐点：0571-88880000。")


def test_closed_days_and_meals_not_served_are_named(db, frozen_clock):
    with session_scope() as s:
        weekdays = make_canteen(s, open_weekdays="12345", meals=("lunch", "dinner"), name="和睦助餐点")
        elder = make_elder(s)
        with pytest.raises(meals.CanteenClosed, match="和睦助餐点12月5日（周六）不营业"):
            _book(s, elder, weekdays, day=date(2026, 12, 5))
        with pytest.raises(meals.CanteenClosed, match="和睦助餐点不供应早餐，只供应午餐、晚餐"):
            _book(s, elder, weekdays, meal="breakfast")


def test_delivery_only_inside_the_radius_of_a_canteen_that_delivers(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s, radius_m=1000)
        no_delivery = make_canteen(s, delivers=False, name="不送餐助餐点")
        far = make_elder(s, home=(30.2900, 120.1549))  # about 1.7 km north
        with pytest.raises(meals.OutOfDeliveryArea, match="约1.7公里，超出送餐范围（1公里）。可以到店用餐"):
            _book(s, far, canteen, delivery=True)
        assert _book(s, far, canteen, delivery=False).delivery is False
        with pytest.raises(meals.OutOfDeliveryArea, match="不送餐助餐点不送餐"):
            _book(s, make_elder(s), no_delivery, delivery=True)
        with pytest.raises(meals.OutOfDeliveryArea, match="还没有您家的位置"):
            _book(s, make_elder(s, home=None), canteen, delivery=True)


def test_an_unregistered_person_is_asked_to_register(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        person = make_person(s, birth_date=None)
        with pytest.raises(meals.NotRegistered, match="请先在小程序“我的”页面填写姓名和出生日期"):
            _book(s, person, canteen)


def test_too_many_portions_or_too_far_ahead_are_refused(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        with pytest.raises(ValidationFailed, match="每次可订1到5份"):
            _book(s, elder, canteen, count=6)
        with pytest.raises(ValidationFailed, match="只能预订14天以内的餐"):
            _book(s, elder, canteen, day=TODAY + timedelta(days=15))


def test_my_bookings_and_the_lookups_for_chat_and_scheduler(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder, other = make_elder(s), make_elder(s)
        dinner = _book(s, elder, canteen, meal="dinner")
        lunch = _book(s, elder, canteen)
        today = _book(s, other, canteen, day=TODAY)
        assert [b.id for b in meals.list_my_bookings(s, actor=elder)] == [lunch.id, dinner.id]
        assert meals.find_active_booking(s, person_id=elder.id, day=TOMORROW, meal="lunch") is lunch
        assert [b.id for b in meals.list_bookings_for_reminder(s, day=TOMORROW, meal="lunch")] == [lunch.id]
        assert [b.id for b in meals.recent_booking_history(s, person_id=other.id, days=7)] == [today.id]
        with pytest.raises(NotAllowed):
            meals.list_my_bookings(s, actor=other, person_id=elder.id)
