"""The days a standing order covers: the official calendar, the canteen's week, the pause, the read-back.

Pure reads of an order (no session): `plan_days` lists the covered days from a
date with the reason each skipped one is skipped, and `describe_standing_order`
says it all in plain words for the elder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core import clock
from models.meals import Canteen
from models.standing import StandingOrder
from services.meals import canteens as rules
from services.meals.holidays import is_working_day, known_year, public_holiday
from services.meals.wording import WEEKDAYS, day_text, meal_text

PLAN_HORIZON_DAYS = 60
SHOWN_DAYS = 5


def valid_days(days: str) -> bool:
    """Tell whether a days value is "daily", "workdays" or distinct ISO weekdays ("135")."""
    if days in ("daily", "workdays"):
        return True
    return bool(days) and days.isdigit() and set(days) <= set("1234567") and len(set(days)) == len(days)


def normal_days(days: str) -> str:
    """Return the canonical form: sorted weekdays, all seven as "daily"."""
    if days in ("daily", "workdays"):
        return days
    ordered = "".join(sorted(set(days)))
    return "daily" if ordered == "1234567" else ordered


def days_text(days: str) -> str:
    """Say the days as 每天 / 工作日（按国家法定安排） / 每周一、三、五."""
    if days == "daily":
        return "每天"
    if days == "workdays":
        return "工作日"
    return "每周" + "、".join(WEEKDAYS[int(d) - 1] for d in days)


def wanted(order: StandingOrder, day: date) -> bool:
    """Tell whether the order's days include this date (before holidays and closures)."""
    if day < order.starts_on:
        return False
    if order.days == "daily":
        return True
    if order.days == "workdays":  # a weekday off for a holiday is wanted, then said as skipped
        return is_working_day(day) or (day.isoweekday() <= 5 and public_holiday(day) is not None)
    return str(day.isoweekday()) in order.days


def is_paused(order: StandingOrder, day: date) -> bool:
    """Tell whether a date falls in the order's pause."""
    return (order.paused_from is not None and order.paused_until is not None
            and order.paused_from <= day <= order.paused_until)


def skip_reason(order: StandingOrder, canteen: Canteen, day: date) -> str | None:
    """Say why a wanted day is not booked (国庆节放假, 助餐点休息, 暂停), or None to book it."""
    holiday = public_holiday(day)
    if holiday:
        return f"{holiday}放假"
    if str(day.isoweekday()) not in canteen.open_weekdays:
        return "助餐点休息"
    if is_paused(order, day):
        return "暂停"
    return None


@dataclass(frozen=True)
class PlannedDay:
    """A day the order covers: booked unless `skip` says why not."""

    day: date
    skip: str | None


def plan_days(order: StandingOrder, *, start: date, bookable: int = SHOWN_DAYS) -> list[PlannedDay]:
    """Return the order's days from `start` until `bookable` of them will be booked."""
    found: list[PlannedDay] = []
    day, left = max(start, order.starts_on), bookable
    for _ in range(PLAN_HORIZON_DAYS):
        if left == 0:
            break
        if wanted(order, day):
            skip = skip_reason(order, order.canteen, day)
            found.append(PlannedDay(day, skip))
            left -= skip is None
        day += timedelta(days=1)
    return found


def first_covered(order: StandingOrder) -> date:
    """Return the first day on or after the start that the order's days include (每周一 → Monday)."""
    return next((order.starts_on + timedelta(days=n) for n in range(14)
                 if wanted(order, order.starts_on + timedelta(days=n))), order.starts_on)


def first_day(canteen: Canteen, meal: str) -> date:
    """Return the first day whose order cutoff has not passed (today or tomorrow)."""
    served = rules.meal_of(canteen, meal)
    today = clock.today()
    if served is not None and clock.now() >= rules.cutoff_at(served, today):
        return today + timedelta(days=1)
    return today


def dates_text(days: list[date]) -> str:
    """Say several dates: 9月21日（明天）、9月23日（周三）."""
    return "、".join(day_text(d) for d in days)


def describe_standing_order(order: StandingOrder, *, start: date | None = None) -> str:
    """Read an order back in plain words: days, meal, how, from when, the next dates, the skips."""
    start = start or clock.today()
    how = "送餐上门" if order.delivery else "到助餐点吃"
    lines = [f"{days_text(order.days)}{meal_text(order.meal)} {order.count}份 {how}"
             f"（{order.canteen.name}），从{day_text(first_covered(order))}起。"]
    if order.paused_from and order.paused_until and order.paused_until >= start:
        lines.append(f"暂停：{day_text(order.paused_from)}到{day_text(order.paused_until)}，"
                     f"{day_text(order.paused_until + timedelta(days=1))}起照常订。")
    plan = plan_days(order, start=start)
    booked = [p.day for p in plan if p.skip is None]
    if booked:
        lines.append(f"接下来会订：{dates_text(booked)}。")
    skipped = [p for p in plan if p.skip and p.skip != "暂停"]
    if skipped:
        lines.append("不订：" + "、".join(f"{day_text(p.day)}{p.skip}" for p in skipped) + "。")
    unknown = sorted({p.day.year for p in plan if not known_year(p.day.year)})
    if unknown:
        years = "、".join(f"{y}年" for y in unknown)
        lines.append(f"{years}的放假安排国家还没公布，先按平常日子订，公布后会自动跳过节假日。")
    return "\n".join(lines)

