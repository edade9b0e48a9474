"""注销 (erase_account): a read-back of what erasure means, then a request staff confirm.

"我的信息" (my_data) is a one-shot answer (bot/dialogue/answers.py): what is
kept and how to get the full copy.
"""

from __future__ import annotations

from bot.dialogue.flow import Flow
from bot.turn import Turn

READ_BACK = ("您要注销账号。注销后：\n"
             "· 姓名、电话、住址、身份证号和您发来的话都会删除；\n"
             "· 订餐补贴和积分的账目按规定保留，但不再有您的名字；\n"
             "· 工作人员核实后办理，之后就不能再用这个账号了。\n"
             "确定要注销吗？")


def _gate(turn: Turn) -> str | None:
    from services.rights.erasure import get_open_erasure

    if get_open_erasure(turn.session, person_id=turn.person.id) is not None:
        return "您的注销申请已经收到了，工作人员正在核实。\n想撤回，请在小程序“我的—注销账号”里撤回。"
    return None


def _commit(turn: Turn) -> str:
    from services.rights.erasure import request_erasure

    request = request_erasure(turn.session, person=turn.person, channel="chat")
    return (f"已收到您的注销申请（第{request.id}号）。\n"
            "工作人员核实后办理。想撤回，请在小程序“我的—注销账号”里撤回。")


ERASE = Flow(name="erase_account", title="注销账号", cue="注销", steps=(),
             summary=lambda turn: READ_BACK, commit=_commit, gate=_gate)
