"""订餐 and 取消订餐: the meal flows (states in docs/flows.md)."""

from __future__ import annotations

from bot.dialogue import beneficiary
from bot.dialogue.answers import FlowEnds
from bot.dialogue.beneficiary import FOR, accept_whom, ask_whom, needs_whom, person_for, read_whom
from bot.dialogue.flow import CONFIRM, Flow, Question, Step, copy_slots
from bot.dialogue.flows.common import ask_day, said_day, slot_day
from bot.turn import Turn
from models.meals import MEAL_NAMES
from nlp import Parse
from services.meals.wording import meal_text, yuan

MEAL_CHOICES = [(meal, name) for meal, name in MEAL_NAMES.items()]


def _canteens(turn: Turn) -> list[tuple[int, str]]:
    from services.meals.canteens import list_canteens_in_community

    community_id = person_for(turn).community_id
    if community_id is None:
        return []
    found = list_canteens_in_community(turn.session, community_id=community_id)
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
        if turn.state.slots.get(FOR) is not None:
            raise FlowEnds("还不知道老人在哪个社区，没法订餐。\n请老人先回复“登记”，留下社区和地址。")
        raise FlowEnds("还不知道您在哪个社区，没法订餐。\n请先回复“登记”，留下社区和地址。")
    return Question("在哪个助餐点吃？", options)


def ask_count(turn: Turn) -> Question:
    return Question("要几份？", [(1, "1份"), (2, "2份"), (3, "3份")])


def ask_delivery(turn: Turn) -> Question:
    return Question("送到家，还是到助餐点吃？", [(True, "送餐上门"), (False, "到助餐点吃")])


def _quote(turn: Turn):  # type: ignore[no-untyped-def]
    from services.meals.bookings import quote_meal

    s = turn.state.slots
    return quote_meal(turn.session, actor=turn.person, person_id=person_for(turn).id,
                      canteen_id=int(s["canteen"]), day=slot_day(turn), meal=str(s["meal"]),
                      count=int(s["count"]), delivery=bool(s["delivery"]))


def booking_words(turn: Turn) -> str:
    s = turn.state.slots
    how = "送餐上门" if s["delivery"] else "到助餐点吃"
    return f"{said_day(turn)} {meal_text(str(s['meal']))} {s['count']}份 {how}"


def book_summary(turn: Turn) -> str:
    from services.meals.bookings import sold_out

    quote = _quote(turn)
    if quote.seats_left < quote.count:  # say so now, not after the person said yes
        raise sold_out(quote.day, quote.meal, left=max(0, quote.seats_left), count=quote.count)
    money = f"共{yuan(quote.payable_fen)}"
    if quote.subsidy_fen:
        money += f"（原价{yuan(quote.price_fen)}，补贴{yuan(quote.subsidy_fen)}）"
    return f"请核对{beneficiary.for_words(turn, '，给{}订')}：\n{booking_words(turn)}，{money}"


def book_commit(turn: Turn) -> str:
    from services.meals.bookings import book_meal

    s = turn.state.slots
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
