"""暂停 / 恢复 / 停掉长期订餐: the pause, resume and end flows (states in docs/flows.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialogue import beneficiary
from bot.dialogue.answers import FlowEnds
from bot.dialogue.beneficiary import person_for
from bot.dialogue.flow import Flow, Question, Step
from bot.dialogue.flows.meals import WHOM_STEP
from bot.turn import Turn
from core import clock
from models.standing import StandingOrder
from nlp import Parse
from nlp.standing import read_pause
from services.meals.wording import day_text, meal_text

ORDER = "standing"  # slot: the standing order's id




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


def _order(turn: Turn, *, paused: bool = False) -> StandingOrder:
    """Return the order the flow is about, as it is now: stopped or resumed elsewhere ends the flow."""
    from services.meals.standing import get_standing_order

    order = get_standing_order(turn.session, actor=turn.person, order_id=int(turn.state.slots[ORDER]))
    if order.status != "active":
        raise FlowEnds(f"{_order_label(order)}的长期订餐已经停了，不用再办。\n"
                       "要重新设，可以说“以后每天中午给我送一份”。")
    if paused and order.paused_from is None:
        raise FlowEnds(f"{_order_label(order)}的长期订餐已经恢复了，照常订，不用再办。")
    return order


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


def _still_served(turn: Turn, order: StandingOrder) -> None:
    """Refuse to resume what the canteen no longer takes (withdrawn, or the meal stopped)."""
    from services.meals.canteens import get_canteen, meal_of

    canteen = get_canteen(turn.session, canteen_id=order.canteen_id)  # withdrawn: says so
    if meal_of(canteen, order.meal) is None:
        raise FlowEnds(f"{canteen.name}现在不供应{meal_text(order.meal)}了，恢复了也订不上。\n"
                       "可以回复“订餐”换一顿，或者回复“长期订餐不要了”停掉它。")


def resume_summary(turn: Turn) -> str:
    from services.meals.standing import first_day, plan_days

    order = _order(turn, paused=True)
    _still_served(turn, order)
    start = first_day(order.canteen, order.meal)
    upcoming = [p.day for p in plan_days(order, start=start) if p.skip in (None, "暂停")][:3]
    return (f"要恢复的是：{_order_label(order)}\n"
            f"接下来会订：{'、'.join(day_text(d) for d in upcoming)}。")


def resume_commit(turn: Turn) -> str:
    from services.meals.standing import resume_standing_order

    _still_served(turn, _order(turn, paused=True))  # resumed elsewhere or meal stopped: said so
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

    _order(turn)  # stopped in the mini-program since the read-back: said so
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
