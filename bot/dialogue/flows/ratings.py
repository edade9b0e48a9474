"""给求助打分: the answer to "请给这次服务打个分：回复1到5分" (states in docs/flows.md).

The question goes out by the outbox when a request is resolved (and once
more as a reminder), or in the status the person asks for; it may be
answered days later, so the database remembers it: the person's latest
finished request without a rating. "5", "五分", "很满意" or "不满意" is the
answer, and the rating is saved at once — the question was the read-back.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dialogue.flow import AskedQuestion, Flow, Pending, Question, Step
from bot.dialogue.words import EDGES
from bot.turn import Turn
from nlp.numbers import cn_to_int
from services.messaging.questions import Clue

ASKS = "请给这次服务打个分：回复1到5分"
ANSWER_WITHIN = timedelta(days=7)  # a "挺好的" weeks later is small talk, not a score
SETTLED_WITHIN = timedelta(days=1)  # "5" the day it was rated elsewhere; later it is small talk
WORDS = (  # longest first: 很不满意 before 不满意 before 满意
    ("非常不满意", 1), ("很不满意", 1), ("太差了", 1), ("太差", 1), ("很差", 1),
    ("不太满意", 2), ("不满意", 2), ("一般般", 3), ("一般", 3), ("还行", 3),
    ("还可以", 3), ("马马虎虎", 3), ("比较满意", 4), ("满意", 4), ("挺好", 4), ("不错", 4),
    ("非常满意", 5), ("很满意", 5), ("特别满意", 5), ("太好了", 5), ("很好", 5), ("非常好", 5),
)
_SCORE = re.compile(r"^(?:我)?(?:打|给|评)?([1-5一二两三四五])(?:分|星|颗星)?(?:吧|了)?$")
_SCORE_INSIDE = re.compile(r"(?:打|给|评)\s*([1-5一二两三四五])\s*(?:分|星|颗星)(?!钟)")
_SCORE_FIRST = re.compile(r"^(?:打|给|评)?([1-5一二两三四五])\s*(?:分|星|颗星)(?!钟)[，,。.!！\s]")


def read_rating(text: str) -> int | None:
    """Return the 1–5 score a message gives ("5", "五分", "很满意"), or None."""
    said = text.strip().strip(EDGES)
    if m := _SCORE.match(said):
        return cn_to_int(m.group(1))
    if m := _SCORE_FIRST.match(said):  # "5分，小王很耐心": the score, then a comment
        return cn_to_int(m.group(1))
    if len(said) <= 15 and (m := _SCORE_INSIDE.search(said)):  # "服务挺好的，给5分"
        return cn_to_int(m.group(1))
    best = max((words for words, _ in WORDS if words in said), key=len, default=None)
    if best is None or len(said) > len(best) + 4:  # a longer message says more than a score
        return None
    return dict(WORDS)[best]


def find_unrated(turn: Turn) -> Pending | None:
    """Return the person's latest finished request still waiting for a score."""
    from services.help_requests.feedback import get_request_awaiting_rating

    found = get_request_awaiting_rating(turn.session, requester_id=turn.person.id,
                                        since=turn.now - ANSWER_WITHIN)
    if found is None or found.resolved_at is None:
        return None
    asked = max(found.resolved_at, found.feedback_reminded_at or found.resolved_at)
    return Pending(asked, {"request": found.id})


def rating_may_wait(turn: Turn) -> Clue:
    """Return the clue that a score may be waiting, or was settled or taken back lately."""
    from services.help_requests.feedback import rating_may_wait as clue

    return clue(requester_id=turn.person.id, asked_since=turn.now - ANSWER_WITHIN,
                settled_since=turn.now - SETTLED_WITHIN)


def rated_elsewhere(turn: Turn) -> str | None:
    """Say that the request was rated meanwhile (in the mini-program), or taken up again by staff."""
    from services.help_requests.feedback import get_recently_rated_request

    found = get_recently_rated_request(turn.session, requester_id=turn.person.id,
                                       since=turn.now - SETTLED_WITHIN)
    if found is None or found.rating is None:
        return reopened(turn)
    return f"求助{found.code}已经打过分了（{found.rating}分），不用再打。\n谢谢您！"


def reopened(turn: Turn) -> str | None:
    """Say that staff took a request back to 办理中 after it was asked to be rated, when they did."""
    from services.help_requests.queries import list_my_help_requests

    since = turn.now - ANSWER_WITHIN
    found = next((r for r in list_my_help_requests(turn.session, actor=turn.person)
                  if r.requester_id == turn.person.id and r.status == "in_progress"
                  and r.resolved_at is not None and r.resolved_at >= since), None)
    if found is None:
        return None
    return (f"求助{found.code}还没办好，工作人员正在接着办理，先不用打分。\n"
            "办好后会再请您打分。回复“求助进度”可以查看。")


def _accept_rating(turn: Turn, value: object) -> int:
    return int(str(value))


def _comment(text: str) -> str | None:
    """Return what a rating message says besides the score ("小王很耐心"), or None."""
    rest = _SCORE_FIRST.sub("", text.strip(), count=1) if _SCORE_FIRST.match(text.strip()) else ""
    rest = rest.strip(EDGES + "，,")
    return rest[:200] if len(rest) >= 2 else None


def commit(turn: Turn) -> str:
    from services.help_requests.feedback import rate_help_request

    s = turn.state.slots
    comment = _comment(turn.text)
    rated = rate_help_request(turn.session, actor=turn.person, request_id=int(s["request"]),
                              rating=int(s["rating"]), comment=comment)
    thanks = f"谢谢您！求助{rated.code}您打了{rated.rating}分。"
    if comment:
        thanks += "\n您说的话也记下了，会转告工作人员。"
    elif int(s["rating"]) <= 2:
        return f"{thanks}\n哪里不满意，可以直接告诉我，或者回复“转人工”。"
    return thanks


RATE_HELP = Flow(
    name="rate_help", title="给求助打分", cue="",
    steps=(
        Step("rating", lambda t: Question(f"{ASKS}（5分最满意）"),
             lambda t, text, p: read_rating(text), accept=_accept_rating),
    ),
    summary=lambda t: f"求助打{t.state.slots['rating']}分", commit=commit, confirm=False,
)
QUESTION = AskedQuestion(flow=RATE_HELP.name, slot="rating", asks=(ASKS,), reads=read_rating,
                         find=find_unrated, may_wait=rating_may_wait, settled=rated_elsewhere)
