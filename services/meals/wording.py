"""Words for elderly readers: concrete dates, times and amounts in 元."""

from __future__ import annotations

from datetime import date, datetime

from core import clock
from models.meals import MEAL_NAMES

WEEKDAYS = "一二三四五六日"
RELATIVE = {0: "今天", 1: "明天", 2: "后天"}


def day_text(day: date, *, today: date | None = None) -> str:
    """Say a date as 11月30日（明天） or 12月3日（周四）."""
    offset = (day - (today or clock.today())).days
    label = RELATIVE.get(offset, f"周{WEEKDAYS[day.weekday()]}")
    return f"{day.month}月{day.day}日（{label}）"


def time_text(minute_of_day: int) -> str:
    """Say minutes after midnight as 09:30."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def moment_text(at: datetime) -> str:
    """Say a moment as 11月30日（明天）09:30, in local time."""
    local = at.astimezone(clock.LOCAL_TZ)
    return f"{day_text(local.date())}{local:%H:%M}"


def yuan(fen: int) -> str:
    """Say an amount in fen as 6元 or 2.5元."""
    if fen % 100 == 0:
        return f"{fen // 100}元"
    return f"{fen / 100:.2f}".rstrip("0").rstrip(".") + "元"


def meal_text(meal: str) -> str:
    """Say a meal as 早餐 / 午餐 / 晚餐."""
    return MEAL_NAMES[meal]
