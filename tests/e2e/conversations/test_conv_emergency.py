"""Emergencies come first: what to do now in the same reply, staff alerted, and where the person is."""

from __future__ import annotations

import pytest

from models.monitoring import RiskAlert

from .talk import (
    NEWCOMER,
    SON,
    WANG,
    Conv,
    both,
    cases,
    help_saved,
    nothing_booked,
    rows,
    run,
)

pytestmark = pytest.mark.e2e
ALERTED = "已经通知社区工作人员"
WANG_HOME = "阳光社区3号楼2单元101"
NOT_REGISTRATION = ("叫什么名字", "登记前请您知道")


def emergency(who: str, *, contains: tuple[str, ...] = (), where: tuple[str, ...] = (),
              for_whom: str | None = None, category: str | None = None):  # type: ignore[no-untyped-def]
    """One emergency request from this person (never two), and a critical alert raised with it."""
    saved = help_saved(who, urgency="emergency", contains=contains, where=where, for_whom=for_whom,
                       category=category)

    def check(chat):  # type: ignore[no-untyped-def]
        saved(chat)
        assert rows(RiskAlert, RiskAlert.kind == "emergency"), "staff should have an emergency alert"

    return check


CALLS = [
    Conv("spouse-fainted", WANG, ["我老伴晕倒了，叫不醒"], {0: ("120", ALERTED)},
         emergency(WANG, contains=("晕倒",), category="medical")),
    Conv("place-said-after-the-alert", WANG, ["我老伴晕倒了，叫不醒", "人在菜市场门口"],
         {0: "120", -1: "菜市场门口"},
         emergency(WANG, contains=("晕倒",), where=("菜市场门口",)),
         never=NOT_REGISTRATION, says_not={-1: "没听明白"}),
    Conv("at-home-picked-by-number", WANG, ["我老伴晕倒了，叫不醒", "1"],
         {-1: WANG_HOME}, emergency(WANG, where=(WANG_HOME,)), says_not={-1: "没听明白"}),
    Conv("home-address-said-is-not-registration", WANG, ["我老伴晕倒了，叫不醒", "在阳光社区3号楼2单元101"],
         {-1: "3号楼2单元101"}, emergency(WANG, where=("3号楼2单元101",)), never=NOT_REGISTRATION),
    Conv("newcomer-someone-fainted-says-where", NEWCOMER, ["救命啊有人晕倒了", "在幸福街道菜市场门口"],
         {0: ("120", "在哪里"), -1: "菜市场门口"},
         emergency(NEWCOMER, contains=("晕倒",), where=("菜市场门口",)), never=NOT_REGISTRATION),
    Conv("neighbours-fire-place-is-the-neighbours", WANG, ["邻居家着火了", "在6号楼"],
         {0: ("119", ALERTED), -1: "6号楼"}, emergency(WANG, contains=("着火",), where=("6号楼",))),
    Conv("gas-smell", WANG, ["厨房煤气味很重"], {0: ("119", "不要开灯", ALERTED)},
         emergency(WANG, contains=("煤气",))),
    Conv("burglar-at-the-door", WANG, ["有人在撬我家门"], {0: ("110", ALERTED)},
         emergency(WANG, contains=("撬",)), says_not={0: "请核对"}),
    Conv("chest-pain-in-the-middle-of-booking", WANG, ["订餐", "明天", "我胸口好痛喘不上气"],
         {-1: ("120", ALERTED)}, both(emergency(WANG, contains=("胸口",)), nothing_booked())),
    Conv("voice-old-man-fell", WANG, ["快来人啊我老头子摔倒了起不来"], {0: ("120", ALERTED)},
         emergency(WANG, contains=("摔倒",))),
    Conv("dialect-cannot-wake-him", WANG, ["俺老头子倒地上了，咋叫都不醒"], {0: ("120", ALERTED)},
         emergency(WANG)),
    Conv("proxy-son-mother-fell-at-home", SON, ["我妈摔倒了起不来了", "1"],
         {0: ("120", ALERTED), -1: WANG_HOME},
         emergency(SON, contains=("摔倒",), for_whom=WANG, where=(WANG_HOME,))),
    Conv("proxy-son-mother-fell-in-the-park", SON, ["我妈在公园摔倒了起不来", "在人民公园东门"],
         {0: "120", -1: "人民公园东门"},
         emergency(SON, for_whom=WANG, where=("人民公园东门",)), never=NOT_REGISTRATION),
    Conv("a-meal-booked-after-an-emergency", WANG, ["我老伴晕倒了，叫不醒", "订明天午饭一份送到家"],
         {-1: ("11月30日（明天）", "1 确认")}, emergency(WANG), says_not={-1: "收到，人在"}),
    Conv("status-after-an-emergency", WANG, ["我老伴晕倒了，叫不醒", "我的求助"],
         {-1: ("QZ-", "马上")}, emergency(WANG), says_not={-1: "哪方面"}),
    Conv("a-sore-leg-is-not-an-emergency", WANG, ["我腿有点疼想找人陪我去医院", "1"],
         {0: "请核对", -1: "已经提交"}, help_saved(WANG, category="medical", contains=("医院",)),
         never=("马上拨打",)),
]


@cases(CALLS)
def test_emergency(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
