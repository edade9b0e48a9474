"""求助: what kind of help, what happened, then one help request (states in docs/flows.md)."""

from __future__ import annotations

from bot.dialogue.flow import Flow, Question, Step
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


def _prefill(turn: Turn, parse: Parse) -> None:
    if "category" in parse.slots:
        turn.state.slots["category"] = parse.slots["category"]
    text = turn.text.strip()
    if "category" in parse.slots and len(text) >= MIN_DESCRIPTION:
        turn.state.slots["description"] = text[:500]


def read_description(turn: Turn, text: str, parse: Parse) -> str | None:
    return text.strip()[:500] if len(text.strip()) >= 2 else None


def summary(turn: Turn) -> str:
    s = turn.state.slots
    return f"请核对，您要求助：\n类别：{NAMES[str(s['category'])]}\n情况：{s['description']}"


def commit(turn: Turn) -> str:
    from services.help_requests.intake import submit_help_request

    s = turn.state.slots
    request = submit_help_request(
        turn.session, actor=turn.person, category=str(s["category"]), urgency="normal",
        description=str(s["description"]), channel="chat", source_key=turn.source_key,
    )
    return (f"已经提交，编号{request.code}。\n社区工作人员会尽快联系您。\n"
            "回复“求助进度”可以查看办理情况。")


HELP = Flow(
    name="help_request", title="求助", cue="求助",
    steps=(
        Step("category", lambda t: Question("您需要哪方面的帮助？", CATEGORIES)),
        Step("description", lambda t: Question("请简单说说是什么情况："), read_description),
    ),
    prefill=_prefill, summary=summary, commit=commit,
)
