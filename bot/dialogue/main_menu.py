"""The menu of what Linli can do, as numbered choices a number answers.

Wherever the bot shows the menu (菜单, a number that answered nothing, a
new follower's welcome), it remembers the items, so "1" next starts 订餐
instead of "nothing asked a number" and the menu again. Item 7 (volunteers)
opens a short list of its own.
"""

from __future__ import annotations

import re

from bot import texts
from bot.dialogue.words import pick
from bot.turn import Turn

STEP = "pick_menu"
VOLUNTEER = "volunteer_menu"
# In the order of texts.MENU_LINES.
ITEMS = [["meal_book", "订餐"], ["meal_cancel", "取消订餐"], ["help_request", "求助"],
         ["canteen_nearby", "查附近的助餐点"], ["policy_faq", "问政策"],
         ["register", "登记个人信息"], [VOLUNTEER, "志愿者"]]
VOLUNTEER_ITEMS = [["service_checkin", "签到"], ["service_checkout", "签退"],
                   ["service_log", "记录服务"], ["activity_signup", "报名活动"],
                   ["points_query", "查积分"]]
_NUMBER = re.compile(r"第?(\d{1,2}|[一二三四五六七八九十])个?")


def remember(turn: Turn, items: list[list[str]] | None = None) -> None:
    """Note the items just shown: the next number picks one."""
    turn.state.reset()
    turn.state.step, turn.state.choices = STEP, [list(item) for item in (items or ITEMS)]


def offer(turn: Turn, lead: str = "") -> str:
    """Show the menu (after `lead`, if any) and remember its items."""
    remember(turn)
    return f"{lead}\n{texts.menu_text()}" if lead else texts.menu_text()


def offer_volunteer(turn: Turn) -> str:
    """Show what a volunteer can do here, numbered."""
    remember(turn, VOLUNTEER_ITEMS)
    lines = [f"{n} {label}" for n, (_, label) in enumerate(VOLUNTEER_ITEMS, 1)]
    return "\n".join(["志愿者要办哪一样？", *lines, "回复数字就行。"])


def is_number(word: str) -> bool:
    """True for "1", "第2个", "三": a number, not words."""
    return _NUMBER.fullmatch(word) is not None


def picked(turn: Turn, word: str) -> str | None:
    """The intent a number picks from the menu just shown, or None."""
    if turn.state.step != STEP or not is_number(word):
        return None
    value = pick(turn.state.choices, word)
    return None if value is None else str(value)


def out_of_range(turn: Turn, word: str) -> str | None:
    """Say a number is not on the menu just shown (and show it again), or None."""
    if turn.state.step != STEP or not is_number(word):
        return None
    count = len(turn.state.choices)
    items = turn.state.choices
    lines = [f"{n} {label}" for n, (_, label) in enumerate(items, 1)]
    remember(turn, items)
    return "\n".join([f"没有这一项，请回复1到{count}中的一个数字。", *lines])
