"""回访: the answer to "现在情况怎么样？回复：1 好多了 2 差不多 3 更难了".

The question goes out by the outbox 30 days after a request was resolved
(services/help_requests/followup.py); the database remembers it, so "3" or
"更难了" days later answers it — the question was the read-back. "更难了"
tells the community's staff, and the bot says so.
"""

from __future__ import annotations

import re

from bot.dialogue.flow import AskedQuestion, Flow, Pending, Question, Step
from bot.dialogue.words import trimmed
from bot.turn import Turn
from services.messaging.questions import Clue

ASKS = "回复：1 好多了 2 差不多 3 更难了"
# Matched after trimmed() took the particles off the ends ("好多了" → "好多").
_BETTER = re.compile(r"^(?:1|一|好多|好多啦|好些|好一些|好点|好一点|好很多|变好|挺好|很好)$")
_SAME = re.compile(r"^(?:2|二|差不多|还那样|老样子|还是那样|一样|没变|没变化|没什么变化)$")
_WORSE = re.compile(r"^(?:3|三|更难|更差|更不好|不好|不太好|很难|太难|更困难|难|不行)$")


def read_answer(text: str) -> str | None:
    """Return better / same / worse for an answer to the 回访, None for anything else."""
    said = trimmed(text)
    for answer, pattern in (("worse", _WORSE), ("same", _SAME), ("better", _BETTER)):
        if pattern.match(said):
            return answer
    return None


def find_question(turn: Turn) -> Pending | None:
    from services.help_requests.followup import answer_within, pending_followup

    found = pending_followup(turn.session, person_id=turn.person.id,
                             since=turn.now - answer_within())  # services/data/followup.json
    if found is None:
        return None
    return Pending(found.asked_at, {"request": found.help_request_id, "code": found.code})


def question_may_wait(turn: Turn) -> Clue:
    """Return the clue that a 回访 question waits for this person's answer."""
    from services.help_requests.followup import answer_within, followup_may_wait

    return followup_may_wait(person_id=turn.person.id, since=turn.now - answer_within())


def ask(turn: Turn) -> Question:
    code = turn.state.slots.get("code", "")
    return Question(f"您的求助{code}办好一个月了，现在情况怎么样？",
                    [("better", "好多了"), ("same", "差不多"), ("worse", "更难了")])


def commit(turn: Turn) -> str:
    from services.help_requests.followup import answer_followup

    s = turn.state.slots
    done = answer_followup(turn.session, person=turn.person, help_request_id=int(s["request"]),
                           answer=str(s["answer"]))
    if s["answer"] == "worse":
        return (f"知道了。求助{done.code}：您说现在更难了，已经告诉社区工作人员，他们会联系您。\n"
                "急事请直接打社区电话，或者回复“转人工”。")
    if s["answer"] == "same":
        return f"知道了，谢谢您！求助{done.code}记下了：情况差不多。还需要帮忙，直接告诉我。"
    return f"太好了，谢谢您！求助{done.code}记下了：好多了。"


ANSWER = Flow(
    name="help_followup", title="回访", cue="",
    steps=(Step("answer", ask, lambda t, text, p: read_answer(text)),),
    summary=lambda t: "回访", commit=commit, confirm=False,
)
QUESTION = AskedQuestion(flow=ANSWER.name, slot="answer", asks=(ASKS,), reads=read_answer,
                         find=find_question, may_wait=question_may_wait)
