"""志愿者: check in and out, log a service after the fact, register, sign up; and the old
person confirming a service — each as the volunteer (or the old person) would say it."""

from __future__ import annotations

from datetime import date

import pytest

from models.activities import Activity, ActivitySignup
from models.volunteers import ServiceRecord, VolunteerProfile

from .talk import (
    LI,
    TODAY,
    WANG,
    YESTERDAY,
    ZHANG,
    Chat,
    Conv,
    both,
    cases,
    rows,
    run,
    service_for,
    service_records,
)

pytestmark = pytest.mark.e2e
ABANDONED = "已经取消|没有提交|好的"
ZHANG_SKILLS = ["买菜", "陪伴聊天", "读报"]


def records(*expected: tuple[str, bool]):  # type: ignore[no-untyped-def]
    """Zhang's service records, as (status, ended): no open record she does not know about."""

    def check(chat: Chat) -> None:
        found = [(r.status, r.ended_at is not None) for r in service_records(chat.id(ZHANG))]
        assert found == list(expected), f"service records: {found}"

    return check


def no_open_record(chat: Chat) -> None:
    """She said 签退: whatever happened, no service is left running."""
    found = [(r.status, r.ended_at) for r in service_records(chat.id(ZHANG))]
    assert all(ended is not None for _, ended in found), f"an open service record: {found}"


def logged(day, minutes):  # type: ignore[no-untyped-def]
    """One service logged after the fact, for this day and length; her skills untouched."""

    def check(chat: Chat) -> None:
        found = [(r.service_day, r.minutes, r.source) for r in service_records(chat.id(ZHANG))]
        assert found == [(day, minutes, "logged")], f"service records: {found}"
        skills_unchanged(chat)

    return check


def skills_unchanged(chat: Chat) -> None:
    [profile] = rows(VolunteerProfile, VolunteerProfile.person_id == chat.id(ZHANG))
    assert profile.skills == ZHANG_SKILLS and profile.status == "verified"


def nothing_logged(chat: Chat) -> None:
    assert service_records(chat.id(ZHANG)) == []
    skills_unchanged(chat)


def applied(who: str, skills: list[str] | None):  # type: ignore[no-untyped-def]
    """A volunteer application waiting for staff (or none at all)."""

    def check(chat: Chat) -> None:
        found = rows(VolunteerProfile, VolunteerProfile.person_id == chat.id(who))
        if skills is None:
            assert found == []
            return
        [profile] = found
        assert profile.status == "pending" and profile.skills == skills

    return check


def signed_up(*titles: str):  # type: ignore[no-untyped-def]
    def check(chat: Chat) -> None:
        names = {a.id: a.title for a in rows(Activity)}
        found = [names[s.activity_id] for s in rows(ActivitySignup, ActivitySignup.volunteer_id == chat.id(ZHANG))]
        assert found == list(titles), f"signed up for {found}"

    return check


def service_answer(status: str, *, needs_staff: bool = False):  # type: ignore[no-untyped-def]
    def check(chat: Chat) -> None:
        [record] = rows(ServiceRecord, ServiceRecord.beneficiary_id == chat.id(WANG))
        assert (record.status, record.needs_staff) == (status, needs_staff)

    return check


CHECK_IN_OUT = [
    Conv("checkin-and-checkout", ZHANG, ["签到", "1", "签退", "1"],
         {1: "签到成功", -1: "签退成功"}, records(("pending_confirmation", True))),
    Conv("checkout-said-at-the-checkin-readback", ZHANG, ["签到", "签退", "1"],
         {}, no_open_record, says_not={-1: "签到成功"}),
    Conv("checkin-yes-in-words", ZHANG, ["签到", "好的"], {-1: "签到成功"}, records(("open", False))),
    Conv("checkin-voice-arrived", ZHANG, ["我到张奶奶家了，开始服务", "1"],
         {0: "现在签到", -1: "签到成功"}, records(("open", False))),
    Conv("checkout-voice-finished", ZHANG, ["签到", "1", "服务结束了", "1"],
         {-1: "签退成功"}, records(("pending_confirmation", True))),
    Conv("checkout-with-nothing-open", ZHANG, ["签退", "1"], {}, records(), never=("签退成功",)),
    Conv("checkin-abandoned", ZHANG, ["签到", "算了"], {-1: ABANDONED}, records()),
    Conv("checkin-readback-then-asks-points", ZHANG, ["签到", "我的积分还有多少"],
         {-1: "积分"}, records(), never=("签到成功",)),
    Conv("checkin-by-a-resident", LI, ["签到"], {0: "还不是志愿者"}),
]

SERVICE_LOG = [
    Conv("log-one-sentence", ZHANG, ["今天帮李奶奶买菜两个小时", "1"],
         {0: ("11月29日（今天）", "服务2小时"), -1: "记好了"}, logged(TODAY, 120)),
    Conv("log-slot-by-slot-today", ZHANG, ["我要记录志愿服务", "今天", "2", "帮李奶奶买菜", "1"],
         {0: "哪天的服务", 1: "多长时间", 2: "做了什么", -1: "记好了"}, logged(TODAY, 120),
         never=("您能帮忙做什么",)),
    Conv("log-slot-by-slot-yesterday-in-words", ZHANG, ["我要记录志愿服务", "昨天", "两个小时", "陪王奶奶聊天", "1"],
         {3: "11月28日", -1: "记好了"}, logged(YESTERDAY, 120)),
    Conv("log-voice-yesterday-afternoon", ZHANG, ["昨天下午陪王奶奶去医院三个小时", "1"],
         {0: ("11月28日", "服务3小时"), -1: "记好了"}, logged(YESTERDAY, 180)),
    Conv("log-day-before-yesterday-an-hour-and-a-half", ZHANG,
         ["我要记录志愿服务", "前天", "一个半小时", "陪刘奶奶聊天", "1"],
         {3: ("11月27日", "1.5小时"), -1: "记好了"}, logged(date(2026, 11, 27), 90)),
    Conv("log-from-eight-to-half-past-eleven", ZHANG, ["今天上午八点到十一点半帮孙奶奶打扫卫生", "1"],
         {0: "3.5小时", -1: "记好了"}, logged(TODAY, 210)),
    Conv("log-hours-corrected-at-readback", ZHANG, ["今天帮李奶奶买菜两个小时", "不对，是三个小时", "1"],
         {1: "服务3小时", -1: "记好了"}, logged(TODAY, 180)),
    Conv("log-day-corrected-at-readback", ZHANG, ["今天帮李奶奶买菜两个小时", "不对，是昨天", "1"],
         {1: "11月28日", -1: "记好了"}, logged(YESTERDAY, 120)),
    Conv("log-abandoned-at-the-start", ZHANG, ["我要记录志愿服务", "算了"], {-1: ABANDONED}, nothing_logged),
    Conv("log-abandoned-at-readback", ZHANG, ["今天帮李奶奶买菜两个小时", "不要了"],
         {-1: ABANDONED}, nothing_logged),
    Conv("log-readback-then-asks-points", ZHANG, ["今天帮李奶奶买菜两个小时", "我的积分还有多少"],
         {-1: "积分"}, nothing_logged),
    Conv("log-dialect-two-hours", ZHANG, ["今儿个帮隔壁刘大爷拾掇屋子俩钟头", "中"],
         {0: "服务2小时", -1: "记好了"}, logged(TODAY, 120)),
    Conv("log-by-a-resident", LI, ["今天帮邻居买菜两个小时"], {0: "还不是志愿者"}),
]

REGISTER_AND_SIGN_UP = [
    Conv("register-by-number", LI, ["我想当志愿者", "1", "1"],
         {1: "买菜跑腿", -1: "报名成功"}, applied(LI, ["买菜跑腿"])),
    Conv("register-in-words", LI, ["我想当志愿者", "买菜、陪伴聊天", "1"],
         {-1: "报名成功"}, applied(LI, ["买菜", "陪伴聊天"])),
    Conv("register-abandoned", LI, ["我想当志愿者", "算了"], {-1: ABANDONED}, applied(LI, None)),
    Conv("register-when-already-a-volunteer", ZHANG, ["我想当志愿者", "1"],
         {0: "已经是志愿者"}, skills_unchanged, never=("报名成功",)),
    Conv("activities-listed", ZHANG, ["最近有什么活动"], {0: ("敬老院包饺子", "12月2日（周三）")}),
    Conv("signup-first", ZHANG, ["报名活动", "1", "1"], {1: "请核对", -1: "报名成功"},
         signed_up("敬老院包饺子")),
    Conv("signup-second", ZHANG, ["报名活动", "2", "确认"], {-1: "报名成功"}, signed_up("义务理发进社区")),
    Conv("signup-by-name", ZHANG, ["我想报名包饺子的活动", "1", "1"], {}, signed_up("敬老院包饺子")),
    Conv("signup-abandoned", ZHANG, ["报名活动", "不要了"], {-1: ABANDONED}, signed_up()),
    Conv("signup-readback-then-asks-points", ZHANG, ["报名活动", "1", "我的积分还有多少"],
         {-1: "积分"}, signed_up()),
]

BENEFICIARY_CONFIRMS = [
    Conv("old-person-confirms-with-1", WANG, ["1"], {0: "谢谢|确认"}, service_answer("verified"),
         setup=service_for(WANG), says_not={0: "没听明白|没有要您回复数字"}),
    Conv("old-person-confirms-with-dui", WANG, ["对的"], {}, service_answer("verified"),
         setup=service_for(WANG), says_not={0: "没听明白"}),
    Conv("old-person-says-not-right", WANG, ["2"], {},
         service_answer("pending_confirmation", needs_staff=True), setup=service_for(WANG),
         says_not={0: "没听明白|没有要您回复数字"}),
    Conv("old-person-says-nobody-came", WANG, ["不对，今天没人来过"], {},
         both(service_answer("pending_confirmation", needs_staff=True)), setup=service_for(WANG)),
]


@cases(CHECK_IN_OUT + SERVICE_LOG + REGISTER_AND_SIGN_UP + BENEFICIARY_CONFIRMS)
def test_volunteering(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
