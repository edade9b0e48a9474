"""取消订餐, 我的订餐, 菜单, 附近的助餐点: what people ask about meals they have (or want)."""

from __future__ import annotations

import pytest

from .talk import (
    DAY_AFTER,
    LI,
    NEWCOMER,
    SON,
    TOMORROW,
    WANG,
    Conv,
    book_for,
    both,
    cases,
    has_bookings,
    proxy_accepted,
    run,
    setups,
)

pytestmark = pytest.mark.e2e
LUNCH = (TOMORROW, "lunch")
WANG_LUNCH = book_for(WANG)
KEPT = has_bookings(WANG, (*LUNCH, "booked"))
DONE = "已取消|已替王秀英取消"
GONE = has_bookings(WANG, (*LUNCH, "cancelled"))

CANCEL = [
    Conv("cancel-straight", WANG, ["明天的午饭不要了", "1"],
         {0: ("取消的是", "11月30日（明天）", "午餐", "2份"), -1: DONE},
         GONE, setup=book_for(WANG, count=2)),
    Conv("cancel-numbers-only", WANG, ["取消订餐", "2", "2", "1"],
         {0: "取消哪天", 1: "哪一顿", 2: "取消的是", -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("cancel-one-word-answers", WANG, ["我要取消订餐", "明天", "中午的", "确认"],
         {2: "取消的是", -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("cancel-nothing-booked", WANG, ["取消明天的午饭"],
         {0: "不用取消"}, has_bookings(WANG)),
    Conv("cancel-the-wrong-meal-keeps-the-right-one", WANG, ["明天的晚饭不要了"],
         {0: "不用取消"}, KEPT, setup=WANG_LUNCH),
    Conv("cancel-corrected-at-readback", WANG, ["明天的午饭不要了", "不对，是晚饭", "1"],
         {1: ("取消的是", "晚餐"), -1: DONE},
         has_bookings(WANG, (*LUNCH, "booked"), (TOMORROW, "dinner", "cancelled")),
         setup=setups(WANG_LUNCH, book_for(WANG, meal="dinner"))),
    Conv("cancel-says-no-at-readback", WANG, ["明天的午饭不要了", "3"],
         {-1: "没有提交|好的"}, KEPT, setup=WANG_LUNCH),
    Conv("cancel-changes-mind-keeps-it", WANG, ["明天的午饭不要了", "算了，还是要吧"],
         {}, KEPT, setup=WANG_LUNCH, says_not={-1: DONE}),
    Conv("cancel-bu-quxiao-le", WANG, ["取消明天的午饭", "不取消了"],
         {}, KEPT, setup=WANG_LUNCH, says_not={-1: DONE}),
    Conv("cancel-readback-then-asks-the-menu", WANG, ["明天的午饭不要了", "明天午饭吃什么"],
         {-1: "阳光社区助餐点 11月30日（明天）"}, KEPT, setup=WANG_LUNCH),
    Conv("cancel-voice-bu-chi-le", WANG, ["明天中午那顿饭我不吃了", "嗯"],
         {0: "取消的是", -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("cancel-dialect-minger", WANG, ["明儿个晌午饭俺不要了", "中"],
         {0: "取消的是", -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("cancel-the-later-of-two-days", WANG, ["后天的午饭不要了", "1"],
         {0: "12月1日（后天）", -1: DONE},
         has_bookings(WANG, (*LUNCH, "booked"), (DAY_AFTER, "lunch", "cancelled")),
         setup=setups(WANG_LUNCH, book_for(WANG, day=DAY_AFTER))),
]

CANCEL_FOR_A_PARENT = [
    Conv("proxy-son-cancels-mothers-lunch", SON, ["我妈明天的午饭不要了", "1"],
         {0: ("取消的是", "王秀英"), -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("proxy-son-voice-mother-eats-out", SON, ["我妈明天中午不在家吃了", "1"],
         {0: ("取消的是", "王秀英"), -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("proxy-son-cancels-by-her-name", SON, ["帮王秀英取消明天的午饭", "1"],
         {0: "取消的是", -1: DONE}, GONE, setup=WANG_LUNCH),
    Conv("proxy-cancels-hers-not-his-own", SON, ["我妈明天的午饭不要了", "1"],
         {0: "王秀英", -1: DONE},
         both(GONE, has_bookings(SON, (*LUNCH, "booked"))),
         setup=setups(book_for(SON, delivery=False), WANG_LUNCH)),
    Conv("proxy-of-two-asked-whose-meal", SON, ["帮家里老人取消明天的午饭", "1", "1"],
         {0: ("1 王秀英", "2 李建国"), 1: "取消的是", -1: DONE}, GONE,
         setup=setups(WANG_LUNCH, proxy_accepted(agent=SON, principal=LI))),
    Conv("not-a-proxy-cannot-cancel-hers", LI, ["王秀英明天的午饭不要了", "1"],
         {}, KEPT, setup=WANG_LUNCH, never=("已取消",)),
]

MY_BOOKINGS = [
    Conv("query-after-booking", WANG, ["我订了哪几顿"],
         {0: ("您订的餐", "11月30日（明天）午餐 1份")}, KEPT, setup=WANG_LUNCH),
    Conv("query-the-meal-her-son-booked", WANG, ["我儿子帮我订的饭是哪天的"],
         {0: "11月30日（明天）午餐"}, KEPT, setup=book_for(WANG, by=SON)),
    Conv("query-nothing-booked", WANG, ["查一下我的订餐"], {0: "没有订餐"}),
    Conv("query-voice-did-i-book", WANG, ["我明天有没有订饭啊"],
         {0: "11月30日（明天）午餐"}, KEPT, setup=WANG_LUNCH),
    Conv("proxy-son-asks-mothers-bookings", SON, ["我妈订了哪几顿"],
         {0: ("11月30日（明天）午餐", "王秀英")}, KEPT, setup=WANG_LUNCH,
         says_not={0: "没有订餐"}),
]

MENU_AND_NEARBY = [
    Conv("menu-today", WANG, ["今天吃什么"], {0: ("阳光社区助餐点 11月29日（今天）", "午餐：")}),
    Conv("menu-tomorrow-lunch-only", WANG, ["明天午饭有什么菜"],
         {0: ("11月30日（明天）", "午餐：")}, says_not={0: ("早餐：", "晚餐：")}),
    Conv("menu-li-his-own-canteen", LI, ["明天吃什么"], {0: ("和睦社区助餐点", "11月30日（明天）")}),
    Conv("menu-newcomer-told-what-to-do", NEWCOMER, ["今天吃什么"], {0: "登记|位置"}),
    Conv("menu-then-book-from-it", WANG, ["明天午饭有什么菜", "订餐", "2", "2", "1", "1", "1"],
         {-1: "订好了"}, has_bookings(WANG, (*LUNCH, "booked"))),
    Conv("nearby-wang", WANG, ["附近有助餐点吗"], {0: ("离您最近的助餐点", "1 阳光社区助餐点")}),
    Conv("nearby-li", LI, ["老年食堂在哪"], {0: "1 和睦社区助餐点"}),
    Conv("nearby-newcomer-asked-for-location", NEWCOMER, ["附近有助餐点吗"], {0: "位置"}),
    Conv("nearby-asked-in-the-middle-of-booking", WANG, ["订餐", "附近有助餐点吗"],
         {-1: "离您最近的助餐点"}, has_bookings(WANG)),
]


@cases(CANCEL + CANCEL_FOR_A_PARENT + MY_BOOKINGS + MENU_AND_NEARBY)
def test_meals_booked_cancelled_and_asked_about(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
