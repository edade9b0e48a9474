"""服务对象确认: the answer to "志愿者张芳说…对吗？回复1确认，2不对" (states in docs/flows.md).

The outbox asks the beneficiary when a volunteer checks out or logs a
service (and nudges a day later); the record itself, pending and not yet
with staff, remembers the question. "1", 对 or 是的 verifies it (points are
minted); "2", 不对 or 没有 sends it to staff — saved at once, the question
was the read-back.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dialogue.flow import AskedQuestion, Flow, Pending, Question, Step
from bot.dialogue.words import first_clause, trimmed
from bot.turn import Turn
from services.messaging.questions import Clue

ASKS = "回复1确认，2不对"
_YES = re.compile(r"^(?:1|一|确认|对|对的|对啊|是|是的|是啊|没错|有|有的|嗯|嗯嗯|好|好的)$")
_NO = re.compile(r"^(?:2|二|不对|不是|没有|没有的事|没这回事|不确认|错了|不对的)$")
SETTLED_WITHIN = timedelta(days=1)  # a later "好的" is about something else
_NOBODY_CAME = re.compile(r"没(?:有)?人?来(?:过)?|没见(?:过|到)|没这(?:回)?事")


def read_answer(text: str) -> bool | None:
    """Return True for a yes, False for a no, None for anything else."""
    said = trimmed(text)
    first = first_clause(said)  # "不对，今天没人来过"
    if len(said) <= 20 and _NOBODY_CAME.search(said):
        return False
    if _YES.match(said) or (first != said and _YES.match(first)):
        return True
    if _NO.match(said) or (first != said and _NO.match(first)):
        return False
    return None


def find_unconfirmed(turn: Turn) -> Pending | None:
    """Return the latest service record waiting for this person's yes or no."""
    from services.volunteers import list_pending_confirmations

    waiting = list_pending_confirmations(turn.session, beneficiary_id=turn.person.id)
    if not waiting:
        return None
    latest = waiting[-1]
    asked = latest.nudged_at or latest.ended_at or latest.created_at
    return Pending(asked, {"record": latest.id})


def confirmation_may_wait(turn: Turn) -> Clue:
    """Return the clue that a record may wait for this person, or staff decided one lately."""
    from services.volunteers.verification import confirmation_may_wait as clue

    return clue(beneficiary_id=turn.person.id, settled_since=turn.now - SETTLED_WITHIN)


def settled_by_staff(turn: Turn) -> str | None:
    """Say that staff decided the record this person was asked about, when they did meanwhile."""
    from services.volunteers.verification import list_decided_without_beneficiary

    decided = list_decided_without_beneficiary(turn.session, beneficiary_id=turn.person.id,
                                               since=turn.now - SETTLED_WITHIN)
    if not decided:
        return None
    outcome = "确认" if decided[0].status == "verified" else "核实"
    return f"这次志愿服务，社区工作人员已经{outcome}过了，不用再回复。\n谢谢您！有事随时告诉我。"


def ask(turn: Turn) -> Question:
    from services.volunteers import confirmation_prompt
    from services.volunteers.service_records import find_service_record

    record = find_service_record(turn.session, record_id=int(turn.state.slots["record"]))
    return Question(confirmation_prompt(record) if record else ASKS)


def commit(turn: Turn) -> str:
    from services.volunteers import confirm_service_record

    s = turn.state.slots
    accepted = bool(s["answer"])
    why = turn.text.strip() if len(turn.text.strip()) > 3 else "老人在聊天里说不对"
    confirm_service_record(turn.session, actor=turn.person, record_id=int(s["record"]),
                           accepted=accepted, reason=None if accepted else why[:200])
    if accepted:
        return "好的，已经确认了。谢谢您！"
    return "好的，记下了。社区工作人员会核实这次服务。"


CONFIRM_SERVICE = Flow(
    name="confirm_service", title="确认志愿服务", cue="",
    steps=(Step("answer", ask, lambda t, text, p: read_answer(text)),),
    summary=lambda t: "确认志愿服务", commit=commit, confirm=False,
)
QUESTION = AskedQuestion(flow=CONFIRM_SERVICE.name, slot="answer", asks=(ASKS,),
                         reads=read_answer, find=find_unconfirmed,
                         may_wait=confirmation_may_wait, settled=settled_by_staff)
