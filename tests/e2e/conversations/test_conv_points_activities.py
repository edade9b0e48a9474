"""积分 and 政策: balances asked every which way, rewards spent one question at a time, policies
answered from the knowledge base — also when asked in the middle of something else."""

from __future__ import annotations

import pytest

from models.volunteers import Redemption, Reward

from .talk import (
    LI,
    WANG,
    ZHANG,
    Chat,
    Conv,
    both,
    cases,
    give_points_to,
    nothing_booked,
    rows,
    run,
)

pytestmark = pytest.mark.e2e
ABANDONED = "已经取消|没有提交|好的"


def redeemed(*expected: tuple[str, int]):  # type: ignore[no-untyped-def]
    """Zhang's redemptions, as (reward code, quantity)."""

    def check(chat: Chat) -> None:
        codes = {r.id: r.code for r in rows(Reward)}
        found = [(codes[r.reward_id], r.quantity)
                 for r in rows(Redemption, Redemption.person_id == chat.id(ZHANG))]
        assert found == list(expected), f"redemptions: {found}"

    return check


def balance(points: int):  # type: ignore[no-untyped-def]
    def check(chat: Chat) -> None:
        from core.db import session_scope
        from services.volunteers import get_points_balance

        with session_scope() as s:
            assert get_points_balance(s, person_id=chat.id(ZHANG)) == points

    return check


HAS_120, HAS_250, HAS_50, HAS_150 = (give_points_to(ZHANG, n) for n in (120, 250, 50, 150))

BALANCE = [
    Conv("balance-plain", ZHANG, ["我的积分还有多少"], {0: "120积分"}, setup=HAS_120),
    Conv("balance-colloquial-saved-points", ZHANG, ["我存下的分还有几个"], {0: "120积分"},
         setup=HAS_120, says_not={0: "【志愿服务积分】"}),
    Conv("balance-voice-how-many-now", ZHANG, ["我现在有多少分了"], {0: "120积分"}, setup=HAS_120),
    Conv("balance-of-a-resident", LI, ["我的积分还有多少"], {0: "0积分|还不是志愿者"}),
]

REDEEM = [
    Conv("redeem-rice-names-it-asks-how-many", ZHANG, ["我要用积分兑换大米", "两袋", "1"],
         {0: "最多能换2件", 1: "用200积分兑换", -1: ("兑换成功", "还剩50积分")},
         both(redeemed(("RW-RICE", 2)), balance(50)), setup=HAS_250),
    Conv("redeem-by-numbers", ZHANG, ["积分兑换", "3", "确认"],
         {0: "您现在有120积分", -1: "兑换成功"}, both(redeemed(("RW-RICE", 1)), balance(20)),
         setup=HAS_120),
    Conv("redeem-what-can-i-get", ZHANG, ["积分能换什么"], {0: ("大米", "毛巾")}, setup=HAS_120),
    Conv("redeem-abandoned-at-the-list", ZHANG, ["积分兑换", "算了"], {-1: ABANDONED},
         both(redeemed(), balance(250)), setup=HAS_250),
    Conv("redeem-abandoned-at-readback", ZHANG, ["我要用积分兑换大米", "1", "不换了"],
         {-1: ABANDONED}, both(redeemed(), balance(250)), setup=HAS_250,
         says_not={-1: "兑换成功"}),
    Conv("redeem-quantity-corrected-at-readback", ZHANG, ["我要用积分兑换大米", "1", "改成两袋", "1"],
         {2: "×2", -1: "兑换成功"}, both(redeemed(("RW-RICE", 2)), balance(50)), setup=HAS_250),
    Conv("redeem-readback-then-asks-activities", ZHANG, ["我要用积分兑换大米", "1", "最近有什么活动"],
         {-1: "最近的活动"}, both(redeemed(), balance(250)), setup=HAS_250),
    Conv("redeem-not-enough-points", ZHANG, ["我要用积分兑换大米"], {0: "积分不够了"},
         both(redeemed(), balance(50)), setup=HAS_50),
    Conv("redeem-dialect-a-can-of-oil", ZHANG, ["俺想拿积分换桶油", "中"],
         {0: "食用油", -1: "兑换成功"}, both(redeemed(("RW-OIL", 1)), balance(0)), setup=HAS_150),
    Conv("redeem-by-a-resident", LI, ["积分兑换"], {0: "还不是志愿者"}),
]

POLICIES = [
    Conv("policy-dibao", WANG, ["低保怎么申请"], {0: ("低保", "户口本")}),
    Conv("policy-meal-subsidy", LI, ["助餐补贴标准是多少"], {0: "老年助餐补贴"}),
    Conv("policy-tekun", LI, ["特困供养怎么申请"], {0: "特困"}),
    Conv("policy-disability", LI, ["残疾人有什么补贴"], {0: "残疾人"}),
    Conv("policy-temporary-aid", LI, ["临时救助怎么申请"], {0: "临时救助"}),
    Conv("policy-volunteer-points", LI, ["积分怎么攒"], {0: "志愿服务积分"}),
    Conv("policy-voice-can-i-get-dibao", WANG, ["我家里困难能不能吃低保啊"], {0: "低保"},
         says_not={0: "请核对"}),
    Conv("policy-asked-in-the-middle-of-booking", WANG, ["订餐", "低保怎么申请"],
         {-1: "低保"}, nothing_booked(), says_not={-1: "没听明白"}),
    Conv("greeting", LI, ["你好"], {0: "邻里帮"}),
    Conv("how-to-use", LI, ["怎么用"], {0: "我能帮您"}),
]


@cases(BALANCE + REDEEM + POLICIES)
def test_points_and_policies(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
