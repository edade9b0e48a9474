"""Emergencies first: what to do now, staff alerted in the same transaction, then the address."""

from __future__ import annotations

import re

import nlp
from bot.turn import Turn

FLOW = "emergency"
STEP_ADDRESS = "ask_address"
_FIRE = re.compile(r"火|烟|煤气|燃气|天然气")
_POLICE = re.compile(r"打人|被打|挨打|家暴|闯|小偷|偷|抢|骗|走丢|走失|找不到|被困|困在|想死|自杀|不想活|轻生")


def what_to_do(text: str, category: str) -> str:
    """Say the one thing to do right now."""
    if _FIRE.search(text):
        return "请马上离开屋子，到楼外安全的地方，拨打119。\n闻到煤气不要开灯、不要打电话，先开窗出门。"
    if category == "medical":
        return "请马上拨打120急救电话。\n不要随便挪动病人，保持电话畅通。"
    if _POLICE.search(text):
        return "请马上拨打110报警。\n先到安全的地方，锁好门。"
    return "有危险请马上拨打110（报警）或120（急救）。"


def raise_emergency(turn: Turn, text: str, parse: nlp.Parse) -> str:
    """File an emergency help request (which alerts staff) and say what to do."""
    from services.help_requests.intake import submit_help_request

    category = str(parse.slots.get("category") or "other")
    with turn.session.begin_nested():
        request = submit_help_request(
            turn.session, actor=turn.person, category=category, urgency="emergency",
            description=text or "紧急求助", channel="chat", source_key=turn.source_key,
        )
    lines = [what_to_do(text, category), f"已经通知社区工作人员，马上处理（编号{request.code}）。"]
    turn.state.reset()
    if not (request.address or turn.person.address):
        turn.state.flow, turn.state.step = FLOW, STEP_ADDRESS
        turn.state.slots = {"category": category}
        lines.append("您现在在哪里？请告诉我详细地址（小区、楼号、门牌）。")
    return "\n".join(lines)


def take_address(turn: Turn, text: str) -> str:
    """Add the address the person gave to their emergency request."""
    from services.help_requests.intake import submit_help_request

    category = str(turn.state.slots.get("category") or "other")
    with turn.session.begin_nested():
        submit_help_request(
            turn.session, actor=turn.person, category=category, urgency="emergency",
            description=f"地址：{text}", address=text[:200], channel="chat",
            source_key=turn.source_key,
        )
    turn.state.reset()
    return f"收到，地址是：{text[:200]}\n工作人员马上联系您，请保持电话畅通。"
