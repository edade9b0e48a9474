"""Emergencies first: what to do now, staff alerted in the same transaction, then where.

After the alert the bot asks where the person is unless the message said:
the answer ("人在菜市场门口", "在3号楼下", "1" for home) is stored as the
request's place — never read as registration or a new intent. A message
that may signal danger without being an emergency (`parse.danger_unsure`)
is asked about first: "您是不是遇到危险了？"; a yes raises the emergency.
"""

from __future__ import annotations

import re
from typing import Any

import nlp
from bot.dialogue import beneficiary
from bot.dialogue.place import at_home, said_place, specific
from bot.dialogue.words import trimmed
from bot.turn import Turn
from core.savepoints import savepoint

FLOW = "emergency"
STEP_ADDRESS = "ask_address"  # where the person is (the request's place)
STEP_DANGER = "ask_danger"  # "您是不是遇到危险了？"
LINES = "急救120，报警110，火警119。"
ASK_DANGER = f"您是不是遇到危险了？\n有危险请马上打电话：{LINES}\n回复数字：\n1 是，有危险\n2 没有危险"
_FIRE = re.compile(r"火|烟|煤气|燃气|天然气")
_POLICE = re.compile(r"打人|被打|挨打|家暴|闯|小偷|偷|抢|骗|走丢|走失|找不到|被困|困在|想死|自杀|不想活|轻生")
_YES = re.compile(r"^(?:1|一|是|是的|是啊|有|有危险|是有危险|对|对的|嗯|救命|快来|危险)$")
_NO = re.compile(r"^(?:2|二|不是|没有|没有危险|没危险|没事|没事了|不用|还好|没有没有)$")
# Words that say no place: asked once more ("快点来人啊"), or the need is over ("没事了").
_FILLER = re.compile(r"快|赶紧|麻烦|谢谢|好的|知道|收到|嗯|救命|求求|^好$|^行$")
_OVER = re.compile(r"^(?:没事|没事了|没事没事|不用|不用了|不用来了|好了|已经好了|醒了|人醒了|不要了)$")


def what_to_do(text: str, category: str) -> str:
    """Say the one thing to do right now."""
    if _FIRE.search(text):
        return "请马上离开屋子，到楼外安全的地方，拨打119。\n闻到煤气不要开灯、不要打电话，先开窗出门。"
    if category == "medical":
        return "请马上拨打120急救电话。\n不要随便挪动病人，保持电话畅通。"
    if _POLICE.search(text):
        return "请马上拨打110报警。\n先到安全的地方，锁好门。"
    return "有危险请马上拨打110（报警）或120（急救）。"


def _for_whom(turn: Turn, text: str) -> int | None:
    """The principal an emergency is about, when the message names exactly one."""
    said = beneficiary.meant(turn, text)
    if said is None or said.mine or len(said.fits) != 1:
        return None
    return said.fits[0].id


def raise_emergency(turn: Turn, text: str, parse: nlp.Parse) -> str:
    """File an emergency help request (which alerts staff), say what to do, ask where."""
    from services.help_requests.intake import submit_help_request

    category = str(parse.slots.get("category") or "other")
    place = said_place(text)
    with savepoint(turn.session):
        request = submit_help_request(
            turn.session, actor=turn.person, category=category, urgency="emergency",
            description=text or "紧急求助", on_behalf_of_id=_for_whom(turn, text),
            place=None if at_home(place) else place, channel="chat", source_key=turn.source_key,
        )
    lines = [what_to_do(text, category), _who_was_told(turn, request)]
    turn.state.reset()
    vague = place is not None and not at_home(place) and not specific(place)
    if place is None or vague or (at_home(place) and not request.address):
        turn.state.flow, turn.state.step = FLOW, STEP_ADDRESS
        turn.state.slots = {"category": category, "request": request.id,
                            "home": request.address or ""}
        lines.append(f"记下了地点：{place}。\n能说得再具体些吗？（哪个门、哪栋楼）" if vague
                     else _ask_where(request.address))
    return "\n".join(lines)


def _who_was_told(turn: Turn, request: Any) -> str:
    from services.help_requests.intake import staff_told

    if staff_told(turn.session, help_request_id=request.id):
        return f"已经通知社区工作人员，马上处理（编号{request.code}）。"
    return (f"已经记下（编号{request.code}），但现在还没联系上值班人员。"
            "请马上打120或110！")


def _ask_where(home: str | None) -> str:
    if home:
        return f"人现在在哪里？\n1 在家（{home}）\n不在家，请直接说地方，如“菜市场门口”。"
    return "人现在在哪里？请说详细地址（小区、楼号、门牌），或者附近的地方。"


def ask_danger(turn: Turn, text: str, parse: nlp.Parse) -> str:
    """Ask whether a message that may signal danger does; remember it for the answer."""
    turn.state.reset()
    turn.state.flow, turn.state.step = FLOW, STEP_DANGER
    turn.state.slots = {"text": text, "category": str(parse.slots.get("category") or "other")}
    return ASK_DANGER


def take_address(turn: Turn, text: str) -> str:
    """Take the answer to the emergency's question: where the person is, or whether in danger."""
    if turn.state.step == STEP_DANGER:
        return _take_danger(turn, text)
    return _take_place(turn, text)


def _take_danger(turn: Turn, text: str) -> str:
    said = trimmed(text)
    slots = dict(turn.state.slots)
    if _YES.match(said):
        first = str(slots.get("text") or "紧急求助")
        parse = nlp.Parse("help_request", {"urgency": "emergency",
                                           "category": str(slots.get("category") or "other")})
        return raise_emergency(turn, first, parse)
    if _NO.match(said):
        return _no_danger(turn, str(slots.get("text") or ""))
    if slots.get("asked_again"):
        turn.state.reset()
        return f"有危险请马上打电话：{LINES}\n要人帮忙，回复“转人工”。"
    turn.state.slots["asked_again"] = True
    return ASK_DANGER


def _no_danger(turn: Turn, first: str) -> str:
    """No danger: go on with what the first message asked for (求助 for "胸口有点闷")."""
    from bot.dialogue.engine import LOW_CONFIDENCE, local_now, start_intent

    turn.state.reset()
    parse = nlp.parse(first, local_now(turn)) if first else nlp.Parse("unknown")
    idle = ("unknown", "affirm", "deny", "smalltalk")
    if parse.intent in idle or parse.confidence < LOW_CONFIDENCE:
        return "好的，没事就好。\n有需要，直接告诉我；有危险随时打120或110。"
    turn.text = first
    return f"好的，没事就好。\n{start_intent(turn, parse.intent, parse)}"


def _new_intent(turn: Turn, text: str) -> str | None:
    """Answer a clear new request ("我的求助") instead of taking it as the place."""
    from bot.dialogue.engine import NOT_NEW, STRONG_CONFIDENCE, intent_of, local_now, start_intent

    parse = nlp.parse(text, local_now(turn))
    intent, confidence = intent_of(text, parse)
    if confidence < STRONG_CONFIDENCE or intent in NOT_NEW or intent == "help_request":
        return None
    turn.state.reset()
    return start_intent(turn, intent, parse)


def _take_place(turn: Turn, text: str) -> str:

    slots = turn.state.slots
    said = trimmed(text)
    home = str(slots.get("home") or "")
    place = said_place(text)
    if place is None and (other := _new_intent(turn, text)) is not None:
        return other
    if said in ("1", "一") or at_home(place):
        place = home or "家里"
    elif place is None and _OVER.match(said):
        turn.state.reset()
        return "好的。工作人员还会打电话问问情况。\n再有危险，马上打120或110。"
    elif (place is None and len(said) <= 8 and _FILLER.search(said)
            and not slots.get("asked_again")):
        slots["asked_again"] = True
        return f"好的，工作人员马上联系您。\n{_ask_where(home)}"
    return _save_place(turn, (place or text.strip())[:200])


def take_location(turn: Turn, label: str, latitude: float, longitude: float) -> str | None:
    """Take a WeChat location sent at "人现在在哪里？" as the place; None when not asked."""
    if turn.state.flow != FLOW or turn.state.step == STEP_DANGER:
        return None
    where = f"{label.strip()}（位置 {latitude:.5f},{longitude:.5f}）" if label.strip() else \
        f"位置 {latitude:.5f},{longitude:.5f}"
    return _save_place(turn, where[:200])


def _save_place(turn: Turn, place: str) -> str:
    from services.help_requests.intake import set_help_place, submit_help_request

    slots = turn.state.slots
    request_id = slots.get("request")
    with savepoint(turn.session):
        if request_id is not None:
            set_help_place(turn.session, actor=turn.person, request_id=int(request_id), place=place)
        else:  # a state from before requests were remembered
            submit_help_request(turn.session, actor=turn.person,
                                category=str(slots.get("category") or "other"),
                                urgency="emergency", description=f"地点：{place}", place=place,
                                channel="chat", source_key=turn.source_key)
    turn.state.reset()
    return f"收到，人在：{place}\n工作人员马上赶过去，请保持电话畅通。\n有危险请先打120或110。"
