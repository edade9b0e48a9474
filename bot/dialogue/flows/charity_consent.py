"""转介给慈善组织: the person says yes or no to a charity seeing their request, or takes it back.

Staff ask by the outbox ("社区想请…帮您…您同意吗？回复：1 同意 2 不同意"); the
question is remembered by its notification (services/help_requests/consent.py), so
"1", 同意 or 不同意 days later answers it — the question was the read-back.
"撤回同意" asks once more, in plain words, before the consent is withdrawn.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dialogue.flow import AskedQuestion, Flow, Pending, Question, Step
from bot.dialogue.flows.proxy import read_decision
from bot.dialogue.words import trimmed
from bot.turn import Turn
from services.messaging.questions import Clue

ASKS = "回复：1 同意 2 不同意"
ANSWER_WITHIN = timedelta(days=30)
SETTLED_WITHIN = timedelta(days=1)  # a "1" the day the request closed; later it is about something else
OVER = ("resolved", "closed", "cancelled", "rejected")
_WITHDRAW = re.compile(
    r"^(?:我要|我想|请)?(?:撤回|收回|取消)(?:慈善)?(?:的)?(?:同意|授权)$|"
    r"^不(?:想|要|让)(?:让)?慈善(?:组织|会)?(?:知道|看)")


def wants_to_withdraw(text: str) -> bool:
    """Tell whether a message asks to take back the charity consent ("撤回同意")."""
    return bool(_WITHDRAW.search(trimmed(text)))


def _question(turn: Turn):  # type: ignore[no-untyped-def]
    from services.help_requests.consent import pending_charity_question

    return pending_charity_question(turn.session, person_id=turn.person.id,
                                    since=turn.now - ANSWER_WITHIN)


def find_question(turn: Turn) -> Pending | None:
    """Return the charity question waiting for an answer, unless its request is over meanwhile."""
    found = _question(turn)
    if found is None or found.status in OVER:
        return None
    return Pending(found.asked_at, {"request": found.help_request_id, "code": found.code,
                                    "charity": found.organisation})


def question_may_wait(turn: Turn) -> Clue:
    """Return the clue that a charity question was asked within the time it waits."""
    from services.help_requests.consent import charity_question_may_wait

    return charity_question_may_wait(person_id=turn.person.id, since=turn.now - ANSWER_WITHIN)


def request_over(turn: Turn) -> str | None:
    """Say that staff closed, cancelled or turned down the request since they asked, when they did."""
    from services.help_requests.views import STATUS_WORDS

    found = _question(turn)
    if found is None or found.status not in OVER or found.changed_at < turn.now - SETTLED_WITHIN:
        return None
    return (f"求助{found.code}现在{STATUS_WORDS[found.status]}，不用再转给{found.organisation}，"
            "这个问题不用回答了。\n还需要帮忙，直接告诉我。")


def ask(turn: Turn) -> Question:
    s = turn.state.slots
    return Question(f"社区想请{s.get('charity', '慈善组织')}帮您（求助{s.get('code', '')}），"
                    "需要把您的姓名、电话、住址和求助内容告诉他们。您同意吗？",
                    [("yes", "同意"), ("no", "不同意")])


def commit(turn: Turn) -> str:
    from services.help_requests.consent import answer_charity_consent

    s = turn.state.slots
    agreed = s["decision"] == "yes"
    answer_charity_consent(turn.session, person=turn.person, help_request_id=int(s["request"]),
                           agreed=agreed)
    if agreed:
        return (f"好的，已同意。社区会请{s.get('charity', '慈善组织')}帮您，他们会联系您。\n"
                "以后不想让他们知道，回复“撤回同意”就行。")
    return "好的，不告诉慈善组织。社区会用其他办法帮您。"


ANSWER = Flow(
    name="charity_consent", title="转介同意", cue="",
    steps=(Step("decision", ask, lambda t, text, p: read_decision(text)),),
    summary=lambda t: "转介同意", commit=commit, confirm=False,
)
QUESTION = AskedQuestion(flow=ANSWER.name, slot="decision", asks=(ASKS,),
                         reads=read_decision, find=find_question,
                         may_wait=question_may_wait, settled=request_over)


def _gate(turn: Turn) -> str | None:
    from services.people.consents import has_consent

    if has_consent(turn.session, person_id=turn.person.id, scope="share_with_charity"):
        return None
    return "您没有同意过把求助告诉慈善组织，不用撤回。"


def ask_withdraw(turn: Turn) -> Question:
    return Question("撤回后，慈善组织马上就看不到您的电话、住址和求助内容了。确定撤回吗？",
                    [("yes", "撤回"), ("no", "不撤回")])


def _read_withdraw(text: str) -> str | None:
    said = trimmed(text)
    if said in ("1", "一", "撤回", "确定", "是", "对", "好", "好的", "要"):
        return "yes"
    if said in ("2", "二", "不撤回", "不", "不要", "算了", "不用"):
        return "no"
    return None


def commit_withdraw(turn: Turn) -> str:
    from services.people.consents import withdraw_consent

    if turn.state.slots.get("withdraw") != "yes":
        return "好的，不撤回。"
    withdraw_consent(turn.session, person=turn.person, scope="share_with_charity")
    return "已撤回。慈善组织从现在起看不到您的个人信息了，社区会继续帮您。"


WITHDRAW = Flow(
    name="charity_consent_withdraw", title="撤回转介同意", cue="撤回同意",
    steps=(Step("withdraw", ask_withdraw, lambda t, text, p: _read_withdraw(text)),),
    summary=lambda t: "撤回转介同意", commit=commit_withdraw, gate=_gate, confirm=False,
)
