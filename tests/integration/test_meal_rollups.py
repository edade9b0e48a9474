"""The monthly meals rollup equals a direct aggregate of meal_bookings, whatever happens to them."""

import random
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core import clock
from core.db import session_scope
from core.errors import LinliError
from models.meals import MealBooking, MealMonthlyRollup
from models.person import Person
from services import meals
from services.meals.rollups import aggregate_bookings, read_meal_rollups
from services.operations.monthly_figures import get_dashboard
from tests.factories import make_community, make_person
from tests.meals_factories import make_canteen, make_elder, make_operator

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 29)  # the frozen clock: Sunday 09:00, lunch orders close at 09:30
DAYS = [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2), TODAY + timedelta(days=3)]


def _agrees(s, **kw):
    assert meals.check_meal_rollups(s, **kw) == {}
    assert read_meal_rollups(s, **kw) == aggregate_bookings(s, **kw)


def test_rollup_follows_book_cancel_serve_and_no_show(db, frozen_clock):
    rng = random.Random(20261129)
    with session_scope() as s:
        community = make_community(s)
        canteen = make_canteen(s, community=community, capacity=30)
        other = make_canteen(s, capacity=30)
        operator, other_operator = make_operator(s, canteen), make_operator(s, other)
        elders = [make_elder(s, community=community, tier="dibao"),
                  make_elder(s, community=community, tier="tekun", verified=False),
                  make_elder(s, community=community, age=85, alone=True),
                  make_elder(s, community=community)]
        staff = make_person(s, roles=("staff",), community=community)
        ids = {"elders": [e.id for e in elders], "staff": staff.id,
               "operators": {canteen.id: operator.id, other.id: other_operator.id},
               "canteens": [canteen.id, other.id]}

    booked: list[int] = []
    for _ in range(60):  # bookings over November and December, at two canteens
        with session_scope() as s:
            elder = s.get(Person, rng.choice(ids["elders"]))
            try:
                b = meals.book_meal(s, actor=elder, person_id=elder.id,
                                    canteen_id=rng.choice(ids["canteens"]), day=rng.choice(DAYS),
                                    meal=rng.choice(("lunch", "dinner")), count=rng.randint(1, 3),
                                    delivery=rng.random() < 0.3)
                booked.append(b.id)
            except LinliError:  # already booked: the savepoint undid its seat
                pass
        with session_scope() as s:
            _agrees(s)
    with session_scope() as s:  # cancel some, before the cutoff
        for booking_id in rng.sample(booked, len(booked) // 4):
            b = s.get(MealBooking, booking_id)
            if b.status == "booked":
                meals.cancel_meal_booking(s, actor=s.get(Person, b.person_id), booking_id=b.id)
    with session_scope() as s:
        _agrees(s)

    frozen_clock.set(datetime(2026, 12, 2, 14, 0, tzinfo=clock.LOCAL_TZ))
    for booking_id in booked:  # the canteens mark what was eaten and who did not come
        with session_scope() as s:
            b = s.get(MealBooking, booking_id)
            if b.status != "booked" or b.day > clock.today() or rng.random() < 0.3:
                continue
            actor = s.get(Person, ids["operators"][b.canteen_id])
            verb = meals.mark_served if rng.random() < 0.6 else meals.mark_no_show
            verb(s, actor=actor, booking_id=b.id)
            if b.status == "no_show" and rng.random() < 0.3:  # a correction: they did come
                meals.mark_served(s, actor=actor, booking_id=b.id)
    with session_scope() as s:
        meals.mark_past_bookings_no_show(s, now=clock.now())
    with session_scope() as s:
        _agrees(s)
        statuses = {status for (_, _, _, status) in aggregate_bookings(s)}
        assert statuses == {"cancelled", "served", "no_show", "booked"}
        months = {month for (_, month, _, _) in aggregate_bookings(s)}
        assert months == {"2026-11", "2026-12"}
        for canteen_id in ids["canteens"]:
            _agrees(s, canteen_id=canteen_id)

        # The dashboard reads the rollup; it equals the served bookings added up directly.
        board = get_dashboard(s, actor=s.get(Person, ids["staff"]), community_id=community.id)
        served = s.scalars(select(MealBooking).where(MealBooking.canteen_id == ids["canteens"][0],
                                                     MealBooking.status == "served")).all()
        for month in ("2026-11", "2026-12"):
            mine = [b for b in served if f"{b.day:%Y-%m}" == month]
            assert board.meals_served.get(month, 0) == sum(b.count for b in mine)
            assert board.subsidy_fen.get(month, 0) == sum(b.subsidy_fen for b in mine)


def test_rolled_back_writes_leave_the_rollup_alone(db, frozen_clock):
    with session_scope() as s:
        canteen = make_canteen(s)
        elder, other = make_elder(s), make_elder(s)
        ids = (canteen.id, elder.id, other.id)

    def book(s, person_id, meal="lunch"):
        return meals.book_meal(s, actor=s.get(Person, person_id), person_id=person_id,
                               canteen_id=ids[0], day=TODAY, meal=meal, count=2, delivery=False)

    with pytest.raises(RuntimeError), session_scope() as s:
        book(s, ids[1])
        raise RuntimeError("the request failed after booking")
    with session_scope() as s:
        assert read_meal_rollups(s) == {} == aggregate_bookings(s)
    with session_scope() as s:  # a savepoint rolled back inside a transaction that commits
        kept = book(s, ids[2])
        savepoint = s.begin_nested()
        book(s, ids[1], meal="dinner")
        meals.cancel_meal_booking(s, actor=s.get(Person, ids[2]), booking_id=kept.id)
        s.flush()
        savepoint.rollback()
        share = (1, 2, kept.subsidy_fen, kept.payable_fen)
    with session_scope() as s:
        _agrees(s)
        assert read_meal_rollups(s) == {(ids[0], "2026-11", "", "booked"): share}


def test_a_bulk_update_after_a_booking_in_one_transaction_still_rolls_up(db, frozen_clock):
    with session_scope() as s:
        canteen, elder = make_canteen(s), make_elder(s)
        ids = (canteen.id, elder.id)
    with session_scope() as s:  # the ORM books 2 portions, then a bulk write makes it 3
        elder = s.get(Person, ids[1])
        booking = meals.book_meal(s, actor=elder, person_id=elder.id, canteen_id=ids[0],
                                  day=TODAY, meal="lunch", count=2, delivery=False)
        s.execute(update(MealBooking).where(MealBooking.id == booking.id).values(count=3)
                  .execution_options(synchronize_session=False))
    with session_scope() as s:
        _agrees(s)
        assert read_meal_rollups(s)[(ids[0], "2026-11", "", "booked")][:2] == (1, 3)


def test_rebuild_recomputes_a_rollup_that_drifted(db, frozen_clock):
    with session_scope() as s:
        canteen, other = make_canteen(s), make_canteen(s)
        for c in (canteen, other):
            for _ in range(3):
                elder = make_elder(s)
                meals.book_meal(s, actor=elder, person_id=elder.id, canteen_id=c.id, day=TODAY,
                                meal="lunch", count=1, delivery=False)
        ids = (canteen.id, other.id)
    with session_scope() as s:  # drift: a bulk write around the ORM, a lost row
        s.execute(update(MealBooking).where(MealBooking.canteen_id == ids[0])
                  .values(status="cancelled"))
        s.execute(update(MealMonthlyRollup).where(MealMonthlyRollup.canteen_id == ids[1])
                  .values(portions=99))
        assert meals.check_meal_rollups(s)
        assert meals.rebuild_meal_rollups(s, canteen_id=ids[0]) == 1
        assert set(meals.check_meal_rollups(s)) == {(ids[1], "2026-11", "", "booked")}
        assert meals.rebuild_meal_rollups(s) == 2
        _agrees(s)
        assert read_meal_rollups(s)[(ids[0], "2026-11", "", "cancelled")][:2] == (3, 3)


def test_rollup_holds_under_concurrent_bookings(pg_db, frozen_clock):
    """Eight threads book, cancel and serve at one canteen and month at once (PostgreSQL)."""
    with session_scope() as s:
        canteen = make_canteen(s, capacity=100)
        operator = make_operator(s, canteen)
        elders = [make_elder(s).id for _ in range(8)]
        ids = (canteen.id, operator.id)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(elders))

    def work(person_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            for meal in ("lunch", "dinner"):
                with session_scope() as s:
                    meals.book_meal(s, actor=s.get(Person, person_id), person_id=person_id,
                                    canteen_id=ids[0], day=TODAY, meal=meal, count=2, delivery=False)
            with session_scope() as s:
                dinner = meals.find_active_booking(s, person_id=person_id, day=TODAY, meal="dinner")
                meals.cancel_meal_booking(s, actor=s.get(Person, person_id), booking_id=dinner.id)
            with session_scope() as s:
                lunch = meals.find_active_booking(s, person_id=person_id, day=TODAY, meal="lunch")
                meals.mark_served(s, actor=s.get(Person, ids[1]), booking_id=lunch.id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(person_id,)) for person_id in elders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with session_scope() as s:
        _agrees(s)
        rolled = read_meal_rollups(s)
        assert rolled[(ids[0], "2026-11", "", "served")][:2] == (8, 16)
        assert rolled[(ids[0], "2026-11", "", "cancelled")][:2] == (8, 16)
        assert (ids[0], "2026-11", "", "booked") not in rolled  # fell to zero
