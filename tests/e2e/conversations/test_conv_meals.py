"""订餐 as people actually ask for it: straight, bit by bit, changing their mind, for a parent.

王秀英 (84, 低保, lives alone) pays 4元 for a delivered lunch (10元 less a 6元
subsidy); 李建国 (74) pays 6元 for a lunch at the 和睦 canteen, which does not
deliver. The clock stands at Sunday 2026-11-29 09:00, so "明天" is 11月30日.
"""

from __future__ import annotations

from datetime import date

import pytest

from .talk import (
    DAY_AFTER,
    LI,
    NEWCOMER,
    SON,
    TODAY,
    TOMORROW,
    WANG,
    Conv,
    book_for,
    booked,
    bookings,
    both,
    cases,
    has_bookings,
    nothing_booked,
    proxy_accepted,
    run,
)

pytestmark = pytest.mark.e2e
READBACK = "11月30日（明天）"
ABANDONED = "已经取消|没有提交|不订了|好的"


def no_delivery(who: str):  # type: ignore[no-untyped-def]
    """Whatever was agreed, nothing is to be delivered from a canteen that does not deliver."""

    def check(chat):  # type: ignore[no-untyped-def]
        assert [b for b in bookings(chat.id(who)) if b.delivery] == []

    return check


STRAIGHT = [
    Conv("straight-lunch-delivered", WANG, ["订明天午饭一份送到家", "1"],
         {0: (READBACK, "午餐", "1份", "送餐上门", "共4元", "补贴6元"), -1: ("订好了", "到时付4元")},
         booked(WANG, delivery=True, payable=400, subsidised=True)),
    Conv("straight-dinner-at-canteen", WANG, ["订明天晚饭一份在食堂吃", "确认"],
         {0: (READBACK, "晚餐", "到助餐点吃"), -1: "订好了"},
         booked(WANG, meal="dinner", delivery=False, payable=0)),
    Conv("straight-breakfast-day-after", WANG, ["订后天早饭一份送到家", "好的"],
         {0: ("12月1日（后天）", "早餐"), -1: "订好了"},
         booked(WANG, day=DAY_AFTER, meal="breakfast", delivery=True, payable=200)),
    Conv("straight-lunch-today-before-cutoff", WANG, ["订今天午饭一份送到家", "是"],
         {0: "11月29日（今天）", -1: "订好了"}, booked(WANG, day=TODAY, delivery=True)),
    Conv("straight-two-portions-helped-by-me", WANG, ["帮我订明天中午的饭，两份，送到家", "1"],
         {0: ("2份", "共12元"), -1: "订好了"}, booked(WANG, count=2, delivery=True, payable=1200)),
    Conv("straight-li-at-canteen", LI, ["订明天午饭一份在食堂吃", "1"],
         {0: (READBACK, "到助餐点吃", "共6元"), -1: "订好了"},
         booked(LI, delivery=False, payable=600)),
]

SLOT_BY_SLOT = [
    Conv("slots-numbers-only", WANG, ["我要订餐", "2", "2", "1", "1", "1"],
         {0: "订哪天", 1: "哪一顿", 2: "几份", 3: "送到家", 4: (READBACK, "午餐"), -1: "订好了"},
         booked(WANG, delivery=True, payable=400)),
    Conv("slots-one-word-answers", WANG, ["订餐", "明天", "午饭", "两份", "送到家", "对"],
         {4: (READBACK, "2份", "送餐上门"), -1: "订好了"}, booked(WANG, count=2, delivery=True)),
    Conv("slots-li-goes-to-the-canteen", LI, ["订餐", "明天", "中午", "一份", "去食堂吃", "好"],
         {4: (READBACK, "到助餐点吃"), -1: "订好了"}, booked(LI, delivery=False)),
    Conv("slots-date-given-then-meal", WANG, ["订明天的饭", "晚饭", "1份", "送过来", "1"],
         {0: "哪一顿", 3: (READBACK, "晚餐"), -1: "订好了"},
         booked(WANG, meal="dinner", delivery=True, payable=200)),
    Conv("slots-only-delivery-missing", LI, ["订明天午饭一份", "2", "1"],
         {0: "送到家", 1: "到助餐点吃", -1: "订好了"}, booked(LI, delivery=False)),
]

CORRECTIONS = [
    Conv("correct-meal-mid-way", WANG, ["订餐", "明天", "午饭", "哦不对，晚饭", "一份", "送到家", "1"],
         {5: (READBACK, "晚餐"), -1: "订好了"}, booked(WANG, meal="dinner", delivery=True),
         says_not={5: "午餐"}),
    Conv("correct-day-in-the-answer", WANG, ["订餐", "明天 哦不对 后天", "午饭", "一份", "送到家", "1"],
         {4: "12月1日（后天）", -1: "订好了"}, booked(WANG, day=DAY_AFTER, delivery=True)),
    Conv("correct-count-in-the-answer", WANG, ["订明天午饭", "一份…不对，两份", "送到家", "1"],
         {2: "2份", -1: "订好了"}, booked(WANG, count=2, delivery=True)),
    Conv("count-taken-back-mid-way", WANG, ["订餐", "明天", "午饭", "两份", "等一下，还是一份吧", "送到家", "1"],
         {5: "1份", -1: "订好了"}, booked(WANG, count=1, delivery=True)),
    Conv("readback-change-count", WANG, ["订明天午饭一份送到家", "改成两份", "1"],
         {1: ("2份", "1 确认"), -1: "订好了"}, booked(WANG, count=2, delivery=True)),
    Conv("readback-change-day", WANG, ["订明天午饭一份送到家", "不对，是后天", "1"],
         {1: "12月1日（后天）", -1: "订好了"}, booked(WANG, day=DAY_AFTER, delivery=True)),
    Conv("readback-change-meal", WANG, ["订明天午饭一份送到家", "改成晚饭", "1"],
         {1: "晚餐", -1: "订好了"}, booked(WANG, meal="dinner", delivery=True, payable=200)),
    Conv("readback-change-delivery", WANG, ["订明天午饭一份送到家", "不送了，我自己去食堂吃", "1"],
         {1: "到助餐点吃", -1: "订好了"}, booked(WANG, delivery=False, payable=200)),
    Conv("readback-redo-from-the-start", WANG,
         ["订明天午饭两份送到家", "2", "明天", "午饭", "一份", "送到家", "1"],
         {1: "订哪天", -1: "订好了"}, booked(WANG, count=1, delivery=True)),
    Conv("readback-change-to-three", WANG, ["订明天午饭一份送到家", "改成三份吧", "是"],
         {1: "3份", -1: "订好了"}, booked(WANG, count=3, delivery=True)),
]

NEW_INTENT_AT_READBACK = [
    Conv("readback-then-asks-the-menu", WANG, ["订明天午饭一份送到家", "今天吃什么"],
         {-1: "阳光社区助餐点 11月29日（今天）"}, nothing_booked()),
    Conv("readback-then-asks-nearest-canteen", WANG, ["订明天午饭一份送到家", "附近有助餐点吗"],
         {-1: "离您最近的助餐点"}, nothing_booked()),
    Conv("readback-then-asks-for-help", WANG, ["订明天午饭一份送到家", "我想求助"],
         {-1: "哪方面的帮助"}, nothing_booked()),
    Conv("readback-then-asks-about-subsidy", WANG, ["订明天午饭一份送到家", "补贴是怎么算的"],
         {-1: "补贴"}, nothing_booked(), says_not={-1: "没听明白"}),
    Conv("readback-then-asks-my-bookings", WANG, ["订明天午饭一份送到家", "我订了哪几顿"],
         {-1: "没有订餐"}, nothing_booked()),
    Conv("readback-then-asks-a-person", WANG, ["订明天午饭一份送到家", "我要找社工"],
         {-1: "已经通知社区工作人员"}, nothing_booked()),
]

ABANDON = [
    Conv("abandon-suanle-buyaole-at-meal", WANG, ["订饭", "明天中午", "算了，不要了"],
         {-1: ABANDONED}, nothing_booked(), says_not={-1: ("几份", "哪一顿", "要取消的是")}),
    Conv("abandon-xian-bu-ding-at-start", WANG, ["订餐", "算了吧，先不订"],
         {-1: ABANDONED}, nothing_booked(), says_not={-1: ("订哪天", "要取消的是", "不用取消")}),
    Conv("abandon-na-jiu-bu-yong-le", WANG, ["订餐", "明天", "那就不用了"],
         {-1: ABANDONED}, nothing_booked(), says_not={-1: ("哪一顿", "要取消的是", "不用取消")}),
    Conv("abandon-bu-yao-le-at-readback", WANG, ["订明天午饭一份送到家", "不要了"],
         {-1: ABANDONED}, nothing_booked()),
    Conv("abandon-bu-ding-le-at-count", WANG, ["订餐", "明天", "午饭", "不订了"],
         {-1: ABANDONED}, nothing_booked(), says_not={-1: ("送到家", "几份")}),
    Conv("abandon-after-booking-keeps-the-booking", WANG,
         ["订明天午饭一份送到家", "1", "订餐", "算了吧，先不订"],
         {1: "订好了", -1: ABANDONED}, booked(WANG, delivery=True),
         says_not={-1: ("要取消的是", "已取消")}),
    Conv("never-mind-after-booking-is-not-a-cancellation", WANG,
         ["订明天午饭一份送到家", "1", "那就不用了"],
         {1: "订好了"}, booked(WANG, delivery=True), says_not={-1: ("要取消的是", "已取消")}),
]

FOR_A_PARENT = [
    Conv("proxy-son-books-dinner-for-mother", SON, ["帮我妈订明天的晚饭一份送到家", "1"],
         {0: ("王秀英", READBACK, "晚餐", "送餐上门"), -1: "订好了"},
         both(booked(WANG, meal="dinner", delivery=True, payable=200, by=SON), nothing_booked(SON))),
    Conv("proxy-son-names-his-mother", SON, ["给王秀英订明天午饭一份送到家", "1"],
         {0: ("王秀英", "补贴6元"), -1: "订好了"},
         both(booked(WANG, delivery=True, payable=400, by=SON), nothing_booked(SON))),
    Conv("proxy-son-slot-by-slot", SON, ["帮我妈订餐", "明天", "午饭", "一份", "送到家", "1"],
         {4: ("王秀英", READBACK), -1: "订好了"},
         both(booked(WANG, delivery=True, by=SON), nothing_booked(SON))),
    Conv("proxy-issue-example-delivery-asked-last", SON, ["帮我妈订明天的晚饭一份", "送到家", "1"],
         {1: ("王秀英", "送餐上门"), -1: "订好了"},
         both(booked(WANG, meal="dinner", delivery=True, by=SON), nothing_booked(SON)),
         never=("还没有登记家里的位置", "还没有王秀英家的位置")),
    Conv("proxy-voice-style-for-mother", SON, ["我妈明天中午想吃饭给她订一份送过去", "1"],
         {0: "王秀英", -1: "订好了"}, both(booked(WANG, delivery=True, by=SON), nothing_booked(SON))),
    Conv("proxy-correction-at-readback", SON, ["帮我妈订明天午饭一份送到家", "改成两份", "1"],
         {1: ("王秀英", "2份"), -1: "订好了"},
         both(booked(WANG, count=2, delivery=True, by=SON), nothing_booked(SON))),
    Conv("proxy-abandoned", SON, ["帮我妈订明天午饭一份送到家", "算了"],
         {-1: ABANDONED}, nothing_booked()),
    Conv("proxy-none-for-li-says-how", LI, ["帮我老伴订明天午饭一份在食堂吃", "1"],
         {0: "代"}, nothing_booked(), says_not={0: "1 确认"}),
]

VOICE_AND_DIALECT = [
    Conv("typos-ding-and-fen", WANG, ["定明天午饭一分送到家", "1"],
         {0: (READBACK, "1份"), -1: "订好了"}, booked(WANG, delivery=True)),
    Conv("voice-rambling-with-yes-en", WANG, ["明天中午那个饭给我订一份啊送家里来", "嗯"],
         {0: READBACK, -1: "订好了"}, booked(WANG, delivery=True)),
    Conv("dialect-minger-shangwu-zhong", WANG, ["俺要订明儿个晌午饭一份送家里", "中"],
         {0: (READBACK, "午餐"), -1: "订好了"}, booked(WANG, delivery=True)),
    Conv("yes-with-thanks", WANG, ["订明天午饭一份送到家", "好的，谢谢"], {-1: "订好了"},
         booked(WANG, delivery=True)),
    Conv("yes-keyi-keyi", WANG, ["订明天午饭一份送到家", "可以可以"], {-1: "订好了"}, booked(WANG, delivery=True)),
    Conv("yes-mei-wenti", WANG, ["订明天午饭一份送到家", "没问题"], {-1: "订好了"}, booked(WANG, delivery=True)),
    Conv("yes-sichuan-yao-de", WANG, ["订明天午饭一份送到家", "要得"], {-1: "订好了"}, booked(WANG, delivery=True)),
    Conv("yes-ok-in-latin-letters", WANG, ["订明天午饭一份送到家", "OK"], {-1: "订好了"},
         booked(WANG, delivery=True)),
    Conv("voice-two-people-dinner", WANG, ["帮我订明天晚上的饭俩人的送上门", "1"],
         {0: ("晚餐", "2份"), -1: "订好了"}, booked(WANG, meal="dinner", count=2, delivery=True)),
    Conv("voice-no-punctuation-thanks", WANG, ["我要订明天的午饭一份送到家里谢谢", "好的"],
         {-1: "订好了"}, booked(WANG, delivery=True)),
    Conv("dialect-li-keep-one-for-me", LI, ["明儿中午我去食堂吃饭给我留一份", "1"],
         {0: (READBACK, "到助餐点吃"), -1: "订好了"}, booked(LI, delivery=False)),
]

NEWCOMERS_AND_REPEATS = [
    Conv("newcomer-wants-a-meal-is-told-to-register", NEWCOMER, ["我要订餐"],
         {0: "登记"}, nothing_booked()),
    Conv("newcomer-one-sentence-is-told-to-register", NEWCOMER, ["订明天午饭一份送到家", "1"],
         {0: "登记"}, nothing_booked()),
    Conv("a-second-yes-books-once", WANG, ["订明天午饭一份送到家", "1", "1"],
         {1: "订好了"}, booked(WANG, delivery=True), says_not={-1: "订好了"}),
]

DATES_AND_REFUSALS = [
    Conv("next-wednesday-read-back-to-check", WANG, ["订下周三午饭一份送到家", "1"],
         {0: ("12月2日（周三）", "请核对日期"), -1: "订好了"},
         booked(WANG, day=date(2026, 12, 2), delivery=True)),
    Conv("date-by-day-of-month", WANG, ["订12月1号的午饭一份送到家", "1"],
         {0: "12月1日（后天）", -1: "订好了"}, booked(WANG, day=DAY_AFTER, delivery=True)),
    Conv("date-by-weekday-tuesday", WANG, ["订周二的午饭一份送到家", "1"],
         {0: "12月1日", -1: "订好了"}, booked(WANG, day=DAY_AFTER, delivery=True)),
    Conv("breakfast-today-is-past-its-cutoff", WANG, ["订今天早饭一份送到家", "1"],
         {}, nothing_booked(), never=("订好了",), says_not={0: "1 确认"}),
    Conv("li-canteen-is-closed-on-sunday", LI, ["订今天午饭一份在食堂吃", "1"],
         {}, nothing_booked(), never=("订好了",), says_not={0: "1 确认"}),
    Conv("li-canteen-does-not-deliver", LI, ["订明天午饭一份送到家", "1"],
         {0: "送餐|送到家"}, no_delivery(LI), never=("送餐上门，共",)),
    Conv("ten-portions-is-too-many", WANG, ["订明天午饭十份送到家", "1"],
         {}, nothing_booked(), never=("订好了",), says_not={0: "10份 送餐上门"}),
]

SEVERAL_PRINCIPALS = [
    Conv("proxy-of-two-asked-which-by-number", SON, ["帮家里老人订明天午饭一份送到家", "1", "1"],
         {0: ("1 王秀英", "2 李建国"), 1: ("王秀英", READBACK), -1: "订好了"},
         both(booked(WANG, delivery=True, by=SON), nothing_booked(SON, LI)),
         setup=proxy_accepted(agent=SON, principal=LI)),
    Conv("proxy-books-what-she-already-booked-once", SON, ["帮我妈订明天午饭一份送到家", "1"],
         {-1: "已经订了|订过"}, has_bookings(WANG, (TOMORROW, "lunch", "booked")), setup=book_for(WANG),
         never=("订好了",)),
    Conv("proxy-of-two-names-the-one", SON, ["给李建国订明天午饭一份在食堂吃", "1"],
         {0: ("李建国", READBACK), -1: "订好了"},
         both(booked(LI, delivery=False, payable=600, by=SON), nothing_booked(SON, WANG)),
         setup=proxy_accepted(agent=SON, principal=LI)),
]



@cases(STRAIGHT + SLOT_BY_SLOT + CORRECTIONS + NEW_INTENT_AT_READBACK + ABANDON + FOR_A_PARENT
       + VOICE_AND_DIALECT + NEWCOMERS_AND_REPEATS + DATES_AND_REFUSALS + SEVERAL_PRINCIPALS)
def test_booking_a_meal(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)


def test_a_son_booking_for_his_mother_tells_her(chat):  # type: ignore[no-untyped-def]
    from models.messaging import Notification

    from .talk import rows

    assert "订好了" in chat.last(SON, "帮我妈订明天午饭一份送到家", "1")
    told = [n for n in rows(Notification, Notification.person_id == chat.id(WANG))
            if n.template == "meal_booking"]
    assert len(told) == 1 and "11月30日" in told[0].text and "午餐" in told[0].text


def test_a_retried_answer_is_taken_once(chat):  # type: ignore[no-untyped-def]
    """WeChat resends a message it got no answer to: the retry must not answer the next question."""
    from bot.simulator import text_xml
    from core import clock

    chat.say(WANG, "订餐")
    tomorrow = text_xml(WANG, "2", msg_id="7300000000000000001", create_time=int(clock.now().timestamp()))
    first, retry = chat.sim.post(tomorrow), chat.sim.post(tomorrow)
    assert "订哪一顿" in first.content and retry.body == first.body
    replies = chat.say(WANG, "2", "1", "1", "1")
    assert "要几份" in replies[0] and "订好了" in replies[-1]
    booked(WANG, delivery=True)(chat)
