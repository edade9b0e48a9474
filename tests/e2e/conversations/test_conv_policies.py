"""问政策 for every layer of assistance: who qualifies, what to bring, where to go, whom to call,
then the matching step offered ("需要帮您申请吗？回复1") and taken when the person replies 1.

王秀英 (84, verified 低保) lives in 阳光社区 (phone 0571-88880001); 李建国 (74) in 和睦社区
(0571-88880002); both in 幸福街道. A newcomer has no community yet: the county hotline answers.
"""

from __future__ import annotations

import pytest

from .talk import (
    LI,
    NEWCOMER,
    WANG,
    ZHANG,
    Chat,
    Conv,
    booked,
    cases,
    help_requests_of,
    run,
)

pytestmark = pytest.mark.e2e
LI_PHONE = "0571-88880002"
WANG_PHONE = "0571-88880001"
ANSWER = ("谁能办", "带什么", "到哪办")
APPLY = "需要帮您申请吗？回复1"
INTAKE = "哪方面的帮助|请简单说说"


def applied(who: str, category: str, title: str):  # type: ignore[no-untyped-def]
    """One help request filed from chat, as an application for this programme."""

    def check(chat: Chat) -> None:
        [request] = help_requests_of(chat.id(who))
        assert request.category == category and title in request.description

    return check


def nothing_filed(who: str):  # type: ignore[no-untyped-def]
    def check(chat: Chat) -> None:
        assert help_requests_of(chat.id(who)) == []

    return check


FAMILIES = [
    Conv("bare-medical-aid-is-answered-not-an-intake", LI, ["医疗救助"],
         {0: (*ANSWER, "医保报销后", "住院发票", "一站式", "幸福街道", LI_PHONE, APPLY)},
         nothing_filed(LI), says_not={0: INTAKE}),
    Conv("bare-temporary-aid-is-answered-not-an-intake", LI, ["临时救助"],
         {0: (*ANSWER, "火灾", "先救助、后补材料", "和睦社区服务站", LI_PHONE, APPLY)},
         nothing_filed(LI), says_not={0: INTAKE}),
    Conv("dibao", WANG, ["低保怎么申请"],
         {0: ("低保（最低生活保障）", "户口本", "幸福街道便民服务中心 社会救助窗口", WANG_PHONE, APPLY)}),
    Conv("dibao-edge", LI, ["低保边缘"], {0: ("低保边缘家庭", "1.5倍", *ANSWER, APPLY)},
         says_not={0: "低保（最低生活保障）"}),
    Conv("rigid-expense", LI, ["刚性支出困难"], {0: ("刚性支出困难家庭", "发票", *ANSWER, APPLY)},
         nothing_filed(LI), says_not={0: INTAKE}),
    Conv("return-to-poverty-watch", LI, ["防止返贫监测"],
         {0: ("防止返贫监测", "和睦社区居（村）委会", *ANSWER, APPLY)}),
    Conv("education-aid", LI, ["教育救助"], {0: ("教育救助", "学生证", *ANSWER)},
         says_not={0: INTAKE}),
    Conv("housing-aid", LI, ["住房救助"], {0: ("住房救助", "住房保障窗口", *ANSWER)},
         says_not={0: INTAKE}),
    Conv("employment-aid", LI, ["就业救助"], {0: ("就业救助", "就业服务窗口", *ANSWER)},
         says_not={0: INTAKE}),
    Conv("tekun", LI, ["特困"], {0: ("特困人员救助供养", *ANSWER, APPLY)}),
    Conv("recently-exited", LI, ["刚退出低保还有补助吗"], {0: ("渐退期", "6到12个月", *ANSWER)}),
    Conv("disability", LI, ["残疾人两项补贴"], {0: ("残疾证", *ANSWER)}),
    Conv("meal-subsidy-by-age-tier-disability", LI, ["助餐补贴"],
         {0: ("老年助餐补贴", "80岁以上3元", "80岁以上且为低保对象6元", "有残疾3元", "特困对象7元",
              "我的补贴", "需要帮您订餐吗？回复1")}),
    Conv("service-points-for-a-resident", LI, ["服务积分"],
         {0: ("志愿服务积分", "满1小时", "想报名当志愿者吗？回复1")}),
    Conv("service-points-for-a-volunteer", ZHANG, ["服务积分"],
         {0: ("志愿服务积分", "要查您的积分吗？回复1")}, says_not={0: "想报名当志愿者"}),
    Conv("newcomer-gets-the-county-hotline", NEWCOMER, ["低保怎么申请"],
         {0: ("低保", "所在乡镇（街道）便民服务中心", "12345")}),
    Conv("the-list-then-a-number", LI, ["问政策", "2"],
         {0: ("想了解哪项政策", "1 低保（最低生活保障）", "住房救助"), 1: ("特困人员救助供养", APPLY)}),
]

OWN_SUBSIDY = [
    Conv("why-is-my-subsidy-6-yuan", WANG, ["我的补贴为什么是6元"],
         {0: ("84岁", "低保对象", "80岁以上且为低保对象", "每餐补贴6元", "只补本人1份", "每月最多补180元",
              WANG_PHONE, "需要帮您订餐吗？回复1")}, says_not={0: "刚性支出"}),
    Conv("my-subsidy-by-age-alone", LI, ["我的补贴是多少"],
         {0: ("74岁", "70至79岁", "每餐补贴2元")}, says_not={0: "低保对象"}),
    Conv("a-newcomer-is-asked-to-register-first", NEWCOMER, ["我的补贴为什么这么少"],
         {0: ("还不知道您的年龄", "登记")}),
]

OFFERS_TAKEN = [
    Conv("medical-aid-then-1-applies", LI, ["医疗救助", "1", "1"],
         {1: ("请核对", "看病", "想申请医疗救助"), 2: ("已经提交", "QZ-")},
         applied(LI, "medical", "医疗救助")),
    Conv("temporary-aid-then-yes-applies", WANG, ["临时救助", "需要", "1"],
         {1: ("请核对", "想申请临时救助"), 2: "已经提交"}, applied(WANG, "living", "临时救助")),
    Conv("housing-aid-then-1-applies-as-housing", LI, ["住房救助", "1", "1"],
         {2: "已经提交"}, applied(LI, "housing", "住房救助")),
    Conv("education-aid-then-1-applies-as-education", LI, ["教育救助", "1", "1"],
         {2: "已经提交"}, applied(LI, "education", "教育救助")),
    Conv("the-offer-declined-with-2", LI, ["特困", "2"], {1: "先不办"}, nothing_filed(LI),
         says_not={1: "没有要您回复数字"}),
    Conv("an-application-can-still-be-refused", LI, ["低保", "1", "3"],
         {1: "请核对", 2: "没有提交"}, nothing_filed(LI)),
    Conv("meal-subsidy-then-1-books", WANG, ["助餐补贴", "1", "明天", "午饭", "1份", "送到家", "1"],
         {1: "订哪天", 6: "订好了"}, booked(WANG, delivery=True, payable=400)),
    Conv("own-subsidy-then-1-books", LI, ["我的补贴是多少", "1"], {1: "订哪天"}),
    Conv("service-points-then-1-registers", LI, ["服务积分", "1"], {1: "能帮忙做什么"}),
    Conv("service-points-then-1-shows-the-balance", ZHANG, ["服务积分", "1"], {1: "积分"},
         says_not={1: "能帮忙做什么"}),
    Conv("the-offer-is-forgotten-by-a-new-question", LI, ["医疗救助", "今天吃什么", "1"],
         {2: "没有要您回复数字"}, nothing_filed(LI)),
    Conv("asked-mid-booking-no-offer-and-the-booking-goes-on", WANG, ["订餐", "医疗救助", "2"],
         {1: ("医疗救助", "订餐还没办完"), 2: "哪一顿"}, nothing_filed(WANG),
         says_not={1: APPLY}),
]

READ_BACK = [
    Conv("read-back-breakdown-delivered", WANG, ["订明天午饭一份送到家"],
         {0: "共4元：饭钱8元，补贴6元（80岁以上且为低保对象），送餐费2元"}),
    Conv("read-back-breakdown-two-portions", WANG, ["订明天午饭两份送到家"],
         {0: "共12元：饭钱16元，补贴6元（80岁以上且为低保对象，只补本人1份），送餐费2元"}),
    Conv("read-back-breakdown-at-the-canteen", LI, ["订明天午饭一份在食堂吃"],
         {0: "共6元：饭钱8元，补贴2元（70至79岁）"}, says_not={0: "送餐费"}),
]


@cases(FAMILIES + OWN_SUBSIDY + OFFERS_TAKEN + READ_BACK)
def test_policies(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
