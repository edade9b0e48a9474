"""订餐 and 取消订餐: the meal flows (states in docs/flows.md)."""

from __future__ import annotations

from bot.dialogue import beneficiary
from bot.dialogue.answers import FlowEnds
from bot.dialogue.beneficiary import FOR, accept_whom, ask_whom, needs_whom, person_for, read_whom
from bot.dialogue.flow import CONFIRM, Flow, Question, Step, copy_slots
from bot.dialogue.flows.common import ask_day, said_day, slot_day
from bot.dialogue.flows.home import ASK_PIN, PIN, pin_of, pin_words, save_pin
from bot.turn import Turn
from core.savepoints import trial
from models.meals import MEAL_NAMES
from nlp import Parse
from services.meals.wording import meal_text, yuan

DELIVERY_FEE = "送餐费"  # the quote line services.meals.subsidies names so
MEAL_CHOICES = [(meal, name) for meal, name in MEAL_NAMES.items()]
_KEPT = "meals.kept"  # session.info: rows this unit of work read, referenced until it ends


def _canteens(turn: Turn) -> list[tuple[int, str]]:
    from services.meals.canteens import list_canteens_in_community

    community_id = person_for(turn).community_id
    if community_id is None:
        return []
    found = list_canteens_in_community(turn.session, community_id=community_id)
    # The session's identity map holds rows weakly: kept referenced for the rest of the
    # turn, the chosen canteen (read with its meals) is the one the quote gets, not a re-read.
    turn.session.info.setdefault(_KEPT, []).extend(found)
    return [(c.id, c.name) for c in found]


def _fill_canteen(turn: Turn) -> None:
    if "canteen" not in turn.state.slots and not needs_whom(turn):
        options = _canteens(turn)
        if len(options) == 1:
            turn.state.slots["canteen"] = options[0][0]


def _for_someone(turn: Turn) -> None:
    """Act for the principal the message names; their canteen, not the sender's."""
    if beneficiary.take(turn, turn.text, required=True):
        turn.state.slots.pop("canteen", None)


def _another_intent(turn: Turn, parse: Parse, own: str) -> bool:
    """At the read-back, "今天吃什么" asks something else: its date is not a correction."""
    return (turn.state.step == CONFIRM and parse.intent not in (own, "unknown", "affirm", "deny")
            and parse.confidence >= 0.5)


def _prefill_canteen(turn: Turn, parse: Parse) -> None:
    _for_someone(turn)
    if not _another_intent(turn, parse, "meal_book"):
        copy_slots("date", "meal", "count", "delivery")(turn, parse)
    _fill_canteen(turn)


def _accept_whom(turn: Turn, value: object) -> int:
    chosen = accept_whom(turn, value)
    turn.state.slots.pop("canteen", None)
    turn.state.slots[FOR] = chosen
    _fill_canteen(turn)
    return chosen


WHOM_STEP = Step(FOR, ask_whom, read_whom, needs_whom, _accept_whom)


def ask_canteen(turn: Turn) -> Question:
    options = _canteens(turn)
    if not options:
        if person_for(turn).community_id is not None:  # known, but its canteens stopped taking orders
            whose = "老人" if turn.state.slots.get(FOR) is not None else "您"
            raise FlowEnds(f"{whose}所在的社区现在没有可以订餐的助餐点。\n"
                           "回复“附近有助餐点吗”看看别处，或回复“转人工”找工作人员。")
        if turn.state.slots.get(FOR) is not None:
            raise FlowEnds("还不知道老人在哪个社区，没法订餐。\n请老人先回复“登记”，留下社区和地址。")
        raise FlowEnds("还不知道您在哪个社区，没法订餐。\n请先回复“登记”，留下社区和地址。")
    return Question("在哪个助餐点吃？", options)


def ask_count(turn: Turn) -> Question:
    return Question("要几份？", [(1, "1份"), (2, "2份"), (3, "3份")])


def ask_delivery(turn: Turn) -> Question:
    return Question("送到家，还是到助餐点吃？", [(True, "送餐上门"), (False, "到助餐点吃")])


def _needs_home(turn: Turn) -> bool:
    """A delivery to a home with no location yet: ask for one (or to eat at the canteen)."""
    from services.meals.canteens import canteen_with_meals

    s = turn.state.slots
    if not s.get("delivery") or "canteen" not in s or person_for(turn).home_lat_lng is not None:
        return False
    canteen = canteen_with_meals(turn.session, int(s["canteen"]))
    return canteen is not None and canteen.delivers


def ask_home(turn: Turn) -> Question:
    who = beneficiary.name_for(turn)
    whose = f"{who}家" if who else "您家"
    checking = "您的住址社区正在核对。\n" if person_for(turn).address else ""
    return Question(f"还没有{whose}的位置，送餐员找不到，暂时不能送餐上门。\n{checking}"
                    f"在{whose}的话，{ASK_PIN.removeprefix('请')}\n或者回复数字：",
                    [(PICKUP, "改成到助餐点吃")])


PICKUP = "pickup"
_PICKUP_WORDS = ("到店", "店里", "到助餐点", "去吃", "自己去", "自己取", "不送")


def read_home(turn: Turn, text: str, parse: Parse) -> str | None:
    return PICKUP if any(word in text for word in _PICKUP_WORDS) else None


def accept_home(turn: Turn, value: object) -> object:
    if value == PICKUP:
        turn.state.slots["delivery"] = False
    return value


def _quote(turn: Turn):  # type: ignore[no-untyped-def]
    from services.meals.bookings import quote_meal

    s = turn.state.slots
    person = person_for(turn)
    pin = pin_of(turn) if s["delivery"] else None
    if pin is None:
        return quote_meal(turn.session, actor=turn.person, person_id=person.id,
                          canteen_id=int(s["canteen"]), day=slot_day(turn), meal=str(s["meal"]),
                          count=int(s["count"]), delivery=bool(s["delivery"]))
    # Priced as if the sent location were home; saved only when the person says yes.
    with trial(turn.session):
        save_pin(turn, person, pin)
        quote = quote_meal(turn.session, actor=turn.person, person_id=person.id,
                           canteen_id=int(s["canteen"]), day=slot_day(turn), meal=str(s["meal"]),
                           count=int(s["count"]), delivery=True)
    return quote


def _refuse_unregistered(turn: Turn) -> None:
    if beneficiary.name_for(turn):
        raise FlowEnds("老人还没有登记姓名和出生日期，没法订助餐。\n请老人回复“登记”，或请社区帮忙。")
    raise FlowEnds("请先登记姓名和出生日期，才能订助餐。\n回复“登记”，我一步步帮您登记。")


def booking_words(turn: Turn) -> str:
    s = turn.state.slots
    how = "送餐上门" if s["delivery"] else "到助餐点吃"
    return f"{said_day(turn)} {meal_text(str(s['meal']))} {s['count']}份 {how}"


def book_summary(turn: Turn) -> str:
    from services.meals.bookings import sold_out
    from services.meals.errors import NotRegistered

    try:
        quote = _quote(turn)
    except NotRegistered:
        _refuse_unregistered(turn)
        raise
    if quote.seats_left < quote.count:  # say so now, not after the person said yes
        raise sold_out(quote.day, quote.meal, left=max(0, quote.seats_left), count=quote.count)
    pin = pin_of(turn) if turn.state.slots["delivery"] else None
    where = f"\n送到：{pin_words(pin)}，以后按这里送" if pin else ""
    return (f"请核对{beneficiary.for_words(turn, '，给{}订')}：\n{booking_words(turn)}\n"
            f"{money_line(turn, quote)}{where}")


def money_line(turn: Turn, quote) -> str:  # type: ignore[no-untyped-def]
    """Say the price in one line, as the API's breakdown has it: meals, subsidy and why, delivery."""
    from services.meals.subsidies import rule_phrase

    fee = sum(line.price_fen for line in quote.lines if line.label == DELIVERY_FEE)
    parts = [f"饭钱{yuan(quote.price_fen - fee)}"]
    rule = quote.rule
    if rule is not None:
        why = rule_phrase(rule)
        if quote.subsidy_fen == 0:
            why = "本月补贴额度已用完"
        elif quote.subsidy_fen < min(rule.amount_fen, quote.price_fen - fee):
            why += "，本月额度只剩这些"
        if quote.count > 1 and quote.subsidy_fen:
            why += "，只补本人1份"
        parts.append(f"补贴{yuan(quote.subsidy_fen)}（{why}）")
    if fee:
        parts.append(f"送餐费{yuan(fee)}")
    return f"共{yuan(quote.payable_fen)}：" + "，".join(parts)


def book_commit(turn: Turn) -> str:
    from services.meals.bookings import book_meal

    s = turn.state.slots
    pin = pin_of(turn) if s["delivery"] else None
    if pin is not None:
        save_pin(turn, person_for(turn), pin)
    booking = book_meal(turn.session, actor=turn.person, person_id=person_for(turn).id,
                        canteen_id=int(s["canteen"]), day=slot_day(turn), meal=str(s["meal"]),
                        count=int(s["count"]), delivery=bool(s["delivery"]), channel="chat")
    return (f"订好了！{beneficiary.for_words(turn, '给{}订的：')}\n{booking_words(turn)}\n"
            f"到时付{yuan(booking.payable_fen)}。\n"
            "要取消，回复“取消订餐”。")


BOOK = Flow(
    name="meal_book", title="订餐", cue="订餐",
    steps=(
        WHOM_STEP,
        Step("canteen", ask_canteen),
        Step("date", lambda t: ask_day("订哪天的饭？")),
        Step("meal", lambda t: Question("订哪一顿？", MEAL_CHOICES)),
        Step("count", ask_count),
        Step("delivery", ask_delivery),
        Step(PIN, ask_home, read_home, _needs_home, accept_home),
    ),
    prefill=_prefill_canteen, summary=book_summary, commit=book_commit,
)


SHOWN_BOOKING = "_booking"  # the booking the read-back showed


def _booking(turn: Turn):  # type: ignore[no-untyped-def]
    from services.meals.bookings import find_active_booking

    s = turn.state.slots
    found = find_active_booking(turn.session, person_id=person_for(turn).id, day=slot_day(turn),
                                meal=str(s["meal"]))
    if found is None:
        who = beneficiary.name_for(turn) or "您"
        raise FlowEnds(f"{said_day(turn)}{meal_text(str(s['meal']))}{who}没有订餐，不用取消。")
    return found


def _prefill_cancel(turn: Turn, parse: Parse) -> None:
    beneficiary.take(turn, turn.text, required=True)
    if not _another_intent(turn, parse, "meal_cancel"):
        copy_slots("date", "meal")(turn, parse)


def cancel_summary(turn: Turn) -> str:
    booking = _booking(turn)
    turn.state.slots[SHOWN_BOOKING] = booking.id  # the yes cancels this one, not another
    how = "送餐上门" if booking.delivery else "到助餐点吃"
    standing = "\n这是长期订餐的一天：只取消这一天，以后照常订。" if booking.standing_order_id else ""
    return (f"要{beneficiary.for_words(turn, '替{}')}取消的是：\n"
            f"{said_day(turn)} {meal_text(booking.meal)} {booking.count}份 {how}，"
            f"共{yuan(booking.payable_fen)}{standing}")


def cancel_commit(turn: Turn) -> str:
    from services.meals.bookings import cancel_meal_booking

    shown = turn.state.slots.get(SHOWN_BOOKING)
    booking_id = int(shown) if shown is not None else _booking(turn).id
    booking = cancel_meal_booking(turn.session, actor=turn.person, booking_id=booking_id)
    return f"已{beneficiary.for_words(turn, '替{}')}取消{said_day(turn)}的{meal_text(booking.meal)}。"


CANCEL = Flow(
    name="meal_cancel", title="取消订餐", cue="取消订餐",
    steps=(
        WHOM_STEP,
        Step("date", lambda t: ask_day("取消哪天的饭？")),
        Step("meal", lambda t: Question("取消哪一顿？", MEAL_CHOICES)),
    ),
    prefill=_prefill_cancel, summary=cancel_summary, commit=cancel_commit,
)
