"""What a chat booking costs in SQL statements: each row is read once in a turn (issue 25 §2).

Counted on the engine, as bench/wechat_turn_cost.py counts them, through the
real /wechat pipeline with the demo data. The numbers are ceilings: a change
that reads a row twice again (the canteen, the subsidy rules, the person, a
refund lookup for a booking no fund paid) fails here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.db import get_engine, session_scope
from models.funds import FundPosting
from models.meals import CanteenMeal, MealBooking, MealSlot

WANG = "demo_elder_wang"


def _open_seats(day: date) -> None:
    """Open the day's seats rows, as the day's first booking would have."""
    with session_scope() as s:
        for served in s.scalars(select(CanteenMeal).where(CanteenMeal.meal == "lunch")):
            s.add(MealSlot(canteen_id=served.canteen_id, day=day, meal="lunch",
                           capacity=served.capacity, booked=0))


def test_a_chat_booking_reads_each_row_once(wang_says):
    readback, quote = wang_says("订后天午饭一份送到家")
    assert "12月1日（后天） 午餐 1份 送餐上门" in readback and "1 确认" in readback
    # person, the community's canteens (with their meals), subsidy rules with this month's
    # subsidy, the meal's seats: the canteen and the rules are not read a second time.
    assert len(quote) <= 4, quote
    assert sum("FROM canteens" in s for s in quote) == 1, quote
    assert sum("FROM subsidy_rules" in s for s in quote) == 1, quote

    _open_seats(date(2026, 12, 1))  # not the day's first booking, as most are
    done, commit = wang_says("1")
    assert "订好了" in done
    assert len(commit) <= 6, commit
    # The sender is read once; the lock on their row reads no column again.
    persons = [s for s in commit if "FROM persons" in s]
    assert len(persons) <= 2 and all("persons.name" not in s for s in persons[1:]), persons


def test_cancelling_a_booking_no_fund_paid_looks_up_no_refund(wang_says):
    _open_seats(date(2026, 12, 1))
    wang_says("订后天午饭一份送到家")
    wang_says("1")
    wang_says("取消后天的午饭")
    done, cancel = wang_says("1")
    assert "已取消" in done
    with session_scope() as s:
        [booking] = s.scalars(select(MealBooking))
        assert booking.status == "cancelled" and booking.breakdown["fund_id"] is None
        assert s.scalars(select(FundPosting).where(FundPosting.booking_id == booking.id)).all() == []
    assert not [s for s in cancel if "fund_postings" in s], cancel
    assert len(cancel) <= 5, cancel


def test_a_booking_reads_what_it_needs_in_the_fewest_statements(wang_says):
    """The lock rides on the canteen read, the month's subsidy on the rules, the check on the insert."""
    _, quote = wang_says("订后天午饭一份送到家")
    [rules] = [s for s in quote if "FROM subsidy_rules" in s]
    assert "sum(meal_bookings.subsidy_fen)" in rules, quote
    assert not [s for s in quote if s.startswith("SELECT coalesce(sum(")], quote

    _open_seats(date(2026, 12, 1))
    _, commit = wang_says("1")
    # person; lock + canteen; rules + month's subsidy; seats; the booking; the message log
    assert len(commit) <= 6, commit
    [lock] = [s for s in commit if "FROM persons" in s and "JOIN canteens" in s]
    if get_engine().dialect.name == "postgresql":  # SQLite serialises writers without locks
        assert lock.endswith("FOR NO KEY UPDATE OF persons"), lock
    assert sum("canteens" in s for s in commit) == 1, commit
    # No look for an existing booking before the insert: the active-booking index answers.
    assert not [s for s in commit if s.startswith("SELECT") and "FROM meal_bookings" in s
                and "sum(" not in s], commit
    [insert] = [s for s in commit if s.startswith("INSERT INTO meal_bookings")]
    assert "ON CONFLICT" in insert, insert
    # The month's subsidy is summed after the lock, never in the same statement.
    assert commit.index(lock) < next(i for i, s in enumerate(commit) if "sum(" in s), commit

    wang_says("取消后天的午饭")
    done, cancel = wang_says("1")
    assert "已取消" in done
    # person; the booking locked with its canteen; the booking; the seats; the message log
    assert len(cancel) <= 5, cancel
    assert sum("canteens" in s for s in cancel) == 1, cancel
