"""求助: what kind of help, what happened, then one help request (states in docs/flows.md).

The first message's description, category and urgency are kept: a later
answer fills only the slot asked, and a place said later ("人在菜市场门口",
"在3号楼下") is kept as where the need is, apart from the home address.
"""

from __future__ import annotations

from bot.dialogue import beneficiary
from bot.dialogue.beneficiary import FOR, accept_whom, ask_whom, needs_whom, read_whom
from bot.dialogue.flow import CONFIRM, Flow, Question, Step
from bot.dialogue.place import said_place
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


def _category(turn: Turn, parse: Parse, place: str | None) -> None:
    slots, said = turn.state.slots, parse.slots.get("category")
    if said is None:
        return
    if "category" not in slots:
        slots["category"] = said
    elif turn.state.step == CONFIRM and said != "other" and not place:
        slots["category"] = said  # a correction at the read-back ("不是生活，是看病")


def _prefill(turn: Turn, parse: Parse) -> None:
    slots, text = turn.state.slots, turn.text.strip()
    first = turn.state.step is None
    if first:
        beneficiary.take(turn, text, required=False)
        if parse.slots.get("urgency") in ("normal", "emergency"):
            slots["urgency"] = parse.slots["urgency"]
    place = said_place(text)
    if place:
        slots[PLACE] = place
    _category(turn, parse, place)
    only_place = place is not None and not first
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
