"""求助 and 求助进度: what people need, said their way; the request keeps what they said."""

from __future__ import annotations

import pytest

from .talk import (
    LI,
    NEWCOMER,
    SON,
    SUN,
    WANG,
    ZHOU,
    Conv,
    asked_for_a_person,
    cases,
    help_filed,
    help_saved,
    no_help_saved,
    rated,
    resolved_by_staff,
    run,
)

pytestmark = pytest.mark.e2e
SUBMITTED = "已经提交，编号QZ-"
ABANDONED = "已经取消|没有提交|好的"
WANG_HOME = "阳光社区3号楼2单元101"

ASK_FOR_HELP = [
    Conv("help-straight-no-rice", LI, ["家里没米了", "1"],
         {0: ("生活困难", "家里没米了"), -1: SUBMITTED},
         help_saved(LI, category="living", contains=("没米",))),
    Conv("help-numbers-then-story", LI, ["我想求助", "2", "腿疼得厉害，想找人陪我去医院", "1"],
         {0: "哪方面", 1: "什么情况", 2: "看病", -1: SUBMITTED},
         help_saved(LI, category="medical", contains=("医院",))),
    Conv("help-category-said-in-a-word", LI, ["我想求助", "看病", "要去医院复查没人陪", "1"],
         {1: "什么情况", 2: "看病", -1: SUBMITTED},
         help_saved(LI, category="medical", contains=("复查",))),
    Conv("help-cleaning-in-one-sentence", LI, ["能不能派人帮我打扫卫生", "是"],
         {0: "照料", -1: SUBMITTED}, help_saved(LI, category="care", contains=("打扫",))),
    Conv("help-voice-no-punctuation", LI, ["我一个人在家腿脚不方便没人帮我买菜", "好的"],
         {-1: SUBMITTED}, help_saved(LI, category="care", contains=("买菜",))),
    Conv("help-dialect-no-food", LI, ["俺家里断粮了，揭不开锅了", "中"],
         {0: "生活困难", -1: SUBMITTED}, help_saved(LI, category="living", contains=("断粮",))),
    Conv("help-yes-with-thanks-submits", LI, ["家里没米了", "是的，麻烦你们了"],
         {-1: SUBMITTED}, help_saved(LI, category="living", contains=("没米",))),
    Conv("help-address-at-readback-keeps-the-need", LI, ["家里没米了", "地址是和睦社区5号楼301", "1"],
         {1: ("生活困难", "家里没米了"), -1: SUBMITTED},
         help_saved(LI, category="living", contains=("没米",), where=("5号楼301",))),
    Conv("help-place-at-readback-keeps-the-need", WANG, ["我家厕所漏水了，想找人来修一下", "在3号楼2单元101", "1"],
         {1: "漏水", -1: SUBMITTED},
         help_saved(WANG, contains=("漏水",), where=("3号楼2单元101",))),
    Conv("help-more-detail-at-readback-keeps-the-first", LI, ["家里没米了", "还有油也没了", "1"],
         {1: "没米", -1: SUBMITTED}, help_saved(LI, category="living", contains=("没米",))),
    Conv("help-corrected-at-readback", LI, ["家里没米了", "不对，是家里停电了没钱交电费", "1"],
         {1: "电费", -1: SUBMITTED}, help_saved(LI, category="living", contains=("电费",))),
    Conv("help-readback-then-asks-the-menu", LI, ["家里没米了", "今天吃什么"],
         {-1: "和睦社区助餐点"}, no_help_saved(LI)),
    Conv("help-category-question-then-books-a-meal", LI, ["我想求助", "订明天午饭一份在食堂吃"],
         {-1: "11月30日（明天）"}, no_help_saved(LI), says_not={-1: "请核对，您要求助"}),
    Conv("help-abandon-suanle", LI, ["我想求助", "算了"], {-1: ABANDONED}, no_help_saved(LI)),
    Conv("help-abandon-at-readback", LI, ["家里没米了", "不要了"], {-1: ABANDONED}, no_help_saved(LI)),
    Conv("help-abandon-while-telling", LI, ["我想求助", "1", "那就不用了"],
         {-1: ABANDONED}, no_help_saved(LI), says_not={-1: "请核对"}),
    Conv("newcomer-asks-for-help", NEWCOMER, ["我想求助", "1", "家里没米了", "1"],
         {-1: "QZ-|登记|电话"}),
]

FOR_A_PARENT = [
    Conv("proxy-son-no-rice-for-mother", SON, ["我妈家里没米了，帮她申请一下", "1"],
         {0: ("王秀英", "没米"), -1: SUBMITTED},
         help_saved(SON, category="living", contains=("没米",), for_whom=WANG, where=(WANG_HOME,))),
    Conv("proxy-son-names-what-broke-at-her-home", SON, ["帮我妈申请帮助", "她家水龙头坏了", "1"],
         {1: ("王秀英", "水龙头"), -1: SUBMITTED},
         help_saved(SON, category="housing", contains=("水龙头",), for_whom=WANG, where=(WANG_HOME,))),
    Conv("proxy-son-slot-by-slot", SON, ["帮我妈申请帮助", "3", "她腿脚不便，想找人每周帮她买菜", "1"],
         {2: ("王秀英", "买菜"), -1: SUBMITTED},
         help_saved(SON, category="care", contains=("买菜",), for_whom=WANG, where=(WANG_HOME,))),
    Conv("proxy-son-asks-about-mother-with-nothing-filed", SON, ["我妈的求助怎么样了"],
         {0: "没有在办"}, no_help_saved(SON), says_not={0: "哪方面"}),
    Conv("proxy-son-asks-how-mothers-request-is-going", SON, ["我妈的求助怎么样了"],
         {0: ("QZ-", "现在：")}, no_help_saved(SON),
         setup=help_filed(SON, for_whom=WANG), says_not={0: "没有在办"}),
]

STATUS_AND_RATING = [
    Conv("status-sun-my-request", SUN, ["我的求助"], {0: ("QZ-", "现在：")}, no_help_saved(SUN),
         says_not={0: "哪方面"}),
    Conv("status-zhou-last-time", ZHOU, ["我上次求助的事怎么样了"], {0: ("QZ-", "已办好")}),
    Conv("status-voice-has-anyone-come", SUN, ["我前两天找你们帮忙的那个事有人管没有"],
         {0: "现在："}, no_help_saved(SUN)),
    Conv("status-asked-during-a-new-request", LI, ["我想求助", "我的求助进度"],
         {-1: "没有在办的求助"}, no_help_saved(LI)),
    Conv("rating-five-after-status", ZHOU, ["求助进度", "5"],
         {0: "打个分", -1: "谢谢"}, rated(ZHOU, "灯坏了", 5), says_not={-1: "没听明白"}),
    Conv("rating-in-words", ZHOU, ["求助进度", "很满意"],
         {-1: "谢谢"}, rated(ZHOU, "灯坏了", 5)),
    Conv("rating-with-fen", ZHOU, ["求助进度", "4分"], {-1: "谢谢"}, rated(ZHOU, "灯坏了", 4)),
    Conv("rating-with-a-comment", ZHOU, ["求助进度", "5分，小王很耐心"],
         {-1: "谢谢"}, rated(ZHOU, "灯坏了", 5), says_not={-1: "您是想|没听明白"}),
    Conv("rating-low-with-a-reason", ZHOU, ["求助进度", "1分，根本没人来"],
         {}, rated(ZHOU, "灯坏了", 1), says_not={-1: "还不是志愿者|没听明白"}),
    Conv("rating-answers-the-notification", SUN, ["5"],
         {0: "谢谢"}, rated(SUN, "聊聊天", 5), setup=resolved_by_staff(SUN),
         says_not={0: "没听明白"}),
]

A_PERSON = [
    Conv("human-zhuan-rengong", LI, ["转人工"], {0: "已经通知社区工作人员"}, asked_for_a_person(LI)),
    Conv("human-find-a-social-worker", LI, ["我要找社工"], {0: "已经通知社区工作人员"},
         asked_for_a_person(LI)),
    Conv("human-from-inside-help", LI, ["我想求助", "转人工"], {-1: "已经通知社区工作人员"},
         asked_for_a_person(LI, note="求助")),
    Conv("human-voice-call-me", WANG, ["我说不清楚，能不能让人给我打个电话"],
         {0: "已经通知社区工作人员"}, asked_for_a_person(WANG)),
]


@cases(ASK_FOR_HELP + FOR_A_PARENT + STATUS_AND_RATING + A_PERSON)
def test_asking_for_help(chat, conv):  # type: ignore[no-untyped-def]
    run(chat, conv)
