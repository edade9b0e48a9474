"""The official calendar: public holidays and adjusted working days (调休), from `chinese-calendar`.

The package knows the years the State Council has published (it is updated
each winter); for a later year `known_year` is False: no public holiday is
skipped and working days are Monday to Friday, and the read-back says so
(docs/decisions.md).
"""

from __future__ import annotations

from datetime import date

import chinese_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "纪念日",
}


def known_year(year: int) -> bool:
    """Tell whether the official holiday arrangement of a year is known."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def public_holiday(day: date) -> str | None:
    """Return the name of the public holiday a day is a day off for (国庆节), or None."""
    if not known_year(day.year):
        return None
    off, name = chinese_calendar.get_holiday_detail(day)
    return HOLIDAY_NAMES.get(name, "节假日") if off and name else None


def is_working_day(day: date) -> bool:
    """Tell whether a day is an official working day (调休 Saturdays and Sundays included)."""
    if not known_year(day.year):
        return day.isoweekday() <= 5
    return bool(chinese_calendar.is_workday(day))
