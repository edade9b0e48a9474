"""Charity funds: donations fill a fund, a fund-backed meal subsidy draws it down per booking,
never below zero, refunds on cancellation, and falls back to the public rule when empty."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import LinliError
from models.funds import FundPosting
from models.meals import MealBooking, SubsidyRule
from models.person import Person
from models.region import Community
from services import funds, meals
from tests.factories import make_community
from tests.meals_factories import make_canteen, make_elder
from tests.volunteer_factories import make_charity_admin

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 29)  # lunch orders close at 09:30; the frozen clock says 09:00
FUND_MEAL = 500  # the fund's rule: 5元 a meal for people of 60+ with a disability
PUBLIC_MEAL = 300  # the public AGE60_DISABLED rule: 3元


def _fund_with(s: Any, *, yuan: int) -> tuple[int, int, int]:
    """A canteen, a charity fund holding `yuan`, and a rule it pays; return their ids."""
    community = make_community(s)
    canteen = make_canteen(s, community=community)
    admin, charity = make_charity_admin(s, community=community)
    fund = funds.create_fund(s, actor=admin, organisation_id=charity.id, code="AXZC",
                             name="爱心助餐专项基金", kind="special")
    if yuan:
        funds.record_donation(s, actor=admin, fund_id=fund.id, donor_name="张建华",
                              amount_fen=yuan * 100, received_on=TODAY)
    s.add(SubsidyRule(code="FUND_DISABLED", min_age=60, requires_disability=True,
                      amount_fen=FUND_MEAL, monthly_cap_fen=15_000, fund_id=fund.id))
    s.flush()
    return canteen.id, fund.id, community.id


def _posting_kinds(s: Any, booking_id: int) -> list[str]:
    """What the fund's ledger says of a booking, in order."""
    return list(s.scalars(select(FundPosting.kind).where(FundPosting.booking_id == booking_id)
                          .order_by(FundPosting.id)))


def _book(s: Any, person_id: int, canteen_id: int) -> MealBooking:
    actor = s.get(Person, person_id)
    return meals.book_meal(s, actor=actor, person_id=person_id, canteen_id=canteen_id, day=TODAY,
                           meal="lunch", count=1, delivery=False)


def test_a_fund_pays_the_subsidy_and_gets_it_back_when_the_meal_is_cancelled(db, frozen_clock):
    with session_scope() as s:
        canteen_id, fund_id, _ = _fund_with(s, yuan=20)
        elder_id = make_elder(s, age=72, disability=2).id
    with session_scope() as s:
        booking = _book(s, elder_id, canteen_id)
        assert (booking.subsidy_fen, booking.payable_fen) == (FUND_MEAL, 300)
        assert "每餐补贴5元" in booking.reason and "爱心助餐专项基金" in booking.reason
        booking_id = booking.id
    with session_scope() as s:
        assert funds.fund_balance_fen(s, fund_id=fund_id) == 2000 - FUND_MEAL
        meals.cancel_meal_booking(s, actor=s.get(Person, elder_id), booking_id=booking_id)
    with session_scope() as s:
        assert funds.fund_balance_fen(s, fund_id=fund_id) == 2000
        assert _posting_kinds(s, booking_id) == ["meal_subsidy", "meal_refund"]
        assert funds.reconcile_funds(s)["ok"] is True


def test_an_empty_fund_stops_applying_and_the_public_rule_takes_over(db, frozen_clock):
    with session_scope() as s:
        canteen_id, fund_id, _ = _fund_with(s, yuan=7)  # one 5元 meal, then 2元 left
        first, second = (make_elder(s, age=66, disability=1).id for _ in range(2))
    with session_scope() as s:
        assert _book(s, first, canteen_id).subsidy_fen == FUND_MEAL
    with session_scope() as s:
        quote = meals.quote_meal(s, actor=s.get(Person, second), person_id=second,
                                 canteen_id=canteen_id, day=TODAY, meal="lunch", count=1,
                                 delivery=False)
        assert quote.subsidy_fen == PUBLIC_MEAL and "基金" not in quote.reason
        booking = _book(s, second, canteen_id)
        assert (booking.subsidy_fen, booking.payable_fen) == (PUBLIC_MEAL, 500)
    with session_scope() as s:
        assert funds.fund_balance_fen(s, fund_id=fund_id) == 200


def test_a_project_larger_than_the_balance_is_refused_and_nothing_moves(db, frozen_clock):
    with session_scope() as s:
        _, fund_id, _ = _fund_with(s, yuan=100)
        keeper = next(p for p in s.scalars(select(Person)) if p.has_role("charity_admin"))
        admin_id = keeper.id
    with session_scope() as s, pytest.raises(funds.FundEmpty, match="只有100.00元"):
        funds.pay_fund_project(s, actor=s.get(Person, admin_id), fund_id=fund_id,
                               title="助浴服务", amount_fen=100_01, paid_on=TODAY)
    with session_scope() as s:
        funds.pay_fund_project(s, actor=s.get(Person, admin_id), fund_id=fund_id,
                               title="助浴服务", amount_fen=60_00, paid_on=TODAY)
    with session_scope() as s:
        report = funds.get_fund_report(s, actor=s.get(Person, admin_id), fund_id=fund_id)
        assert (report.donated_fen, report.projects_fen, report.balance_fen) == (10000, 6000, 4000)
        assert report.donations[0].donor == "张**"
        assert funds.reconcile_funds(s)["ok"] is True


def test_someone_else_cannot_write_to_a_charity_fund(db, frozen_clock):
    with session_scope() as s:
        _, fund_id, community_id = _fund_with(s, yuan=10)
        stranger_id = make_elder(s).id
    with session_scope() as s, pytest.raises(LinliError):
        funds.record_donation(s, actor=s.get(Person, stranger_id), fund_id=fund_id,
                              donor_name="某人", amount_fen=100, received_on=TODAY)
    with session_scope() as s, pytest.raises(LinliError):
        funds.get_fund_report(s, actor=s.get(Person, stranger_id), fund_id=fund_id)


def test_eight_bookings_racing_for_the_last_two_meals_of_a_fund_never_overdraw(pg_db, frozen_clock):
    with session_scope() as s:
        canteen_id, fund_id, community_id = _fund_with(s, yuan=10)  # exactly two 5元 meals
        community = s.get_one(Community, community_id)
        racers = [make_elder(s, age=70, disability=1, community=community).id for _ in range(8)]
    barrier = threading.Barrier(len(racers))

    def run(person_id: int) -> Any:
        barrier.wait()
        with session_scope() as s:
            return _book(s, person_id, canteen_id).subsidy_fen

    with ThreadPoolExecutor(max_workers=len(racers)) as pool:
        subsidies = sorted(pool.map(run, racers))
    assert subsidies == [PUBLIC_MEAL] * 6 + [FUND_MEAL] * 2
    with session_scope() as s:
        assert funds.fund_balance_fen(s, fund_id=fund_id) == 0
        drawn = s.scalars(select(FundPosting.amount_fen).where(
            FundPosting.fund_id == fund_id, FundPosting.kind == "meal_subsidy")).all()
        assert sorted(drawn) == [FUND_MEAL, FUND_MEAL]
        assert funds.reconcile_funds(s)["ok"] is True


def test_erasing_a_donor_clears_their_name_and_keeps_the_fund_whole(db, frozen_clock):
    from core import clock
    from services.rights.erasure import erase_person
    from tests.factories import make_person

    with session_scope() as s:
        _, fund_id, _ = _fund_with(s, yuan=0)
        keeper = next(p for p in s.scalars(select(Person)) if p.has_role("charity_admin"))
        donor = make_person(s, name="林捐赠")
        funds.record_donation(s, actor=keeper, fund_id=fund_id, donor_name="林捐赠",
                              donor_person_id=donor.id, amount_fen=50_00, received_on=TODAY,
                              note="给老人加个菜")
        ids = (keeper.id, donor.id)
    with session_scope() as s:
        erase_person(s, person=s.get_one(Person, ids[1]), now=clock.now())
    with session_scope() as s:
        report = funds.get_fund_report(s, actor=s.get_one(Person, ids[0]), fund_id=fund_id)
        assert [d.donor for d in report.donations] == ["已注销"]
        assert report.donated_fen == report.balance_fen == 50_00
        assert funds.reconcile_funds(s)["ok"] is True


def test_what_my_subsidy_is_names_the_public_rule_once_the_fund_is_empty(db, frozen_clock):
    from services.meals.subsidies import subsidy_standing

    with session_scope() as s:
        canteen_id, fund_id, _ = _fund_with(s, yuan=5)
        elder_id = make_elder(s, age=66, disability=1).id
    with session_scope() as s:
        assert subsidy_standing(s, person=s.get_one(Person, elder_id), day=TODAY).rule.fund_id == fund_id
        _book(s, elder_id, canteen_id)
    with session_scope() as s:
        standing = subsidy_standing(s, person=s.get_one(Person, elder_id), day=TODAY)
        assert standing.rule.code == "AGE60_DISABLED" and standing.used_fen == FUND_MEAL


def test_losing_the_race_for_the_fund_reprices_with_the_next_rule_and_the_full_cap(
        db, frozen_clock, monkeypatch):
    import services.meals.subsidies as subsidies

    with session_scope() as s:
        canteen_id, fund_id, _ = _fund_with(s, yuan=0)  # empty: someone else just took it all
        s.add(SubsidyRule(code="NEXT_BEST", min_age=60, requires_disability=True, amount_fen=400,
                          monthly_cap_fen=450))
        elder_id = make_elder(s, age=66, disability=1).id
    # The quote read the balance before the other booking committed: it still saw money.
    monkeypatch.setattr(subsidies, "fund_balance_fen", lambda session, *, fund_id: 10**9)
    with session_scope() as s:
        booking = _book(s, elder_id, canteen_id)
        assert (booking.subsidy_fen, booking.payable_fen) == (400, 400)
        assert "基金" not in booking.reason
    with session_scope() as s:
        assert funds.fund_balance_fen(s, fund_id=fund_id) == 0
        assert s.scalar(select(FundPosting.id).where(FundPosting.fund_id == fund_id,
                                                     FundPosting.kind == "meal_subsidy")) is None


def test_a_booking_names_the_fund_that_paid_it_and_an_older_one_is_still_refunded(
        db, frozen_clock):
    with session_scope() as s:
        canteen_id, fund_id, _ = _fund_with(s, yuan=20)
        elder_id = make_elder(s, age=72, disability=2).id
    with session_scope() as s:
        booking = _book(s, elder_id, canteen_id)
        assert booking.breakdown["fund_id"] == fund_id
        # As a booking made before bookings named their fund: the refund looks it up.
        booking.breakdown = {k: v for k, v in booking.breakdown.items() if k != "fund_id"}
        booking_id = booking.id
    with session_scope() as s:
        meals.cancel_meal_booking(s, actor=s.get(Person, elder_id), booking_id=booking_id)
    with session_scope() as s:
        assert funds.fund_balance_fen(s, fund_id=fund_id) == 2000
        assert _posting_kinds(s, booking_id) == ["meal_subsidy", "meal_refund"]


def test_a_booking_repriced_off_an_empty_fund_names_no_fund(db, frozen_clock, monkeypatch):
    import services.meals.subsidies as subsidies

    with session_scope() as s:
        canteen_id, fund_id, _ = _fund_with(s, yuan=0)
        elder_id = make_elder(s, age=66, disability=1).id
    monkeypatch.setattr(subsidies, "fund_balance_fen", lambda session, *, fund_id: 10**9)
    with session_scope() as s:
        booking = _book(s, elder_id, canteen_id)
        assert booking.subsidy_fen == PUBLIC_MEAL and booking.breakdown["fund_id"] is None
        booking_id = booking.id
    with session_scope() as s:
        meals.cancel_meal_booking(s, actor=s.get(Person, elder_id), booking_id=booking_id)
    with session_scope() as s:
        assert s.scalars(select(FundPosting).where(FundPosting.booking_id == booking_id)).all() == []
