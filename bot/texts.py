"""Fixed replies: short lines, plain words, numbered choices (Simplified Chinese)."""

from __future__ import annotations

VOICE_UNCLEAR = "没听清您说的话。\n请再说一遍，或者打字告诉我。"
MEDIA_NOT_READ = "我还看不懂图片、视频和文件。\n请用文字或语音告诉我，您想办什么事。"
LOCATION_UNREADABLE = "没有收到您的位置。\n请再发一次位置，或者告诉我您在哪个社区。"
NOT_UNDERSTOOD = "不好意思，我没听明白。"
NO_NUMBER_ASKED = "不好意思，现在没有要您回复数字的事。"
OFFER_HUMAN = "我还是没听明白。\n回复“转人工”，请工作人员联系您。\n或者回复“菜单”，看看我能做什么。"
CANCELLED = "好的，已经取消了，刚才的{title}没有办，什么也没提交。\n有事随时叫我。"
DROPPED = "刚才的{title}没有办，什么也没提交。"
PARKED = "刚才的{title}还没办完："
OFFER_HUMAN_IN_FLOW = "我还是没听明白。\n回复“转人工”请工作人员联系您，回复“取消”结束。"
NOTHING_TO_CANCEL = "好的。\n有事随时叫我。"
NOT_SAVED = "好的，没有提交。"
TIMED_OUT = "刚才的{title}超过15分钟没有完成，已经取消了。"
SORRY_ERROR = "系统有点忙，这次没有办成。\n请过一会儿再试，或者回复“转人工”。"
CONFIRM_CHOICES = "1 确认\n2 重新填写\n3 取消"

MENU_LINES = (
    "我能帮您：",
    "1 订餐（例如：订明天午饭）",
    "2 取消订餐",
    "3 求助（例如：家里没米了）",
    "4 查附近的助餐点",
    "5 问政策（例如：低保怎么申请）",
    "6 登记个人信息",
    "7 志愿者：签到、签退、记录服务、报名活动",
    "随时回复“取消”结束，“转人工”找工作人员。",
)


def menu_text() -> str:
    """Say what Linli can do, one item a line."""
    return "\n".join(MENU_LINES)


def welcome(*, registered: bool) -> str:
    """Greet a new follower and say how to register."""
    first = "您好，欢迎关注邻里帮！"
    how = (
        "您已经登记过了，直接告诉我要办的事就行。"
        if registered
        else "第一次用，请回复“登记”，留下姓名和电话，\n方便社区联系您。"
    )
    return "\n".join((first, *MENU_LINES[:-1], how))
