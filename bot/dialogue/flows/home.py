"""家的位置: a WeChat location the person sends becomes their home after a read-back.

A location is taken as home in three places: during 登记 (beside the typed
address), at the booking's "还没有您家的位置" question, and, for a registered
person whose home has no location yet, on its own (read back, then saved).
Anywhere else a location lists the meal points near it (bot/location.py).
"""

from __future__ import annotations

from typing import Any

from bot.dialogue.flow import Flow, Question, Step
from bot.turn import Turn
from models.person import Person

PIN = "home"  # slot: {"lat", "lng", "label"}, a location the person sent
TAKES_PIN = ("register", "meal_book", "home_location")
ASK_PIN = "请点输入框旁边的“+”，选“位置”，把家的位置发给我。"


def pin_of(turn: Turn) -> dict[str, Any] | None:
    """Return the location sent in this conversation, if any."""
    pin = turn.state.slots.get(PIN)
    return pin if isinstance(pin, dict) else None


def pin_words(pin: dict[str, Any]) -> str:
    """Say a sent location: its label as WeChat gave it, or plainly."""
    label = str(pin.get("label") or "").strip()
    return f"您发的位置（{label}）" if label else "您发的位置"


def save_pin(turn: Turn, person: Person, pin: dict[str, Any]) -> None:
    """Store the confirmed location as the person's home, with the sender's location consent."""
    from services.people.addresses import set_home_by_pin
    from services.people.consents import give_consent

    give_consent(turn.session, person=turn.person, scope="location", channel="chat")
    set_home_by_pin(turn.session, person=person, latitude=float(pin["lat"]),
                    longitude=float(pin["lng"]), source="wechat")


def take_location(turn: Turn, label: str, latitude: float, longitude: float) -> str | None:
    """Take a location as home where one is asked for; None when it is not (list canteens)."""
    from bot.dialogue.engine import advance, begin
    from bot.dialogue.flows import FLOWS

    state = turn.state
    pin = {"lat": latitude, "lng": longitude, "label": label.strip()[:60]}
    if state.flow == "meal_book" and state.step != f"ask_{PIN}":
        return None
    if state.flow in TAKES_PIN:
        state.slots[PIN] = pin
        state.misses = 0
        return advance(turn, FLOWS[str(state.flow)])
    person = turn.person
    if state.flow is not None or not person.name or person.home_lat_lng is not None:
        return None
    begin(turn, HOME)
    state.slots[PIN] = pin
    return advance(turn, HOME)


def _summary(turn: Turn) -> str:
    pin = pin_of(turn) or {}
    return (f"收到{pin_words(pin)}。\n要记为您家的位置吗？\n送餐上门就按这个位置找您家。\n"
            "（不在家的话，请回到家再发。）")


def _commit(turn: Turn) -> str:
    pin = pin_of(turn)
    if pin is None:
        return ASK_PIN
    save_pin(turn, turn.person, pin)
    return "记好了！现在可以订送餐上门。\n回复“订餐”试试。"


HOME = Flow(
    name="home_location", title="登记家的位置", cue="",
    steps=(Step(PIN, lambda t: Question(ASK_PIN)),),
    summary=_summary, commit=_commit,
)
