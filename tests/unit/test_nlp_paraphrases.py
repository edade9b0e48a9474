"""Sentences written for these tests, not taken from the dev set: they guard generalisation.

All are read on Wednesday 2026-12-02 10:00 (Asia/Shanghai) unless stated.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlp import parse

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CASES: list[tuple[str, str, dict[str, object]]] = [
    # meal_book
    ("俺明儿个晌午要两份饭 送上来", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 2, "delivery": True}),
    ("帮我妈订个明天的晚饭，一份就行，她腿不好要送上门", "meal_book", {"date": "2026-12-03", "meal": "dinner", "count": 1, "delivery": True}),
    ("后天早上给我来两份早餐 我去食堂吃", "meal_book", {"date": "2026-12-04", "meal": "breakfast", "count": 2, "delivery": False}),
    ("周五中午我要订三份 送家里", "meal_book", {"date": "2026-12-04", "meal": "lunch", "count": 3, "delivery": True}),
    ("想定个午饭", "meal_book", {"meal": "lunch", "count": 1}),  # 个 is one portion (订个饭)
    ("订两份明天的夜饭", "meal_book", {"date": "2026-12-03", "meal": "dinner", "count": 2}),
    ("明天中饭 俩人的 送到家", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 2, "delivery": True}),
    ("我要报餐 下周一午餐一份", "meal_book", {"date": "2026-12-07", "meal": "lunch", "count": 1}),
    ("给我爸预订后天的中饭 在食堂吃", "meal_book", {"date": "2026-12-04", "meal": "lunch", "delivery": False}),
    ("明天早饭来一份", "meal_book", {"date": "2026-12-03", "meal": "breakfast", "count": 1}),
    ("12号中午订4份饭", "meal_book", {"date": "2026-12-12", "meal": "lunch", "count": 4}),
    ("中午饭帮我留一份 我晚点过去拿", "meal_book", {"meal": "lunch", "count": 1, "delivery": False}),
    ("下下周三的午饭订一份", "meal_book", {"date": "2026-12-16", "meal": "lunch", "count": 1}),
    ("3号楼的李奶奶让我帮她订明天午饭", "meal_book", {"date": "2026-12-03", "meal": "lunch"}),
    ("要不要订饭 明天中午要一份", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 1}),
    ("元旦中午订两份饺子", "meal_book", {"date": "2027-01-01", "meal": "lunch", "count": 2}),
    # meal_cancel
    ("明天中午那顿不要了", "meal_cancel", {"date": "2026-12-03", "meal": "lunch"}),
    ("把后天的晚饭退了", "meal_cancel", {"date": "2026-12-04", "meal": "dinner"}),
    ("我不订了", "meal_cancel", {}),
    ("周五的饭帮我撤掉", "meal_cancel", {"date": "2026-12-04"}),
    ("明早那份取消掉吧 临时有事", "meal_cancel", {"date": "2026-12-03", "meal": "breakfast"}),
    ("今天晚上不用给我送饭了", "meal_cancel", {"date": "2026-12-02", "meal": "dinner"}),
    ("这周六的午餐我不要了", "meal_cancel", {"date": "2026-12-05", "meal": "lunch"}),
    ("退订明天的早餐", "meal_cancel", {"date": "2026-12-03", "meal": "breakfast"}),
    ("不要订了 谢谢", "meal_cancel", {}),
    # meal_query
    ("我这周都订了哪些", "meal_query", {}),
    ("帮我看看我订了几份", "meal_query", {}),
    ("我的订单呢", "meal_query", {}),
    ("后天的午饭我订好了没", "meal_query", {}),
    ("查查我订的餐", "meal_query", {}),
    # meal_menu
    ("明天中午有啥好吃的", "meal_menu", {"date": "2026-12-03", "meal": "lunch"}),
    ("今天食堂做的什么菜", "meal_menu", {"date": "2026-12-02"}),
    ("后天晚上的菜谱", "meal_menu", {"date": "2026-12-04", "meal": "dinner"}),
    ("这周五午饭是啥", "meal_menu", {"date": "2026-12-04", "meal": "lunch"}),
    ("明天早餐吃什么呀", "meal_menu", {"date": "2026-12-03", "meal": "breakfast"}),
    # canteen_nearby
    ("我家旁边哪有老年食堂", "canteen_nearby", {}),
    ("最近的助餐点怎么走", "canteen_nearby", {}),
    ("长者饭堂在什么地方", "canteen_nearby", {}),
    ("社区食堂地址是多少", "canteen_nearby", {}),
    # help_request, normal
    ("家里断粮了 能帮帮我吗", "help_request", {"urgency": "normal", "category": "living"}),
    ("我老伴瘫在床上 我一个人照顾不过来 想请个护工", "help_request", {"urgency": "normal", "category": "care"}),
    ("我家的灯坏了 谁能来帮忙修修", "help_request", {"urgency": "normal", "category": "housing"}),
    ("孩子上学的钱凑不齐 能不能帮帮忙", "help_request", {"urgency": "normal", "category": "education"}),
    ("我失业了 家里还有两个孩子要养 能不能帮我找份工作", "help_request", {"urgency": "normal", "category": "employment"}),
    ("能不能帮我去药店买点药 我走不动", "help_request", {"urgency": "normal", "category": "medical"}),
    ("下雪了 想找人帮我把门口的雪扫一扫", "help_request", {"urgency": "normal", "category": "care"}),
    ("家里暖气不热 冻得受不了 谁能帮帮我", "help_request", {"urgency": "normal", "category": "living"}),
    ("儿子在外地 我一个人病了没人管", "help_request", {"urgency": "normal", "category": "medical"}),
    ("我需要帮助", "help_request", {"urgency": "normal"}),
    # help_request, emergency
    ("我妈在厕所摔了 起不来了 快来人", "help_request", {"urgency": "emergency", "category": "medical"}),
    ("我爸突然晕倒了 叫不醒", "help_request", {"urgency": "emergency", "category": "medical"}),
    ("厨房起火了", "help_request", {"urgency": "emergency", "category": "other"}),
    ("闻到一股煤气味 头有点晕", "help_request", {"urgency": "emergency", "category": "other"}),
    ("我心脏不舒服 喘不过来气", "help_request", {"urgency": "emergency", "category": "medical"}),
    ("对门李大爷三天没出门了 敲门也没反应", "help_request", {"urgency": "emergency", "category": "other"}),
    ("活着太累了 想一了百了", "help_request", {"urgency": "emergency", "category": "other"}),
    ("我奶奶走丢了 找不到人", "help_request", {"urgency": "emergency", "category": "other"}),
    ("被困在电梯里了", "help_request", {"urgency": "emergency", "category": "other"}),
    ("明天午饭订两份 我老伴刚才摔倒了头在流血", "help_request", {"urgency": "emergency", "category": "medical"}),
    # help_status
    ("我前天报的维修有人管吗", "help_status", {}),
    ("我申请的低保审核通过了吗", "help_status", {}),
    ("求助的事有回复了没", "help_status", {}),
    ("修水管的人怎么还不来", "help_status", {}),
    # service_log (after the fact: past dates)
    ("昨天下午陪张阿姨散步一个小时", "service_log", {"date": "2026-12-01", "hours": 1}),
    ("上周五给李大爷送了两趟饭 共三个钟头", "service_log", {"date": "2026-11-27", "hours": 3}),
    ("今天上午去养老院做保洁 两个半钟头", "service_log", {"date": "2026-12-02", "hours": 2.5}),
    ("刚刚陪孙爷爷去医院拿药 花了四十分钟", "service_log", {"hours": 0.667}),
    ("给刘奶奶做了顿饭 一个小时 帮我记一下", "service_log", {"hours": 1}),
    ("前天帮社区搬东西 三小时", "service_log", {"date": "2026-11-30", "hours": 3}),
    ("下午两点到四点陪王奶奶聊天 帮我记上", "service_log", {"hours": 2}),
    # check in / out
    ("我到王奶奶家了", "service_checkin", {}),
    ("开始干活了", "service_checkin", {}),
    ("刚到李爷爷这儿 准备开始", "service_checkin", {}),
    ("活干完了 签个退", "service_checkout", {}),
    ("今天的服务做完了", "service_checkout", {}),
    # points
    ("积分够换一袋米吗", "points_redeem", {}),
    ("看看我的积分", "points_query", {}),
    ("积分兑换的东西有哪些", "points_redeem", {}),
    # volunteering and activities
    ("我也想加入志愿者队伍", "volunteer_register", {}),
    ("怎么才能成为志愿者", "volunteer_register", {}),
    ("退休了闲着 想去当义工", "volunteer_register", {}),
    ("下个月有什么活动吗", "activity_list", {}),
    ("周末有没有讲座", "activity_list", {}),
    ("书法班我要报名 周六那个", "activity_signup", {"date": "2026-12-05"}),
    ("明天的义诊我要参加", "activity_signup", {"date": "2026-12-03"}),
    ("元旦联欢会给我留个位置", "activity_signup", {"date": "2027-01-01"}),
    # policy_faq
    ("最低生活保障怎么申请", "policy_faq", {"topic": "dibao"}),
    ("五保户一个月能领多少钱", "policy_faq", {"topic": "tekun"}),
    ("老年人吃饭有优惠吗", "policy_faq", {"topic": "meal_subsidy"}),
    ("高龄补贴什么时候发", "policy_faq", {"topic": "other"}),
    ("住院费用能不能报销一部分", "policy_faq", {"topic": "medical_aid"}),
    ("重度残疾人有什么补贴", "policy_faq", {"topic": "disability"}),
    ("积分是怎么算的", "policy_faq", {"topic": "volunteer_points"}),
    ("临时救助需要什么材料", "policy_faq", {"topic": "temporary_aid"}),
    ("请问特困人员有哪些政策", "policy_faq", {"topic": "tekun"}),
    ("吃低保的条件是什么", "policy_faq", {"topic": "dibao"}),
    ("不是订饭 我问补贴", "policy_faq", {"topic": "meal_subsidy"}),
    # people, profile, conversation
    ("我要跟人工说", "human_agent", {}),
    ("叫你们工作人员来跟我说", "human_agent", {}),
    ("打社区电话没人接 能不能找个真人", "human_agent", {}),
    ("我想注册一下", "register", {}),
    ("我的电话号码变了", "register", {}),
    ("帮我把地址改成光明路12号", "register", {}),
    ("早上好啊", "smalltalk", {}),
    ("辛苦你了", "smalltalk", {}),
    ("拜拜啦", "smalltalk", {}),
    ("你能帮我干啥", "menu_help", {}),
    ("有哪些服务", "menu_help", {}),
    ("没问题", "affirm", {}),
    ("嗯 对的", "affirm", {}),
    ("行吧", "affirm", {}),
    ("不用不用", "deny", {}),
    ("不要 算了吧", "deny", {}),
    ("谢谢 不用了", "deny", {}),
    ("好的 谢谢", "affirm", {}),
    ("签个到", "service_checkin", {}),
    ("我订的饭啥时候送到", "meal_query", {}),
    ("我想知道我的积分怎么用", "points_redeem", {}),
    ("我想找社区的工作人员", "human_agent", {}),
    ("我申请的临时救助什么时候能批", "help_status", {}),
    ("电梯坏了 我下不了楼 家里没吃的了", "help_request", {"urgency": "normal", "category": "living"}),
    ("周四晚上的饭给我取消了吧", "meal_cancel", {"date": "2026-12-03", "meal": "dinner"}),
    ("明天中午我和老伴吃饭 来两份", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 2}),
    ("订餐能便宜点吗", "policy_faq", {"topic": "meal_subsidy"}),
    ("志愿者积分怎么攒", "policy_faq", {"topic": "volunteer_points"}),
    ("帮我查一下快递", "unknown", {}),
    ("我想听评书", "unknown", {}),
    ("今天几号了", "unknown", {}),
    # written with held-out set 5: general slot forms
    ("12.24晚上订两份 送我家", "meal_book", {"date": "2026-12-24", "meal": "dinner", "count": 2, "delivery": True}),
    ("明个中午我跟闺女的饭 各一份 放门口就行", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 2, "delivery": True}),
    ("订饭 后天 晚饭 两份 要送", "meal_book", {"date": "2026-12-04", "meal": "dinner", "count": 2, "delivery": True}),
    ("昨天陪孙奶奶去菜市场 1.5小时", "service_log", {"date": "2026-12-01", "hours": 1.5}),
    ("今天帮刘爷爷擦窗户 一小时二十分", "service_log", {"date": "2026-12-02", "hours": 1.333}),
    ("今天下午2:30到4:00在养老院帮忙", "service_log", {"date": "2026-12-02", "hours": 1.5}),
    ("前天给低保户送温暖 四十分", "service_log", {"date": "2026-11-30", "hours": 0.667}),
    ("食堂周五做饺子吗", "meal_menu", {"date": "2026-12-04"}),
    ("后天中午能吃到啥", "meal_menu", {"date": "2026-12-04", "meal": "lunch"}),
    ("我奶奶早上出门遛弯到现在还没回来", "help_request", {"urgency": "emergency", "category": "other"}),
    ("屋里暖气坏了 能不能找人来修", "help_request", {"urgency": "normal", "category": "housing"}),
    ("孙子上网课没电脑用 想请社区帮帮忙", "help_request", {"urgency": "normal", "category": "education"}),
    ("我有高血压 想有人定期上门给我量血压", "help_request", {"urgency": "normal", "category": "medical"}),
    ("低保户住院能不能申请医疗救助", "policy_faq", {"topic": "medical_aid"}),
    ("残疾人能领高龄津贴吗", "policy_faq", {"topic": "disability"}),
    ("做一次志愿服务能拿几个积分", "policy_faq", {"topic": "volunteer_points"}),
    ("积分有啥用", "points_redeem", {}),
    ("春节快乐", "smalltalk", {}),
    ("那还是算了", "deny", {}),
    ("我想加入志愿服务 怎么弄", "volunteer_register", {}),
    # eating at the canteen said as 店: 到店吃 / 店里吃 / 在店吃 → delivery false; negated → not
    ("明天中午订一份到店吃", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 1, "delivery": False}),
    ("后天晚饭订两份 到店里吃", "meal_book", {"date": "2026-12-04", "meal": "dinner", "count": 2, "delivery": False}),
    ("明天早餐一份 店里吃就行", "meal_book", {"date": "2026-12-03", "meal": "breakfast", "count": 1, "delivery": False}),
    ("周五午饭订三份 我们在店吃", "meal_book", {"date": "2026-12-04", "meal": "lunch", "count": 3, "delivery": False}),
    ("明天中饭一份 我去店里吃", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 1, "delivery": False}),
    ("明天午餐订一份 在店里用餐", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 1, "delivery": False}),
    ("明天午饭一份 不到店里吃了 送到家", "meal_book", {"date": "2026-12-03", "meal": "lunch", "count": 1, "delivery": True}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), CASES)
def test_paraphrase(text: str, intent: str, slots: dict[str, object]) -> None:
    result = parse(text, NOW)
    assert (result.intent, result.slots) == (intent, slots)
