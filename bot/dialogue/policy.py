"""问政策: answer from the knowledge base, then offer the matching step; "1" takes it.

Two one-message states, outside any flow: `pick_policy` (the numbered list
of policies) and `policy_offer` ("需要帮您申请吗？回复1"). A yes to the
offer starts what the entry names: a help request filed as an application
(read back before it is sent), a meal booking, or volunteer registration.
Asked in the middle of a flow, the answer comes without an offer, so the
flow's own question keeps its numbers.
"""

from __future__ import annotations

import nlp
from bot import knowledge
from bot.dialogue.words import YES, pick
from bot.turn import Turn
from core import clock
from models.policies import PolicyEntry

OFFERS = {
    "apply": "需要帮您申请吗？回复1，社区工作人员会联系您。",
    "meal_book": "需要帮您订餐吗？回复1。",
    "volunteer_register": "想报名当志愿者吗？回复1。",
    "points_query": "要查您的积分吗？回复1。",
}
MAX_MENU = 8  # the rest are asked for by name
PICK = "pick_policy"
OFFER = "policy_offer"
STEPS = (PICK, OFFER)
_NOT_NOW = {"2", "不需要", "不要", "不申请", "先不用", "暂时不用"}
_MORE_YES = {"需要", "要", "申请", "帮我申请", "要的", "需要的", "好的谢谢", "麻烦了", "订", "报名"}


def answer(turn: Turn, parse: nlp.Parse) -> str:
    """Answer a policy question, or list the policies when it is unclear which."""
    topic = str(parse.slots.get("topic") or "")
    entry = knowledge.entry_for(turn.session, text=turn.text, topic=topic or None)
    if knowledge.asks_own_subsidy(turn.text, entry):
        said = knowledge.own_subsidy_answer(turn.session, person=turn.person,
                                            day=turn.now.astimezone(clock.LOCAL_TZ).date())
        return _with_offer(turn, said, "meal_subsidy", OFFERS["meal_book"])
    if entry.code == "other" and topic in ("", "other") and parse.confidence < 0.99:
        return _menu(turn)
    return tell(turn, entry)


def tell(turn: Turn, entry: PolicyEntry) -> str:
    """Say one entry, and offer its next step when no flow is waiting for an answer."""
    from services.assistance.policies import place_of_follower

    # Where the sender lives, read with their community by openid: their own row is not needed.
    place = place_of_follower(turn.session, oa_openid=turn.message.openid)
    said = knowledge.policy_answer(turn.session, place=place, entry=entry)
    offer = OFFERS.get(entry.action)
    if entry.action == "volunteer_register" and turn.person.has_role("volunteer"):
        offer = OFFERS["points_query"]  # already one: their own points, not a sign-up
    return _with_offer(turn, said, entry.code, offer) if offer else said


def _with_offer(turn: Turn, said: str, code: str, offer: str) -> str:
    if turn.state.flow is not None:  # asked mid-flow: the flow's question keeps the numbers
        return said
    turn.state.step, turn.state.choices = OFFER, [[code, "好"]]
    return f"{said}\n{offer}"


def _menu(turn: Turn) -> str:
    """List the policies as numbered choices (the rest are asked for by name)."""
    from services.assistance.policies import list_policy_titles

    entries = [(code, title) for code, title in list_policy_titles(turn.session)
               if code != "other"][:MAX_MENU]
    if turn.state.flow is None:
        turn.state.step, turn.state.choices = PICK, [[code, title] for code, title in entries]
    lines = ["想了解哪项政策？回复数字："]
    lines += [f"{n} {title}" for n, (_code, title) in enumerate(entries, start=1)]
    lines.append("别的直接说名字，比如“住房救助”“防止返贫”。")
    return "\n".join(lines)


def take_choice(turn: Turn, word: str) -> str | None:
    """Take a number from the policy list, or a yes to the offer; None when it is neither."""
    state = turn.state
    if state.step == PICK and (code := pick(state.choices, word)) is not None:
        state.reset()
        return tell(turn, _entry(turn, str(code)))
    if state.step == OFFER and (word in YES or word in _MORE_YES) and state.choices:
        code = str(state.choices[0][0])
        state.reset()
        return _act(turn, _entry(turn, code))
    if state.step == OFFER and word in _NOT_NOW:
        state.reset()
        return "好的，先不办。\n以后需要，再告诉我就行。"
    return None


def _entry(turn: Turn, code: str) -> PolicyEntry:
    from services.assistance.policies import get_policy_entry

    found = get_policy_entry(turn.session, code=code)
    return found or knowledge.entry_for(turn.session, text="", topic=None)


def _act(turn: Turn, entry: PolicyEntry) -> str:
    """Start the step the entry offers: an application read back first, a booking, a sign-up."""
    from bot.dialogue.engine import advance, begin, start_intent
    from bot.dialogue.flows import FLOWS

    action = entry.action
    if action == "volunteer_register" and turn.person.has_role("volunteer"):
        action = "points_query"
    if action != "apply":
        return start_intent(turn, action or "menu_help")
    flow = FLOWS["help_request"]
    begin(turn, flow)
    turn.state.slots["category"] = entry.help_category or "living"
    turn.state.slots["description"] = f"想申请{entry.title}，请社区工作人员联系我。"
    return advance(turn, flow)
