"""代办邀请: the elder's answer to "…想代您办理订餐、求助等事。回复：1 同意 2 不同意".

The invitation goes out by the outbox when a family member invites the
elder (mini-program); the proxy row, still `invited`, remembers the
question, so "1", 同意 or 不同意 days later decides it — at once, the
question was the read-back. Several waiting: the oldest first, then the next.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dialogue.flow import AskedQuestion, Flow, Pending, Question, Step
from bot.dialogue.words import first_clause, trimmed
from bot.turn import Turn
from services.messaging.questions import Clue

ASKS = "回复：1 同意 2 不同意"
ANSWER_WITHIN = timedelta(days=30)
_YES = re.compile(r"^(?:我)?(?:1|一|同意|同意了|同意的|愿意|答应|可以|好|好的|行|1同意)$")
_NO = re.compile(r"^(?:我)?(?:2|二|不同意|不愿意|不答应|拒绝|不行|不要|不用|不可以|不好|2不同意)$")
# "我同意我儿子替我办", "不同意他代办": said in a few more words.
_SAID_YES = re.compile(r"^[^不]{0,3}同意(?:[^不]{0,10})$")
_SAID_NO = re.compile(r"(?:不同意|不愿意|不让他|不让她|不要他|不要她|拒绝)")


def read_decision(text: str) -> str | None:
    """Return "yes" or "no" for an answer to the invitation, None for anything else."""
    said = trimmed(text)
    first = first_clause(said)  # "好的，让他帮我办吧"
    if (_NO.match(said) or (first != said and _NO.match(first)) or re.search(r"不让|别让", said)
            or (len(said) <= 14 and _SAID_NO.search(said))):
        return "no"
    if (_YES.match(said) or (first != said and _YES.match(first)) or _SAID_YES.match(said)
            or (len(said) <= 12 and re.search(r"让(?:他|她)(?:帮我|替我|代我)?办", said))):
        return "yes"
    return None


def _waiting(turn: Turn):  # type: ignore[no-untyped-def]
    from services.people.proxies import list_pending_invitations

    since = turn.now - ANSWER_WITHIN
    return [(p, agent) for p, agent in list_pending_invitations(turn.session, principal=turn.person)
            if p.created_at >= since]


def find_invitation(turn: Turn) -> Pending | None:
    """Return the oldest invitation still waiting for this person's answer."""
    waiting = _waiting(turn)
    if not waiting:
        return None
    proxy, agent = waiting[0]
    return Pending(proxy.created_at, {"proxy": proxy.id, "agent": agent.masked_name or "家人"})


def invitation_may_wait(turn: Turn) -> Clue:
    """Return the clue that an invitation may wait for this person's answer."""
    from services.people.proxies import invitation_may_wait as clue

    return clue(principal_id=turn.person.id, since=turn.now - ANSWER_WITHIN)


def ask(turn: Turn) -> Question:
    agent = turn.state.slots.get("agent", "家人")
    return Question(f"{agent}想代您办理订餐、求助等事，您同意吗？", [("yes", "同意"), ("no", "不同意")])


def commit(turn: Turn) -> str:
    from services.people.proxies import accept_proxy, decline_proxy

    s = turn.state.slots
    agent, proxy_id = s.get("agent", "家人"), int(s["proxy"])
    if s["decision"] == "yes":
        accept_proxy(turn.session, principal=turn.person, proxy_id=proxy_id)
        said = (f"好的，已同意{agent}替您办理订餐、求助等事。\n"
                "以后不想让他代办，可以在小程序“我的”里取消。")
    else:
        decline_proxy(turn.session, principal=turn.person, proxy_id=proxy_id)
        said = f"好的，已婉拒{agent}的代办邀请。"
    rest = _waiting(turn)
    if rest:
        said += f"\n还有{rest[0][1].masked_name or '家人'}想代您办事，{ASKS}"
    return said


ANSWER_INVITATION = Flow(
    name="proxy_answer", title="代办邀请", cue="",
    steps=(Step("decision", ask, lambda t, text, p: read_decision(text)),),
    summary=lambda t: "代办邀请", commit=commit, confirm=False,
)
QUESTION = AskedQuestion(flow=ANSWER_INVITATION.name, slot="decision", asks=(ASKS,),
                         reads=read_decision, find=find_invitation,
                         may_wait=invitation_may_wait)
