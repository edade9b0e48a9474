"""Pieces flows share: dates said plainly, day choices, reading yes/no answers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.dialogue.flow import Question
from bot.turn import Turn
from core import clock
from services.meals.wording import day_text

UNSURE = "_unsure"


def slot_day(turn: Turn, name: str = "date") -> date:
    """Return a date slot as a date."""
    return date.fromisoformat(str(turn.state.slots[name]))


def said_day(turn: Turn, name: str = "date") -> str:
    """Say a date slot concretely; flag it when nlp marked it as a guess."""
    text = day_text(slot_day(turn, name))
    if name in turn.state.slots.get(UNSURE, []):
        text += "——请核对日期"
    return text


def day_choices(*, ahead: int = 3, back: int = 0) -> list[tuple[Any, str]]:
    """Offer the next few days (or the last few) as numbered choices."""
    today = clock.today()
    days = [today + timedelta(days=n) for n in range(ahead)] if ahead else []
    days += [today - timedelta(days=n) for n in range(back)]
    return [(d.isoformat(), day_text(d)) for d in days]


def ask_day(text: str, **kw: int) -> Question:
    """Ask for a day with numbered choices."""
    return Question(f"{text}\n回复数字，或者直接说日子（如“下周三”）：", day_choices(**kw))
