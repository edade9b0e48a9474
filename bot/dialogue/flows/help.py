"""求助: what kind of help, what happened, then one help request (states in docs/flows.md).

The first message's description, category and urgency are kept: a later
answer fills only the slot asked, and a place said later ("人在菜市场门口",
"在3号楼下") is kept as where the need is, apart from the home address.
"""

from __future__ import annotations

import re

from bot.dialogue import beneficiary
from bot.dialogue.beneficiary import FOR, accept_whom, ask_whom, needs_whom, read_whom
from bot.dialogue.flow import CONFIRM, Flow, Question, Step
from bot.dialogue.place import at_home, said_place
from bot.turn import Turn
from nlp import Parse

CATEGORIES = [
    ("living", "生活困难（吃饭、钱、水电）"),
    ("medical", "看病、买药、陪诊"),
    ("care", "照料老人或残疾人（打扫、洗澡、买菜、陪伴）"),
    ("housing", "住房、修房子"),
    ("education", "孩子上学"),
    ("employment", "找工作"),
    ("other", "其他"),
]
NAMES = dict(CATEGORIES)
MIN_DESCRIPTION = 4
PLACE = "place"
_CORRECTION = re.compile(r"^(?:不对|不是|错了|说错了|搞错了|不是这个)[，,。\s]*(?:是|应该是|改成)?")


def _category(turn: Turn, parse: Parse) -> None:
    said = parse.slots.get("category")
    if said is not None and "category" not in turn.state.slots:
        turn.state.slots["category"] = said


def _more_at_readback(turn: Turn, parse: Parse, text: str) -> None:
    """At the read-back: "不对，是…" replaces what happened; "还有油也没了" adds to it."""
    slots = turn.state.slots
    corrected = _CORRECTION.match(text)
    if corrected and len(text) - corrected.end() >= 2:
        slots["description"] = text[corrected.end():][:500]
        if parse.slots.get("category") not in (None, "other"):
            slots["category"] = parse.slots["category"]
    elif parse.intent == "help_request" and len(text) >= 2 and "description" in slots:
        said = str(slots["description"])
        if text not in said and len(said) + len(text) < 480:
            slots["description"] = f"{said}；{text}"


def _prefill(turn: Turn, parse: Parse) -> None:
    slots, text = turn.state.slots, turn.text.strip()
    first = turn.state.step is None
    if first:
        beneficiary.take(turn, text, required=False)
        if parse.slots.get("urgency") in ("normal", "emergency"):
            slots["urgency"] = parse.slots["urgency"]
    place = said_place(text)
    if place and not at_home(place):  # home is the address the request keeps anyway
        slots[PLACE] = place
    only_place = place is not None and not first
    if turn.state.step == CONFIRM and not only_place:
        _more_at_readback(turn, parse, text)
        return
    _category(turn, parse)
    if ("description" not in slots and "category" in parse.slots and not only_place
            and len(text) >= MIN_DESCRIPTION):
        slots["description"] = text[:500]


def read_description(turn: Turn, text: str, parse: Parse) -> str | None:
    if said_place(text) is not None and turn.state.slots.get(PLACE):
        return None  # only a place: kept as the place; the question is asked again
    return text.strip()[:500] if len(text.strip()) >= 2 else None


def summary(turn: Turn) -> str:
    s = turn.state.slots
    who = beneficiary.for_words(turn, "替{}求助") or "您要求助"
    lines = [f"请核对，{who}：", f"类别：{NAMES[str(s['category'])]}", f"情况：{s['description']}"]
    if s.get(PLACE):
        lines.append(f"地点：{s[PLACE]}")
    return "\n".join(lines)


def commit(turn: Turn) -> str:
    from services.help_requests.intake import submit_help_request

    s = turn.state.slots
    urgency = "emergency" if s.get("urgency") == "emergency" else "normal"
    request = submit_help_request(
        turn.session, actor=turn.person, category=str(s["category"]), urgency=urgency,
        description=str(s["description"]), on_behalf_of_id=s.get(FOR), place=s.get(PLACE),
        channel="chat", source_key=turn.source_key,
    )
    return (f"已经提交，编号{request.code}。\n社区工作人员会尽快联系您。\n"
            "回复“求助进度”可以查看办理情况。")


HELP = Flow(
    name="help_request", title="求助", cue="求助",
    steps=(
        Step(FOR, ask_whom, read_whom, needs_whom, accept_whom),
        Step("category", lambda t: Question("您需要哪方面的帮助？", CATEGORIES)),
        Step("description", lambda t: Question("请简单说说是什么情况："), read_description),
    ),
    prefill=_prefill, summary=summary, commit=commit,
)
