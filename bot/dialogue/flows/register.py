"""登记: consent, name, phone, community, address, then one profile write."""

from __future__ import annotations

import re
from datetime import date

import nlp
from bot.dialogue.answers import FlowEnds
from bot.dialogue.flow import Flow, Question, Step
from bot.dialogue.flows.home import pin_of, pin_words, save_pin
from bot.turn import Turn
from core import clock
from core.crypto import mask_phone
from nlp import Parse
from nlp.numbers import cn_to_int

_NAME_PREFIX = re.compile(r"^(我叫|我是|名字是|姓名是|叫)")
_CN = "零〇一二两三四五六七八九十"
_BIRTH = re.compile(rf"((?:19|20)\d{{2}}|[一二][{_CN}]{{3}})(?:[年./-]([\d{_CN}]{{1,3}})"
                    rf"(?:[月./-]([\d{_CN}]{{1,3}}))?)?")
_SAID_NAME = re.compile(
    r"(?:我叫|我是|名字是|名字叫|姓名是?)\s*([\u4e00-\u9fa5·]{2,4}?)(?=[，,。.\s]|电话|手机|今年|出生|住|$)")
_ADDRESS = re.compile(r"\d+\s*(?:号楼|栋|幢|单元|室)|(?:小区|社区|村|路|街|巷|弄|苑|园)\S*\d")
_ADDRESS_LEAD = re.compile(
    r"^(?:不对|错了)?[，,\s]*(?:我的)?(?:地址|住址)?(?:错了|不对|写错了)?[，,\s]*(?:是|应该是|改成|改为)?[：:\s]*")
_NAME = re.compile(r"^[\u4e00-\u9fa5·]{2,10}$|^[A-Za-z][A-Za-z .]{1,30}$")
CONSENT_TEXT = (
    "登记前请您知道：\n我们会保存您的姓名、电话和住址，\n只用于社区联系您、为您服务，不会给别人。\n"
    "您同意吗？"
)


def _needs_consent(turn: Turn) -> bool:
    from services.people.residents import has_registration_consent

    return not has_registration_consent(turn.session, person_id=turn.person.id)


def read_name(turn: Turn, text: str, parse: Parse) -> str | None:
    name = _NAME_PREFIX.sub("", text.strip()).strip("。，, ")
    return name if _NAME.match(name) else None


def read_birth(turn: Turn, text: str, parse: Parse) -> str | None:
    found = _BIRTH.search(text.replace(" ", ""))
    if found is None:
        return None
    year, month, day = (cn_to_int(part) if part else 1 for part in found.groups())  # 三月八号
    try:
        born = date(year or 0, month or 0, day or 0)
    except ValueError:
        return None
    return born.isoformat() if date(1900, 1, 1) <= born <= clock.today() else None


def read_phone(turn: Turn, text: str, parse: Parse) -> str | None:
    return nlp.extract_phone(text)


def read_address(turn: Turn, text: str, parse: Parse) -> str | None:
    address = text.strip()
    return address[:200] if len(address) >= 4 else None


def read_consent(turn: Turn, text: str, parse: Parse) -> bool | None:
    if text.strip() in ("同意", "我同意") or parse.intent == "affirm":
        return True
    if text.strip() == "不同意" or parse.intent == "deny":
        return False
    return None


def accept_consent(turn: Turn, agreed: object) -> bool:
    if agreed is not True:
        raise FlowEnds("好的，没有登记。\n不登记也可以问政策、找助餐点。")
    return True


def ask_community(turn: Turn) -> Question:
    from services.people.residents import list_communities

    return Question("您住在哪个社区？", [(c.id, c.name) for c in list_communities(turn.session)])


def _community_name(turn: Turn) -> str:
    from services.people.residents import list_communities

    wanted = int(turn.state.slots["community"])
    return next((c.name for c in list_communities(turn.session) if c.id == wanted), "")


def summary(turn: Turn) -> str:
    s = turn.state.slots
    born = date.fromisoformat(str(s["birth"]))
    lines = (f"请核对：\n姓名：{s['name']}\n出生：{born.year}年{born.month}月{born.day}日\n"
             f"电话：{mask_phone(str(s['phone']))}\n"
             f"社区：{_community_name(turn)}\n地址：{s['address']}{_building_words(turn)}")
    pin = pin_of(turn)
    return lines + (f"\n家的位置：{pin_words(pin)}" if pin else "")


def _building_words(turn: Turn) -> str:
    """Name the building the address matched in the community's address book, if one."""
    from services.people.addresses import match_building

    s = turn.state.slots
    building = match_building(turn.session, address=str(s["address"]),
                              community_id=int(s["community"]))
    return f"（{building.name}）" if building else ""


def commit(turn: Turn) -> str:
    from services.people.residents import register_resident

    s = turn.state.slots
    if "consent" not in s and _needs_consent(turn):  # withdrawn in the mini-program meanwhile
        raise FlowEnds("您刚在小程序里撤回了保存个人信息的授权，这次没有登记。\n"
                       "还想登记，回复“登记”，我会先问您同不同意。")
    person = register_resident(turn.session, person=turn.person, name=str(s["name"]),
                               phone=str(s["phone"]), community_id=int(s["community"]),
                               address=str(s["address"]),
                               birth_date=date.fromisoformat(str(s["birth"])))
    pin = pin_of(turn)
    if pin is not None:
        save_pin(turn, person, pin)
    return f"登记好了，{s['name']}！\n{_home_next(turn)}\n现在可以订餐、求助了。回复“菜单”看看。"


def _home_next(turn: Turn) -> str:
    """Say whether meals can come to the door, and what happens when the home is not located."""
    from services.people.addresses import UNLOCATED_NEXT

    person = turn.person
    if person.home_source == "address_book":
        return "按地址找到了您家的楼，可以送餐上门。"
    if person.home_lat_lng is not None:
        return "家的位置也记下了，可以送餐上门。"
    return f"{UNLOCATED_NEXT}\n在家的话，也可以点“+”把位置发给我。"


def ask_address(turn: Turn) -> Question:
    if pin_of(turn) is not None:
        return Question("收到您的位置。\n请再说一下住址（小区、楼号、门牌），送餐员好找：")
    return Question("请告诉我您的住址（小区、楼号、门牌）：\n在家的话，也可以点“+”发送位置。")


def _prefill(turn: Turn, parse: Parse) -> None:
    """Keep every fact a message gives, whichever question it answers (or corrects)."""
    slots, text = turn.state.slots, turn.text
    if phone := nlp.extract_phone(text):
        slots["phone"] = phone
    if said := _SAID_NAME.search(text):
        slots["name"] = said.group(1)
    if ("年" in text or "出生" in text) and (born := read_birth(turn, text, parse)):
        slots["birth"] = born
    if (community := _community_in(turn, text)) is not None:
        slots["community"] = community
    if _ADDRESS.search(text) and not phone:
        slots["address"] = _ADDRESS_LEAD.sub("", text.strip())[:200]


def _community_in(turn: Turn, text: str) -> int | None:
    from services.people.residents import list_communities

    if "社区" not in text and "村" not in text:
        return None
    named = [c.id for c in list_communities(turn.session) if c.name in text]
    return named[0] if len(named) == 1 else None


def _consent_choice(turn: Turn) -> Question:
    return Question(CONSENT_TEXT, [(True, "同意"), (False, "不同意")])


REGISTER = Flow(
    name="register", title="登记", cue="",
    steps=(
        Step("consent", _consent_choice, read_consent, needed=_needs_consent,
             accept=accept_consent),
        Step("name", lambda t: Question("请问您叫什么名字？"), read_name),
        Step("birth", lambda t: Question("您是哪年出生的？（如“1948年3月8日”）"), read_birth),
        Step("phone", lambda t: Question("您的手机号是多少？"), read_phone),
        Step("community", ask_community),
        Step("address", ask_address, read_address),
    ),
    prefill=_prefill, summary=summary, commit=commit,
)
