"""登记 for people never seen before, and family or neighbours acting for an elder:
the elder says yes or no to an invitation in chat, and only an accepted proxy can act."""

from __future__ import annotations

from datetime import date

import pytest

from models.person import Person

from .talk import (
    LI,
    NEWCOMER,
    WANG,
    Chat,
    Conv,
    asked_for_a_person,
    booked,
    both,
    cases,
    nothing_booked,
    proxy_invited,
    proxy_status,
    rows,
    run,
)

pytestmark = pytest.mark.e2e
WANG_PHONE = "13800138001"
ABANDONED = "已经取消|没有提交|没有登记|好的"
THE_REST = ["1948年3月8日", "13812345678", "1", "阳光社区7号楼101"]


def registered(*, name: str = "赵大妈", phone: str = "13812345678", address: str = "阳光社区7号楼101",
               born: date = date(1948, 3, 8)):  # type: ignore[no-untyped-def]
    def check(chat: Chat) -> None:
        [p] = rows(Person, Person.oa_openid == NEWCOMER)
        assert (p.name, p.phone, p.address, p.birth_date) == (name, phone, address, born)
        assert p.community_id is not None

    return check


def not_registered(chat: Chat) -> None:
    found = rows(Person, Person.oa_openid == NEWCOMER)
    assert all(p.name is None and p.phone is None for p in found)


REGISTER = [
    Conv("register-numbers-and-voice-phone", NEWCOMER,
         ["我要登记", "1", "我叫赵大妈", "1948年3月8日", "幺三八 一二三四 五六七八", "1", "阳光社区7号楼101", "1"],
         {0: "同意吗", 1: "名字", 2: "哪年出生", 3: "手机号", 4: "哪个社区", 5: "住址",
          6: ("赵大妈", "138****5678"), -1: "登记好了"}, registered()),
    Conv("register-in-words", NEWCOMER,
         ["登记", "同意", "赵大妈", "1948年3月8日", "13812345678", "阳光社区", "阳光社区7号楼101", "对"],
         {-1: "登记好了"}, registered()),
    Conv("register-name-and-phone-in-the-first-message", NEWCOMER,
         ["我要登记，我叫赵大妈，电话13812345678", "同意", "1948年3月8日", "阳光社区", "阳光社区7号楼101", "1"],
         {1: "哪年出生", 2: "哪个社区", -1: "登记好了"}, registered(), never=("叫什么名字", "手机号是多少")),
    Conv("register-birth-in-chinese-numerals", NEWCOMER,
         ["我要登记", "1", "赵大妈", "1948年三月八号", "13812345678", "1", "阳光社区7号楼101", "1"],
         {3: "手机号", 6: "1948年3月8日", -1: "登记好了"}, registered()),
    Conv("register-short-community-name-and-spaced-phone", NEWCOMER,
         ["我要登记", "1", "赵大妈", "1948年3月8日", "138 1234 5678", "阳光", "阳光社区7号楼101", "1"],
         {4: "哪个社区", 5: "住址", -1: "登记好了"}, registered()),
    Conv("register-consent-given-with-haode", NEWCOMER, ["我要登记", "好的"], {-1: "名字"}),
    Conv("register-consent-refused-by-number", NEWCOMER, ["我要登记", "2"], {-1: "没有登记"}, not_registered),
    Conv("register-consent-refused-in-words", NEWCOMER, ["我要登记", "不同意"], {-1: "没有登记"}, not_registered),
    Conv("register-abandoned-after-the-name", NEWCOMER, ["我要登记", "1", "我叫赵大妈", "算了"],
         {-1: ABANDONED}, not_registered, says_not={-1: "哪年出生"}),
    Conv("register-phone-corrected-at-readback", NEWCOMER,
         ["我要登记", "1", "我叫赵大妈", *THE_REST, "不对，电话是13912345678", "1"],
         {-2: "139****5678", -1: "登记好了"}, registered(phone="13912345678")),
    Conv("register-address-corrected-at-readback", NEWCOMER,
         ["我要登记", "1", "我叫赵大妈", *THE_REST, "地址错了，是阳光社区8号楼202", "1"],
         {-2: "阳光社区8号楼202", -1: "登记好了"}, registered(address="阳光社区8号楼202")),
    Conv("register-asks-for-a-person-midway", NEWCOMER, ["我要登记", "1", "转人工"],
         {-1: "已经通知社区工作人员"}, both(not_registered, asked_for_a_person(NEWCOMER))),
    Conv("register-then-book-a-meal", NEWCOMER,
         ["我要订餐", "登记", "1", "我叫赵大妈", *THE_REST, "1", "订明天午饭一份在食堂吃", "1"],
         {0: "登记", -3: "登记好了", -2: "共6元", -1: "订好了"},
         booked(NEWCOMER, delivery=False, payable=600)),
]

PROXY_INVITATIONS = [
    Conv("elder-accepts-an-invitation", WANG, ["同意"], {},
         proxy_status(agent=LI, principal=WANG, status="accepted"),
         setup=proxy_invited(agent=LI, principal_phone=WANG_PHONE), says_not={0: "没听明白|登记前"}),
    Conv("elder-accepts-in-her-words", WANG, ["好的，让他帮我办吧"], {},
         proxy_status(agent=LI, principal=WANG, status="accepted"),
         setup=proxy_invited(agent=LI, principal_phone=WANG_PHONE)),
    Conv("elder-refuses-an-invitation", WANG, ["不同意"], {},
         proxy_status(agent=LI, principal=WANG, status="declined"),
         setup=proxy_invited(agent=LI, principal_phone=WANG_PHONE), says_not={0: "没听明白"}),
    Conv("elder-refuses-in-her-words", WANG, ["不要，我不认识他"], {},
         proxy_status(agent=LI, principal=WANG, status="declined"),
         setup=proxy_invited(agent=LI, principal_phone=WANG_PHONE)),
    Conv("invited-but-not-accepted-cannot-book", LI, ["帮王秀英订明天午饭一份送到家", "1"],
         {}, nothing_booked(), setup=proxy_invited(agent=LI, principal_phone=WANG_PHONE),
         never=("订好了",)),
    Conv("newcomer-for-mother-told-how-to-become-a-proxy", NEWCOMER, ["帮我妈订明天午饭一份"],
         {0: "代|登记"}, nothing_booked(), says_not={0: "1 确认"}),
]


@cases(REGISTER + PROXY_INVITATIONS)
def test_register_and_proxies(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)


def test_a_new_follower_is_welcomed_and_told_to_register(chat):  # type: ignore[no-untyped-def]
    welcome = chat.sim.event(NEWCOMER, "subscribe").content
    assert "欢迎关注邻里帮" in welcome and "登记" in welcome
    assert "同意吗" in chat.last(NEWCOMER, "登记")


def test_accepted_in_chat_then_the_neighbour_books_for_her(chat):  # type: ignore[no-untyped-def]
    proxy_invited(agent=LI, principal_phone=WANG_PHONE)(chat)
    chat.say(WANG, "同意")
    readback = chat.last(LI, "帮王秀英订明天午饭一份送到家")
    assert "王秀英" in readback and "11月30日（明天）" in readback
    assert "订好了" in chat.last(LI, "1")
    booked(WANG, delivery=True, payable=400, by=LI)(chat)
    nothing_booked(LI)(chat)
