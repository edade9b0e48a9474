"""Standing orders (长期订餐) on SQLite and PostgreSQL: a week of the job, day by day.

The week of the 2026 Mid-Autumn holiday: 9月25–27日 are public holidays and
9月20日 (a Sunday) is an adjusted working day in the official calendar.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from core.errors import NotAllowed, ValidationFailed
from models.meals import MealBooking
from models.messaging import Notification
from models.person import Person
from models.standing import StandingOrderRun
from scheduler.jobs import JOBS
from services import meals
from services.meals import standing
from services.meals.standing_job import book_standing_orders
from tests.factories import make_person, make_proxy
from tests.meals_factories import make_canteen, make_elder

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def run_job(times: int = 2) -> list[dict[str, int]]:
    results = []
    for _ in range(times):
        with session_scope() as s:
            results.append(book_standing_orders(s, now=clock.now()))
    return results


def bookings(person_id: int) -> dict[date, str]:
    with session_scope() as s:
        rows = s.scalars(select(MealBooking).where(MealBooking.person_id == person_id,
                                                   MealBooking.standing_order_id.is_not(None)))
        return {b.day: b.status for b in rows}


def texts_to(person_id: int) -> list[str]:
    with session_scope() as s:
        return list(s.scalars(select(Notification.text).where(Notification.person_id == person_id)
                              .order_by(Notification.id)))


@pytest.fixture
def week(db, frozen_clock):
    frozen_clock.set(at(20, 10))
    with session_scope() as s:
        canteen = make_canteen(s, capacity=1, name="阳光助餐点")
        elder = make_elder(s, age=84, tier="dibao", alone=True)
        elder.community_id = canteen.community_id
        staff = make_person(s, roles=("staff",), name="李社工")
        staff.roles[0].community_id = canteen.community_id
        neighbour = make_elder(s, name="赵桂兰")
        meals.book_meal(s, actor=neighbour, person_id=neighbour.id, canteen_id=canteen.id,
                        day=date(2026, 9, 22), meal="lunch", count=1, delivery=False)
        order = standing.create_standing_order(
            s, actor=elder, person_id=elder.id, canteen_id=canteen.id, meal="lunch", days="daily",
            count=1, delivery=True)
        text = standing.describe_standing_order(order)
        ids = {"canteen": canteen.id, "elder": elder.id, "staff": staff.id, "order": order.id}
    return ids, text


def test_the_read_back_names_days_meal_how_start_next_dates_and_holidays(week):
    _, text = week
    assert text.splitlines() == [
        "每天午餐 1份 送餐上门（阳光助餐点），从9月21日（明天）起。",
        "接下来会订：9月21日（明天）、9月22日（后天）、9月23日（周三）、9月24日（周四）、9月28日（周一）。",
        "不订：9月25日（周五）中秋节放假、9月26日（周六）中秋节放假、9月27日（周日）中秋节放假。",
    ]


def test_a_week_with_a_sold_out_day_a_pause_a_holiday_and_one_day_cancelled(week, frozen_clock):
    ids, _ = week
    elder, order_id = ids["elder"], ids["order"]

    frozen_clock.set(at(21, 8))  # Monday: today booked, tomorrow sold out
    first, second = run_job()
    assert first == {"booked": 1, "sold_out": 1} and second == {}
    assert bookings(elder) == {date(2026, 9, 21): "booked"}
    told = texts_to(elder)[-1]
    assert told.startswith("长期订餐：9月22日（明天）午餐（阳光助餐点）没有订上。\n9月22日（明天）午餐已经订满了。")
    staff_told = texts_to(ids["staff"])
    assert staff_told == ["王**的长期订餐9月22日（明天）午餐没订上（已订满，阳光助餐点），请联系老人安排。"]

    frozen_clock.set(at(22, 8))  # Tuesday: Wednesday booked
    run_job()
    assert bookings(elder)[date(2026, 9, 23)] == "booked"

    frozen_clock.set(at(22, 10))  # 我住院了: pause Wednesday and Thursday
    with session_scope() as s:
        me = s.get(Person, elder)
        _, released = standing.pause_standing_order(s, actor=me, order_id=order_id,
                                                     from_day=date(2026, 9, 23),
                                                     to_day=date(2026, 9, 24))
        said = standing.released_text(released, "lunch")
    assert said == "已取消：9月23日（明天）的午餐。"
    assert bookings(elder)[date(2026, 9, 23)] == "cancelled"

    for day in (23, 24, 25, 26):  # paused, then the holiday
        frozen_clock.set(at(day, 8))
        assert run_job() == [{}, {}]

    frozen_clock.set(at(27, 8))  # Sunday (a holiday itself): Monday booked
    run_job()
    assert bookings(elder)[date(2026, 9, 28)] == "booked"
    frozen_clock.set(at(27, 10))  # one day cancelled on its own
    with session_scope() as s:
        booking_id = s.scalar(select(MealBooking.id).where(MealBooking.day == date(2026, 9, 28),
                                                           MealBooking.person_id == elder))
        meals.cancel_meal_booking(s, actor=s.get(Person, elder), booking_id=booking_id)
    frozen_clock.set(at(28, 8))
    job = next(j for j in JOBS if j.id == "standing_orders")  # the scheduler's own wrapper
    job.func()
    job.func()
    assert bookings(elder) == {date(2026, 9, 21): "booked", date(2026, 9, 23): "cancelled",
                               date(2026, 9, 28): "cancelled", date(2026, 9, 29): "booked"}
    with session_scope() as s:
        runs = {r.day: r.outcome for r in s.scalars(select(StandingOrderRun))}
        booking = s.scalars(select(MealBooking).where(MealBooking.day == date(2026, 9, 21),
                                                      MealBooking.person_id == elder)).one()
    assert runs == {date(2026, 9, 21): "booked", date(2026, 9, 22): "sold_out",
                    date(2026, 9, 28): "booked", date(2026, 9, 29): "booked"}
    # The same subsidy rules as any booking: 80+ and 低保 → 6元 off, plus the delivery fee.
    assert (booking.price_fen, booking.subsidy_fen, booking.payable_fen) == (1000, 600, 400)


def test_working_days_follow_the_official_calendar(db, frozen_clock):
    frozen_clock.set(at(14, 10))
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        order = standing.create_standing_order(s, actor=elder, person_id=elder.id,
                                               canteen_id=canteen.id, meal="lunch",
                                               days="workdays", delivery=False)
        plan = [(p.day.day, p.skip) for p in standing.plan_days(order, start=date(2026, 9, 15),
                                                                 bookable=6)]
    # Saturday 19 is not a working day; Sunday 20 is (调休): booked.
    assert plan == [(15, None), (16, None), (17, None), (18, None), (20, None), (21, None)]


def test_beyond_the_known_years_the_read_back_says_so(db, frozen_clock):
    frozen_clock.set(at(28, 10, month=12))
    with session_scope() as s:
        canteen = make_canteen(s, name="阳光助餐点")
        elder = make_elder(s)
        order = standing.create_standing_order(s, actor=elder, person_id=elder.id,
                                               canteen_id=canteen.id, meal="dinner", days="135")
        text = standing.describe_standing_order(order)
    assert "2027年的放假安排国家还没公布，先按平常日子订，公布后会自动跳过节假日。" in text
    assert text.startswith("每周一、三、五晚餐 1份 到助餐点吃（阳光助餐点），从12月28日（今天）起。")


def test_only_the_person_a_proxy_or_their_staff_may_set_one_up(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        daughter = make_person(s, name="王丽")
        stranger = make_person(s, name="路人")
        with pytest.raises(NotAllowed):
            standing.create_standing_order(s, actor=stranger, person_id=elder.id,
                                           canteen_id=canteen.id, meal="lunch", days="daily")
        make_proxy(s, principal=elder, agent=daughter)
        order = standing.create_standing_order(s, actor=daughter, person_id=elder.id,
                                               canteen_id=canteen.id, meal="lunch", days="daily")
        with pytest.raises(standing.StandingOrderExists):
            standing.create_standing_order(s, actor=elder, person_id=elder.id,
                                           canteen_id=canteen.id, meal="lunch", days="12345")
        with pytest.raises(ValidationFailed):
            standing.pause_standing_order(s, actor=elder, order_id=order.id,
                                          from_day=clock.today() + timedelta(days=3),
                                          to_day=clock.today() + timedelta(days=1))
        told = list(s.scalars(select(Notification.text).where(Notification.person_id == elder.id)))
    assert told and told[0].startswith("王*为您设了长期订餐：\n每天午餐 1份 到助餐点吃")


def test_two_schedulers_running_the_job_at_once_book_each_day_once(pg_db, frozen_clock):
    import threading

    frozen_clock.set(at(20, 10))
    with session_scope() as s:
        canteen = make_canteen(s)
        elders = [make_elder(s, name=f"老人{n}") for n in range(3)]
        for elder in elders:
            standing.create_standing_order(s, actor=elder, person_id=elder.id, canteen_id=canteen.id,
                                           meal="lunch", days="daily")
    frozen_clock.set(at(21, 8))
    barrier, errors = threading.Barrier(4), []

    def run() -> None:
        barrier.wait(timeout=30)
        try:
            with session_scope() as s:
                book_standing_orders(s, now=clock.now())
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with session_scope() as s:
        days = [(b.person_id, b.day) for b in s.scalars(select(MealBooking))]
    assert sorted(days) == sorted((e.id, d) for e in elders
                                  for d in (date(2026, 9, 21), date(2026, 9, 22)))


def test_a_missed_cutoff_a_meal_booked_by_hand_and_a_refused_delivery_are_told(db, frozen_clock):
    frozen_clock.set(at(20, 10))
    with session_scope() as s:
        canteen = make_canteen(s, name="阳光助餐点")
        elder = make_elder(s)
        order = standing.create_standing_order(s, actor=elder, person_id=elder.id,
                                               canteen_id=canteen.id, meal="lunch", days="daily",
                                               delivery=True)
        elder_id, order_id = elder.id, order.id
    frozen_clock.set(at(21, 8))
    with session_scope() as s:  # she books Tuesday's lunch herself
        me = s.get(Person, elder_id)
        meals.book_meal(s, actor=me, person_id=elder_id, canteen_id=order.canteen_id,
                        day=date(2026, 9, 22), meal="lunch", count=1, delivery=False)
    frozen_clock.set(at(21, 10))  # the scheduler was down until after Monday's cutoff
    assert run_job() == [{"missed": 1, "already_booked": 1}, {}]
    with session_scope() as s:  # she moves beyond the delivery radius
        s.get(Person, elder_id).set_home_location(30.40, 120.40)
    frozen_clock.set(at(22, 8))
    assert run_job() == [{"refused": 1}, {}]
    told = [t.splitlines()[:2] for t in texts_to(elder_id)]
    assert told[-2:] == [
        ["长期订餐：9月21日（今天）午餐（阳光助餐点）没有订上。", "长期订餐：9月21日（今天）午餐订餐已截止，没能自动订上。"],
        ["长期订餐：9月23日（明天）午餐（阳光助餐点）没有订上。", told[-1][1]],
    ]
    assert "超出送餐范围" in told[-1][1]
    assert len(bookings(elder_id)) == 0  # the hand booking is hers, not the order's
    with session_scope() as s:
        runs = {r.day.day: r.outcome for r in s.scalars(select(StandingOrderRun).where(
            StandingOrderRun.standing_order_id == order_id))}
    assert runs == {21: "missed", 22: "already_booked", 23: "refused"}
