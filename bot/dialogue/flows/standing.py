"""长期订餐: set up a standing order in chat, and route to its pause / resume / end flows.

"以后每天中午都给我送一份" parses as `meal_book`; `standing_intent` (called by
the engine before a new intent starts) sends it here when `nlp.standing`
reads repeating days, and sends "我住院了，这周先停" / "长期订餐不要了" /
"恢复长期订餐" to the pause, end and resume flows (`standing_changes`) when the
person (or the elder they act for) has a standing order, or says 长期.
"""

from __future__ import annotations

from typing import Any

from bot.dialogue import beneficiary
from bot.dialogue.beneficiary import person_for
from bot.dialogue.flow import Flow, Question, Step, copy_slots
from bot.dialogue.flows.meals import (
    MEAL_CHOICES,
    WHOM_STEP,
    _fill_canteen,
    ask_canteen,
    ask_count,
    ask_delivery,
)
from bot.turn import Turn
from models.standing import StandingOrder
from nlp import Parse
from nlp.standing import read_command, read_repeat
from services.meals.wording import day_text, yuan

DAYS_CHOICES = [("daily", "每天"), ("workdays", "工作日（节假日不订）"), ("135", "每周一、三、五")]
COMMAND_FLOWS = {"pause": "meal_standing_pause", "resume": "meal_standing_resume",
                 "end": "meal_standing_end"}
_MEAL_WORDS = ("饭", "餐", "送", "早点", "中午", "晚上", "早上")


def standing_intent(turn: Turn, text: str, parse: Parse) -> str | None:
    """Return the standing-order flow a message starts, or None for the usual intents."""
    command = read_command(text)
    if command is not None and ("长期" in text or _has_order(turn, text, paused=command == "resume")):
        return COMMAND_FLOWS[command]
    if parse.intent in ("meal_book", "meal_cancel", "unknown", "meal_query") \
            and read_repeat(text) and any(w in text for w in _MEAL_WORDS) and command is None:
        return "meal_standing"
    return None


def _has_order(turn: Turn, text: str, *, paused: bool) -> bool:
    from services.meals.standing import list_standing_orders

    people = beneficiary.people_meant(turn, text)
    if isinstance(people, str):
        return False
    for person in people:
        found = list_standing_orders(turn.session, actor=turn.person, person_id=person.id)
        if any(o.paused_from is not None or not paused for o in found):
            return True
    return False


# ------------------------------------------------------------------ set up


def _read_days(turn: Turn, text: str, parse: Any) -> str | None:
    return read_repeat(text) or read_repeat(f"每周{text}")


def _prefill_standing(turn: Turn, parse: Parse) -> None:
    if beneficiary.take(turn, turn.text, required=True):
        turn.state.slots.pop("canteen", None)
    copy_slots("meal", "count", "delivery")(turn, parse)
    days = read_repeat(turn.text)
    if days:
        turn.state.slots["days"] = days
    _fill_canteen(turn)


def _draft(turn: Turn) -> StandingOrder:
    """The order as the person described it, not yet saved (for the read-back)."""
    from services.meals.canteens import get_canteen
    from services.meals.standing import first_day, normal_days

    s = turn.state.slots
    canteen = get_canteen(turn.session, canteen_id=int(s["canteen"]))
    order = StandingOrder(person_id=person_for(turn).id, canteen_id=canteen.id, meal=str(s["meal"]),
                          days=normal_days(str(s["days"])), count=int(s["count"]),
                          delivery=bool(s["delivery"]), starts_on=first_day(canteen, str(s["meal"])))
    order.canteen = canteen
    return order


def _price_line(turn: Turn, order: StandingOrder) -> str:
    """Say what each day costs, priced like any booking on the first day it books."""
    from services.meals.bookings import quote_meal
    from services.meals.standing import plan_days

    first = next((p.day for p in plan_days(order, start=order.starts_on) if p.skip is None), None)
    if first is None:
        return ""
    quote = quote_meal(turn.session, actor=turn.person, person_id=order.person_id,
                       canteen_id=order.canteen_id, day=first, meal=order.meal, count=order.count,
                       delivery=order.delivery)
    money = f"每次付{yuan(quote.payable_fen)}"
    if quote.subsidy_fen:
        money += f"（原价{yuan(quote.price_fen)}，补贴{yuan(quote.subsidy_fen)}）"
    return money + "。\n"


def standing_summary(turn: Turn) -> str:
    from services.meals.standing import describe_standing_order

    who = beneficiary.for_words(turn, "，给{}设")
    order = _draft(turn)
    return (f"请核对{who}长期订餐：\n{describe_standing_order(order)}\n{_price_line(turn, order)}"
            "每次在订餐截止前自动订好；哪天订不上，会马上告诉您。")


def standing_commit(turn: Turn) -> str:
    from services.meals.standing import create_standing_order

    s = turn.state.slots
    order = create_standing_order(
        turn.session, actor=turn.person, person_id=person_for(turn).id,
        canteen_id=int(s["canteen"]), meal=str(s["meal"]), days=str(s["days"]),
        count=int(s["count"]), delivery=bool(s["delivery"]), channel="chat")
    from services.meals.standing import first_covered

    return (f"设好了！{beneficiary.for_words(turn, '给{}设的')}长期订餐从{day_text(first_covered(order))}起。\n"
            "哪天不要，回复“取消订餐”只取消那一天；\n"
            "要暂停几天，回复“暂停长期订餐”；不要了，回复“长期订餐不要了”。")


STANDING = Flow(
    name="meal_standing", title="长期订餐", cue="以后订餐",
    steps=(
        WHOM_STEP,
        Step("canteen", ask_canteen),
        Step("meal", lambda t: Question("每次订哪一顿？", MEAL_CHOICES)),
        Step("days", lambda t: Question("哪几天要？也可以直接说，如“每周二四六”。", DAYS_CHOICES),
             _read_days),
        Step("count", ask_count),
        Step("delivery", ask_delivery),
    ),
    prefill=_prefill_standing, summary=standing_summary, commit=standing_commit,
)
