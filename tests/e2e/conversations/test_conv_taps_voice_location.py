"""The other ways people talk: menu taps, voice messages (WeChat's recognition text, with its
full stops), and location messages — inside the same conversations as typed text."""

from __future__ import annotations

import pytest

from .talk import (
    LI,
    NEWCOMER,
    SUN,
    TOMORROW,
    WANG,
    ZHANG,
    Chat,
    Conv,
    Tap,
    Voice,
    Where,
    asked_for_a_person,
    book_for,
    booked,
    cases,
    has_bookings,
    help_saved,
    no_help_saved,
    nothing_booked,
    run,
    service_records,
)

pytestmark = pytest.mark.e2e
READBACK = "11月30日（明天）"
NEAR_HEMU = Where(30.2801, 120.1651, "和睦社区")
WANG_BUILDING = Where(30.2745, 120.1556, "阳光社区3号楼")


def closed_record(chat: Chat) -> None:
    [record] = service_records(chat.id(ZHANG))
    assert record.ended_at is not None


def checked_in_where(chat: Chat) -> None:
    [record] = service_records(chat.id(ZHANG))
    assert record.check_in_location is not None


TAPS = [
    Conv("tap-book-then-numbers", WANG, [Tap("MEAL_BOOK"), "2", "2", "1", "1", "1"],
         {0: "订哪天", 4: READBACK, -1: "订好了"}, booked(WANG, delivery=True, payable=400)),
    Conv("tap-cancel-then-numbers", WANG, [Tap("MEAL_CANCEL"), "2", "2", "1"],
         {0: "取消哪天", -1: "已取消"}, has_bookings(WANG, (TOMORROW, "lunch", "cancelled")),
         setup=book_for(WANG)),
    Conv("tap-my-bookings", WANG, [Tap("MEAL_QUERY")], {0: "11月30日（明天）午餐"}, setup=book_for(WANG)),
    Conv("tap-help-then-words", LI, [Tap("HELP_REQUEST"), "1", "家里没米了", "1"],
         {0: "哪方面", -1: "已经提交"}, help_saved(LI, category="living", contains=("没米",))),
    Conv("tap-help-status", SUN, [Tap("HELP_STATUS")], {0: "QZ-"}, no_help_saved(SUN)),
    Conv("tap-human", LI, [Tap("HUMAN")], {0: "已经通知社区工作人员"}, asked_for_a_person(LI)),
    Conv("tap-checkin-and-checkout", ZHANG, [Tap("VOLUNTEER_CHECKIN"), "1", Tap("VOLUNTEER_CHECKOUT"), "1"],
         {1: "签到成功", -1: "签退成功"}, closed_record),
    Conv("tap-points", ZHANG, [Tap("VOLUNTEER_POINTS")], {0: "积分"}),
    Conv("tap-activities", ZHANG, [Tap("ACTIVITIES")], {0: "敬老院包饺子"}),
    Conv("tap-help-at-the-booking-readback", WANG, ["订明天午饭一份送到家", Tap("HELP_REQUEST")],
         {-1: "哪方面"}, nothing_booked()),
]

VOICE = [
    Conv("voice-book-step-by-step", WANG, [Voice("订明天的午饭一份。"), Voice("送到家。"), Voice("确认。")],
         {1: READBACK, -1: "订好了"}, booked(WANG, delivery=True)),
    Conv("voice-cancel", WANG, [Voice("明天的午饭不要了。"), Voice("是的。")],
         {0: "取消的是", -1: "已取消"},
         has_bookings(WANG, (TOMORROW, "lunch", "cancelled")),
         setup=book_for(WANG)),
    Conv("voice-help", LI, [Voice("我家里没有米了。"), Voice("对。")],
         {-1: "已经提交"}, help_saved(LI, category="living")),
    Conv("voice-emergency", WANG, [Voice("快来人我老伴摔倒了。")], {0: "120"},
         help_saved(WANG, urgency="emergency")),
    Conv("voice-unheard-then-typed", WANG, [Voice(""), "订明天午饭一份送到家", "1"],
         {0: "没听清", -1: "订好了"}, booked(WANG, delivery=True)),
    Conv("voice-abandons-a-tapped-booking", WANG, [Tap("MEAL_BOOK"), Voice("算了。")],
         {-1: "已经取消|没有提交|好的"}, nothing_booked()),
]

LOCATIONS = [
    Conv("location-newcomer-finds-the-nearest", NEWCOMER, [NEAR_HEMU, "附近有助餐点吗"],
         {0: "和睦社区助餐点", -1: "1 和睦社区助餐点"}),
    Conv("location-answers-where-in-an-emergency", NEWCOMER, ["救命啊有人晕倒了", WANG_BUILDING],
         {0: "120"}, help_saved(NEWCOMER, urgency="emergency", where=("阳光社区3号楼",)),
         says_not={-1: "没听明白"}),
    Conv("location-then-checkin-records-where", ZHANG, [WANG_BUILDING, "签到", "1"],
         {-1: "签到成功"}, checked_in_where),
]


@cases(TAPS + VOICE + LOCATIONS)
def test_taps_voice_and_location(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
