"""One-shot answers: intents that need no dialogue (menus, lists, balances, policies)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import nlp
from bot import location, texts
from bot.dialogue import beneficiary, main_menu
from bot.dialogue.flow import FlowEnds as FlowEnds  # where the flows take it from
from bot.turn import Turn
from core import clock
from models.help_requests import HelpRequest
from models.person import Person
from services.meals.wording import day_text, meal_text, moment_text, yuan

STOPPED_LATELY = timedelta(days=7)  # a request turned down this week is still news
SMALLTALK = "您好！我是邻里帮。\n有什么事，直接告诉我就行。\n回复“菜单”看看我能做什么。"
Answer = Callable[[Turn, nlp.Parse], str]


def _day(parse: nlp.Parse, default: date) -> date:
    raw = parse.slots.get("date")
    return date.fromisoformat(str(raw)) if raw else default


def policy(turn: Turn, parse: nlp.Parse) -> str:
    """Answer a policy question (bot.dialogue.policy), offering the matching step."""
    from bot.dialogue import policy as policy_answers

    return policy_answers.answer(turn, parse)


def canteens(turn: Turn, parse: nlp.Parse) -> str:
    """List the meal points nearest the person."""
    return location.nearby_canteens_text(turn)


def menu_of_day(turn: Turn, parse: nlp.Parse) -> str:
    """Say what the person's canteen serves on a day."""
    from services.meals.canteens import default_canteen_for
    from services.meals.menus import get_community_canteen_menu, get_menu

    day = _day(parse, clock.today())
    meal = str(parse.slots["meal"]) if parse.slots.get("meal") else None
    found = get_community_canteen_menu(turn.session, oa_openid=turn.message.openid, day=day, meal=meal)
    if found is None:  # no canteen in their community (or none known): the one nearest home
        canteen = default_canteen_for(turn.session, person=turn.person)
        if canteen is None:
            return "还不知道您在哪个社区。\n请先回复“登记”，或者发送您的位置。"
        found = canteen, get_menu(turn.session, canteen_id=canteen.id, day=day, meal=meal)
    canteen, menus = found
    if not menus:
        return f"{canteen.name}{day_text(day)}的菜单还没有出来。"
    lines = [f"{canteen.name} {day_text(day)}："]
    lines += [f"{meal_text(m.meal)}：{'、'.join(m.dishes)}" for m in menus]
    return "\n".join([*lines, "想订餐，回复“订餐”。"])


def _asked_about(turn: Turn) -> list[tuple[Person, str]] | str:
    """Return whom the message asks about with how to name them ("您", "王秀英"), or a reply."""
    people = beneficiary.people_meant(turn, turn.text)
    if isinstance(people, str):
        return people
    return [(p, "您" if p.id == turn.person.id else str(p.name)) for p in people]


def my_bookings(turn: Turn, parse: nlp.Parse) -> str:
    """List the coming meals of the person, or of whom they ask about ("我妈订的饭")."""
    from services.meals.bookings import list_my_bookings

    people = _asked_about(turn)
    if isinstance(people, str):
        return people
    said = []
    for person, who in people:
        booked = [b for b in list_my_bookings(turn.session, actor=turn.person, person_id=person.id)
                  if b.status == "booked"]
        lines = [f"{who}订的餐：" if booked else f"{who}最近没有订餐。"]
        for n, b in enumerate(booked[:8], 1):
            how = "送餐上门" if b.delivery else "到店吃"
            lines.append(f"{n} {day_text(b.day)}{meal_text(b.meal)} {b.count}份 {how}，"
                         f"付{yuan(b.payable_fen)}{'（长期订餐）' if b.standing_order_id else ''}")
        said.append("\n".join(lines))
    anything = any("订的餐：" in part for part in said)
    return "\n".join([*said, "要取消，回复“取消订餐”。" if anything else "想订餐，回复“订餐”。"])


def points(turn: Turn, parse: nlp.Parse) -> str:
    """Say the person's points balance."""
    from services.volunteers import get_points_balance

    balance = get_points_balance(turn.session, person_id=turn.person.id)
    return f"您现在有{balance}积分。\n回复“积分兑换”看看能换什么。"


def activities(turn: Turn, parse: nlp.Parse) -> str:
    """List the coming activities."""
    from services.volunteers import list_activities

    found = list_activities(turn.session, actor=turn.person)[:5]
    if not found:
        return "最近没有活动。\n有新活动会通知您。"
    lines = ["最近的活动："]
    for n, a in enumerate(found, 1):
        lines.append(f"{n} {a.title}，{moment_text(a.starts_at)}，{a.place}")
    return "\n".join([*lines, "想参加，回复“报名活动”。"])


def help_status(turn: Turn, parse: nlp.Parse) -> str:
    """Say where the person's open help requests stand."""
    from services.help_requests.queries import list_open_help_requests_and_latest
    from services.help_requests.views import describe_for_requester

    people = _asked_about(turn)
    if isinstance(people, str):
        return people
    said = []
    for person, who in people:
        found, latest = list_open_help_requests_and_latest(turn.session, actor=turn.person,
                                                           person_id=person.id)
        said += [describe_for_requester(r) for r in found[:3]] or [_none_open(turn, latest, who)]
    if len(said) == 1 and "没有在办" in said[0]:
        return f"{said[0]}\n需要帮忙，直接告诉我。"
    return "\n\n".join(said)


def _none_open(turn: Turn, latest: HelpRequest | None, who: str) -> str:
    """Say nothing is open; name the latest if staff turned it down or it was called off lately."""
    from services.help_requests.views import describe_for_requester

    since = turn.now - STOPPED_LATELY
    if latest is None or latest.status not in ("rejected", "cancelled") or latest.updated_at < since:
        return f"{who}现在没有在办的求助。"
    return f"{who}现在没有在办的求助。最近一条：\n{describe_for_requester(latest)}"


def smalltalk(turn: Turn, parse: nlp.Parse) -> str:
    """Greet back and point to the menu."""
    return SMALLTALK


def menu_help(turn: Turn, parse: nlp.Parse) -> str:
    """Say what Linli can do; a number next picks an item."""
    return main_menu.offer(turn)


def my_data(turn: Turn, parse: nlp.Parse) -> str:
    """Say what is kept about the person and how to get the full copy (我的信息)."""
    from services.rights.export import describe_kept_data

    return describe_kept_data(turn.session, person=turn.person)


def yes_no(turn: Turn, parse: nlp.Parse) -> str:
    """Answer a yes or no that belongs to nothing."""
    return "好的。\n有事随时叫我，回复“菜单”看看我能做什么。"


ANSWERS: dict[str, Answer] = {
    "policy_faq": policy, "canteen_nearby": canteens, "meal_menu": menu_of_day,
    "meal_query": my_bookings, "points_query": points,
    "activity_list": activities, "help_status": help_status, "smalltalk": smalltalk,
    "menu_help": menu_help, "affirm": yes_no, "deny": yes_no, "my_data": my_data,
}


def answer(turn: Turn, intent: str, parse: nlp.Parse) -> str:
    """Answer an intent that needs no dialogue."""
    handler = ANSWERS.get(intent)
    return handler(turn, parse) if handler else main_menu.offer(turn, texts.NOT_UNDERSTOOD)
