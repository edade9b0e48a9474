"""Ways out, in every state: 取消 / 算了 / 不要了 / 退出 / 那就不用了 end the flow with nothing
written; 帮助 says where you are; 重新开始 starts over; 转人工 reaches a person. Misses: the
second offers a person, understanding resets the count, and nobody stays stuck."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from models.activities import ActivitySignup
from models.help_requests import HelpRequest
from models.person import Person
from models.volunteers import Redemption, ServiceRecord, VolunteerProfile

from .talk import (
    LI,
    NEWCOMER,
    WANG,
    ZHANG,
    Chat,
    Check,
    Conv,
    asked_for_a_person,
    book_for,
    bookings,
    cases,
    give_points_to,
    help_requests_of,
    nothing_booked,
    rows,
    run,
)

pytestmark = pytest.mark.e2e
ABANDONED = "已经取消|没有提交|没有登记|好的"


@dataclass(frozen=True)
class State:
    """A place in a conversation: who is there, what they said to get there."""

    name: str
    who: str
    lines: tuple[str, ...]
    setup: Check | None = None
    first_question: str = ""


STATES = [
    State("book-asking-day", WANG, ("订餐",), first_question="订哪天"),
    State("book-asking-count", WANG, ("订餐", "明天", "午饭"), first_question="订哪天"),
    State("book-at-readback", WANG, ("订明天午饭一份送到家",), first_question="订哪天"),
    State("cancel-at-readback", WANG, ("明天的午饭不要了",), book_for(WANG), first_question="取消哪天"),
    State("help-asking-what-happened", LI, ("我想求助", "1"), first_question="哪方面"),
    State("help-at-readback", LI, ("家里没米了",), first_question="哪方面"),
    State("register-asking-name", NEWCOMER, ("我要登记", "1"), first_question="同意吗|名字"),
    State("volunteer-asking-skills", LI, ("我想当志愿者",), first_question="能帮忙做什么"),
    State("log-asking-hours", ZHANG, ("我要记录志愿服务", "今天"), first_question="哪天的服务"),
    State("signup-at-readback", ZHANG, ("报名活动", "1"), first_question="报名哪个活动"),
    State("redeem-asking-reward", ZHANG, ("积分兑换",), give_points_to(ZHANG, 250),
          first_question="想换哪一样|您现在有250积分"),
    State("checkin-at-readback", ZHANG, ("签到",), first_question="现在签到"),
]
EXITS = {"取消": "quxiao", "算了": "suanle", "不要了": "buyaole", "退出": "tuichu",
         "那就不用了": "najiu-buyongle"}


def nothing_written(chat: Chat) -> None:
    """No conversation left anything behind (a booking made beforehand is still there)."""
    assert [(b.person_id, b.status) for b in bookings(status=None)] in ([], [(chat.id(WANG), "booked")])
    assert rows(HelpRequest, HelpRequest.channel == "chat") == []
    assert rows(VolunteerProfile, VolunteerProfile.person_id == chat.id(LI)) == []
    assert rows(ServiceRecord, ServiceRecord.status != "verified") == []  # verified: points given
    assert rows(ActivitySignup) == [] and rows(Redemption) == []
    assert all(p.name is None for p in rows(Person, Person.oa_openid == NEWCOMER))


def _exit_cases() -> list[Conv]:
    return [Conv(f"{state.name}--{EXITS[word]}", state.who, [*state.lines, word, "1"],
                 {-2: ABANDONED}, nothing_written, setup=state.setup,
                 says_not={-2: "没听明白|请核对|要取消的是"})
            for state in STATES for word in EXITS]


def _help_cases() -> list[Conv]:
    return [Conv(f"{state.name}--bangzhu", state.who, [*state.lines, "帮助"], {-1: "您正在"},
                 nothing_written, setup=state.setup) for state in STATES]


def _restart_cases() -> list[Conv]:
    return [Conv(f"{state.name}--chongxin-kaishi", state.who, [*state.lines, "重新开始"],
                 {-1: state.first_question}, nothing_written, setup=state.setup)
            for state in STATES]


def _human_cases() -> list[Conv]:
    return [Conv(f"{state.name}--zhuan-rengong", state.who, [*state.lines, "转人工"],
                 {-1: "已经通知社区工作人员"}, asked_for_a_person(state.who), setup=state.setup)
            for state in STATES]


@cases(_exit_cases())
def test_an_exit_word_ends_the_flow_and_writes_nothing(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)


@cases(_help_cases() + _restart_cases() + _human_cases())
def test_help_restart_and_a_person_work_in_every_state(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)


def one_booking(chat: Chat) -> None:
    assert len(bookings(chat.id(WANG))) == 1


MISSES = [
    Conv("two-misses-in-a-flow-offer-a-person", WANG, ["订餐", "嗯这个那个", "哦哦哦"],
         {1: ("没听明白", "订哪天"), -1: "转人工"}, nothing_booked()),
    Conv("two-misses-idle-offer-a-person", WANG, ["嗯这个那个", "哦哦哦"], {-1: "转人工"}),
    Conv("after-the-offer-a-clear-request-works", WANG, ["嗯这个那个", "哦哦哦", "订明天午饭一份送到家"],
         {-1: ("11月30日（明天）", "1 确认")}, says_not={-1: "没听明白"}),
    Conv("after-the-offer-in-a-flow-an-answer-works", WANG, ["订餐", "嗯这个那个", "哦哦哦", "明天"],
         {-1: "哪一顿"}, says_not={-1: "没听明白"}),
    Conv("after-the-offer-another-flow-starts", WANG, ["订餐", "嗯这个那个", "哦哦哦", "我想求助"],
         {-1: "哪方面"}, says_not={-1: "没听明白"}),
    Conv("understanding-resets-the-count", WANG, ["订餐", "嗯这个那个", "明天", "啊啊啊"],
         {-1: ("没听明白", "哪一顿")}, says_not={-1: "转人工"}),
    Conv("the-offer-taken-reaches-a-person", WANG, ["嗯这个那个", "哦哦哦", "转人工"],
         {-1: "已经通知社区工作人员"}, asked_for_a_person(WANG)),
    Conv("a-miss-at-the-readback-then-yes-books", WANG, ["订明天午饭一份送到家", "嗯这个那个", "1"],
         {1: "1 确认", -1: "订好了"}, one_booking),
    Conv("restart-outside-any-flow-shows-the-menu", WANG, ["重新开始"], {0: "我能帮您"}),
    Conv("a-number-answering-nothing-is-said-so", WANG, ["2"], {0: "没有要您回复数字|没听明白|您是想"}),
]


@cases(MISSES)
def test_misses(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)


def test_a_help_request_left_15_minutes_is_dropped_and_said(chat, frozen_clock):  # type: ignore[no-untyped-def]
    chat.say(LI, "我想求助", "1")
    frozen_clock.advance(minutes=16)
    reply = chat.last(LI, "家里没米了")
    assert "超过15分钟" in reply
    assert help_requests_of(chat.id(LI)) == []


def test_a_booking_left_15_minutes_is_not_booked_by_a_late_yes(chat, frozen_clock):  # type: ignore[no-untyped-def]
    chat.say(WANG, "订明天午饭一份送到家")
    frozen_clock.advance(minutes=16)
    assert "超过15分钟" in chat.last(WANG, "1")
    assert bookings() == []
