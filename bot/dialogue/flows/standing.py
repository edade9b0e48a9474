"""长期订餐: set up, pause, resume and end a standing order in chat (states in docs/flows.md).

"以后每天中午都给我送一份" parses as `meal_book`; `standing_intent` (called by
the engine before a new intent starts) sends it here when `nlp.standing`
reads repeating days, and sends "我住院了，这周先停" / "长期订餐不要了" /
"恢复长期订餐" to the pause, end and resume flows when the person (or the
elder they act for) has a standing order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialogue import beneficiary
from bot.dialogue.answers import FlowEnds
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
from core import clock
from models.standing import StandingOrder
from nlp import Parse
from nlp.standing import read_command, read_pause, read_repeat
from services.meals.wording import day_text, meal_text, yuan

ORDER = "standing"  # slot: the standing order's id
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


# ------------------------------------------------------------------ pause, resume, end


def _orders(turn: Turn, *, paused: bool = False) -> list[StandingOrder]:
    from services.meals.standing import list_standing_orders

    found = list_standing_orders(turn.session, actor=turn.person, person_id=person_for(turn).id)
    return [o for o in found if o.paused_from is not None or not paused]


def _order_label(order: StandingOrder) -> str:
    from services.meals.standing import days_text

    return f"{days_text(order.days)}{meal_text(order.meal)}"


def _ask_order(turn: Turn, *, paused: bool = False) -> Question:
    found = _orders(turn, paused=paused)
    if not found:
        whose = "老人" if beneficiary.name_for(turn) else "您"
        raise FlowEnds(f"{whose}还没有{'暂停的' if paused else ''}长期订餐。"
                       "要设，可以说“以后每天中午给我送一份”。")
    return Question("是哪一个长期订餐？", [(o.id, _order_label(o)) for o in found])


def _prefill_order(turn: Turn, *, paused: bool = False) -> None:
    beneficiary.take(turn, turn.text, required=True)
    if ORDER not in turn.state.slots and not beneficiary.needs_whom(turn):
        found = _orders(turn, paused=paused)
        meal = _meal_in(turn.text)
        fits = [o for o in found if meal is None or o.meal == meal]
        if len(fits) == 1:
            turn.state.slots[ORDER] = fits[0].id


def _meal_in(text: str) -> str | None:
    from nlp.meals import find_meal
    from nlp.normalize import normalize

    meal, two = find_meal(normalize(text))
    return None if two else meal


def _order(turn: Turn) -> StandingOrder:
    from services.meals.standing import get_standing_order

    return get_standing_order(turn.session, actor=turn.person, order_id=int(turn.state.slots[ORDER]))


SPAN_CHOICES = [("week", "这周"), ("two_weeks", "这周和下周"), ("next_week", "下周")]
_SPAN_WORDS = {"week": "这周", "two_weeks": "这周和下周", "next_week": "下周"}


def _read_span(turn: Turn, text: str, parse: Any) -> list[str] | None:
    span = read_pause(text, clock.today())
    return [span[0].isoformat(), span[1].isoformat()] if span else None


def _accept_span(turn: Turn, value: Any) -> list[str]:
    if isinstance(value, str):  # a numbered choice
        first, last = read_pause(_SPAN_WORDS[value], clock.today()) or (clock.today(), clock.today())
        return [first.isoformat(), last.isoformat()]
    return [str(v) for v in value]


def _prefill_pause(turn: Turn, parse: Parse) -> None:
    _prefill_order(turn)
    if "住院" in turn.text:
        turn.state.slots["_get_well"] = True
    span = read_pause(turn.text, clock.today())
    if span:
        turn.state.slots["span"] = [span[0].isoformat(), span[1].isoformat()]


def _span(turn: Turn, order: StandingOrder) -> tuple[date, date]:
    """The pause asked for, from the first day still open for orders (today's may have closed)."""
    from services.meals.standing import first_day

    first, last = (date.fromisoformat(d) for d in turn.state.slots["span"])
    first = max(first, first_day(order.canteen, order.meal))
    return first, max(first, last)


def pause_summary(turn: Turn) -> str:
    from services.meals.standing import plan_days

    order = _order(turn)
    first, last = _span(turn, order)
    spared = [p.day for p in plan_days(order, start=first, bookable=62)
              if p.day <= last and p.skip in (None, "暂停")]
    days = "、".join(day_text(d) for d in spared) or "这几天本来就不订"
    who = beneficiary.name_for(turn) or "您"
    return (f"要暂停{who}的长期订餐：{_order_label(order)}\n"
            f"暂停：{day_text(first)}到{day_text(last)}，这几天不订：{days}。\n"
            f"{day_text(last.fromordinal(last.toordinal() + 1))}起照常订。")


def pause_commit(turn: Turn) -> str:
    from services.meals.standing import pause_standing_order, released_text

    first, last = _span(turn, _order(turn))
    order, released = pause_standing_order(turn.session, actor=turn.person,
                                           order_id=int(turn.state.slots[ORDER]),
                                           from_day=first, to_day=last)
    said = released_text(released, order.meal)
    return "\n".join(filter(None, [
        f"好的，{day_text(first)}到{day_text(last)}暂停了。", said,
        "要提前恢复，回复“恢复长期订餐”。祝早日康复！" if turn.state.slots.get("_get_well") else
        "要提前恢复，回复“恢复长期订餐”。"]))


PAUSE = Flow(
    name="meal_standing_pause", title="暂停长期订餐", cue="长期订餐暂停",
    steps=(
        WHOM_STEP,
        Step(ORDER, _ask_order),
        Step("span", lambda t: Question("停到什么时候？也可以说“停到12月10号”。", SPAN_CHOICES),
             _read_span, accept=_accept_span),
    ),
    prefill=_prefill_pause, summary=pause_summary, commit=pause_commit,
)


def resume_summary(turn: Turn) -> str:
    from services.meals.standing import first_day, plan_days

    order = _order(turn)
    start = first_day(order.canteen, order.meal)
    upcoming = [p.day for p in plan_days(order, start=start) if p.skip in (None, "暂停")][:3]
    return (f"要恢复的是：{_order_label(order)}\n"
            f"接下来会订：{'、'.join(day_text(d) for d in upcoming)}。")


def resume_commit(turn: Turn) -> str:
    from services.meals.standing import resume_standing_order

    order = resume_standing_order(turn.session, actor=turn.person, order_id=int(turn.state.slots[ORDER]))
    return f"好的，{_order_label(order)}恢复了，照常订。"


RESUME = Flow(
    name="meal_standing_resume", title="恢复长期订餐", cue="恢复长期订餐",
    steps=(WHOM_STEP, Step(ORDER, lambda t: _ask_order(t, paused=True))),
    prefill=lambda turn, parse: _prefill_order(turn, paused=True),
    summary=resume_summary, commit=resume_commit,
)


def end_summary(turn: Turn) -> str:
    order = _order(turn)
    return (f"以后不再自动订：{_order_label(order)}（{order.canteen.name}）。\n"
            "已经订上、还能取消的日子也一起取消。")


def end_commit(turn: Turn) -> str:
    from services.meals.standing import end_standing_order, released_text

    order, released = end_standing_order(turn.session, actor=turn.person,
                                         order_id=int(turn.state.slots[ORDER]))
    said = released_text(released, order.meal)
    return "\n".join(filter(None, [f"好的，{_order_label(order)}的长期订餐停了。", said,
                                   "想吃的时候，回复“订餐”就行。"]))


END = Flow(
    name="meal_standing_end", title="停掉长期订餐", cue="长期订餐不要了",
    steps=(WHOM_STEP, Step(ORDER, _ask_order)),
    prefill=lambda turn, parse: _prefill_order(turn), summary=end_summary, commit=end_commit,
)
