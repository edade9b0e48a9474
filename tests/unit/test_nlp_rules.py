"""Negation, questions, emergencies, durations, phones and the public contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

import nlp
import nlp.normalize
from nlp import Parse, extract_phone, parse
from nlp.__main__ import main as cli_main
from nlp.durations import find_hours
from nlp.topics import load_topics

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def intent(text: str) -> str:
    return parse(text, NOW).intent


def test_issue_example() -> None:
    result = parse("俺明儿个晌午要两份饭 送上来", NOW)
    assert result.intent == "meal_book"
    assert result.slots == {"date": "2026-11-30", "meal": "lunch", "count": 2, "delivery": True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不要订了", "meal_cancel"),
        ("明天的饭别送了", "meal_cancel"),
        ("我不想订了", "meal_cancel"),
        ("要不要订饭", "meal_book"),
        ("明天还要不要订午饭啊", "meal_book"),
        ("不是订饭 我问补贴", "policy_faq"),
        ("不是取消 是要订 明天午饭", "meal_book"),
        ("不用了", "deny"),
        ("不用不用", "deny"),
        ("不是", "deny"),
        ("好的好的", "affirm"),
        ("取消订餐", "meal_cancel"),
    ],
)
def test_negation_and_questions(text: str, expected: str) -> None:
    assert intent(text) == expected


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我老伴摔倒了", "medical"),
        ("胸口闷得慌 喘不上气", "medical"),
        ("我爸嘴歪了 说不出话", "medical"),
        ("家里着火了", "other"),
        ("天然气漏了 味道很大", "other"),
        ("楼上老太太好几天没下楼了", "other"),
        ("我不想活了", "other"),
        ("明天午饭订两份 对了我刚摔了一跤 腿动不了", "medical"),
        ("积分换大米 我老伴晕倒了", "medical"),
    ],
)
def test_emergencies_win_whatever_else_is_said(text: str, category: str) -> None:
    result = parse(text, NOW)
    assert result.intent == "help_request"
    assert result.slots == {"urgency": "emergency", "category": category}
    assert result.confidence == 1.0


@pytest.mark.parametrize("text", ["防摔倒讲座我要报名", "我怕摔倒 想找人陪我洗澡", "煤气费交不起了"])
def test_talk_about_danger_is_not_an_emergency(text: str) -> None:
    assert parse(text, NOW).slots.get("urgency") != "emergency"


def test_every_help_request_has_an_urgency() -> None:
    for text in ["求助", "家里没米了", "能不能派人帮我打扫卫生"]:
        assert parse(text, NOW).slots["urgency"] == "normal"


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("一个半小时", 1.5), ("两个钟头", 2), ("40分钟", 0.667), ("一小时十五分", 1.25),
        ("半小时", 0.5), ("半个钟头", 0.5), ("九十分钟", 1.5), ("三刻钟", 0.75),
        ("两点到四点", 2), ("2.5小时", 2.5),
    ],
)
def test_durations(text: str, hours: float) -> None:
    assert find_hours(text) == pytest.approx(hours, abs=0.01)


def test_slot_words_that_are_not_slots() -> None:
    assert parse("3号楼李奶奶要订饭", NOW).slots == {}
    assert "time" not in parse("送快一点 明天中午两份", NOW).ambiguous
    assert parse("我跟老伴一起吃 明天午饭订两份", NOW).slots["count"] == 2
    assert "count" not in parse("我们一起订明天的午饭", NOW).slots


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("我电话 138 1234 5678", "13812345678"),
        ("手机139-1234-5678", "13912345678"),
        ("幺三八幺二三四五六七八", "13812345678"),
        ("号码是１３８１２３４５６７８", "13812345678"),
        ("座机0571-88886666", "057188886666"),
        ("我们一起去吃饭", None),
        ("3号楼2单元", None),
    ],
)
def test_extract_phone(text: str, phone: str | None) -> None:
    assert extract_phone(text) == phone


def test_phone_is_not_a_slot() -> None:
    assert "phone" not in parse("帮我订明天午饭 电话13812345678", NOW).slots


def test_parse_is_a_frozen_dataclass_with_to_dict() -> None:
    result = parse("明天午饭订一份还是取消", NOW)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "x"  # type: ignore[misc]
    as_dict = result.to_dict()
    assert set(as_dict) == {"intent", "slots", "confidence", "alternatives", "ambiguous", "danger"}
    assert 0 <= as_dict["confidence"] <= 1
    assert json.loads(json.dumps(as_dict, ensure_ascii=False)) == as_dict
    assert isinstance(result, Parse)


def test_alternatives_offer_the_next_best_intents() -> None:
    result = parse("明天午饭是订餐还是取消啊", NOW)
    names = [result.intent] + [name for name, _ in result.alternatives]
    assert {"meal_book", "meal_cancel"} <= set(names)


def test_ambiguous_names_policy_choices() -> None:
    assert parse("下周三午饭订一份", NOW).ambiguous == ("date",)
    assert "time" in parse("明天两点半的活动我报名", NOW).ambiguous


def test_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--now", "2026-11-29T09:00+08:00", "帮我订明天中午的饭"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["intent"] == "meal_book"
    assert printed["slots"] == {"date": "2026-11-30", "meal": "lunch"}


def test_topics_table_is_well_formed() -> None:
    names = {topic.name for topic in load_topics()}
    assert names == {"dibao", "tekun", "temporary_aid", "meal_subsidy", "medical_aid",
                     "disability", "volunteer_points", "other"}


def test_warm_up_and_public_api() -> None:
    nlp.warm_up()
    assert set(nlp.__all__) == {"Parse", "extract_phone", "parse", "warm_up"}


# --- danger: concept lexicons, time and mood (sentences written for these tests) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "我爸嘴角往一边耷拉 右手拿不住筷子",  # two stroke signs
        "老太太突然说话含含糊糊的",  # one sign, said to be sudden
        "心口疼得厉害 一身冷汗",
        "孩子吃果冻噎住了",
        "我妈躺在地上 推她也没反应",
        "手上划了个大口子 血一直往外冒",
        "他把半瓶安眠药吞了",
        "厨房冒黑烟了",
        "屋里一股臭鸡蛋味",
        "地下室进水了 水到腰了",
        "楼下那老头三天没下楼了 敲门也没人应",
        "我不想拖累孩子们了 对不起",
        "有人在撬我家的门",
    ],
)
def test_danger_concepts_make_an_emergency(text: str) -> None:
    result = parse(text, NOW)
    assert result.slots.get("urgency") == "emergency", result
    assert result.danger >= 0.7
    assert not result.danger_unsure


@pytest.mark.parametrize(
    "text",
    [
        "去年摔了一跤 现在早好了 想问问复查能报销吗",  # past and resolved
        "万一家里着火了怎么办",  # hypothetical
        "想给我妈装个防走失的手环",  # prevention
        "我报名急救培训 学怎么救噎着的人",  # training
        "他没摔倒 就是腿有点软",  # negated
        "上回说的煤气味 燃气公司来看过了说没事",  # resolved
        "前天帮李奶奶打扫卫生 两个小时",
    ],
)
def test_danger_in_the_past_or_hypothetical_is_not_an_emergency(text: str) -> None:
    assert parse(text, NOW).slots.get("urgency") != "emergency"


def test_one_sign_alone_makes_the_bot_ask() -> None:
    result = parse("活着真累", NOW)
    assert result.slots.get("urgency") != "emergency"
    assert result.danger_unsure


def test_ordinary_messages_carry_no_danger() -> None:
    for text in ["明天午饭订两份", "积分还有多少", "你好"]:
        result = parse(text, NOW)
        assert result.danger < 0.35 and not result.danger_unsure


# --- counts, delivery, durations, ranges, English and pinyin ------------------------------------


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("明天午饭 ×3 送到家", {"date": "2026-11-30", "meal": "lunch", "count": 3, "delivery": True}),
        ("后天晚饭x1 堂吃", {"date": "2026-12-01", "meal": "dinner", "count": 1, "delivery": False}),
        ("订俩明晚的", {"date": "2026-11-30", "meal": "dinner", "count": 2}),
        ("下周一到周五的午饭都订一份", {"meal": "lunch", "count": 1}),
        ("dinner tomorrow x2", {"date": "2026-11-30", "meal": "dinner", "count": 2}),
        ("ding mingtian wanfan liang fen", {"date": "2026-11-30", "meal": "dinner", "count": 2}),
    ],
)
def test_booking_forms(text: str, slots: dict[str, object]) -> None:
    result = parse(text, NOW)
    assert (result.intent, result.slots) == ("meal_book", slots)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("1h45m", 1.75), ("三个钟头零两刻", 3.5), ("五十来分钟", 0.833), ("从下午一点半一直忙到三点", 1.5)],
)
def test_more_duration_forms(text: str, hours: float) -> None:
    assert find_hours(nlp.normalize.normalize(text)) == pytest.approx(hours, abs=0.01)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("qiandao", "service_checkin"), ("check out please", "service_checkout"),
     ("zhuan rengong", "human_agent"), ("how is my request going", "help_status")],
)
def test_english_and_pinyin_words(text: str, expected: str) -> None:
    assert intent(text) == expected


@pytest.mark.parametrize("text", ["我想死你们了", "热死了 今天中午吃啥"])
def test_everyday_words_of_death_are_not_danger(text: str) -> None:
    result = parse(text, NOW)
    assert result.slots.get("urgency") != "emergency" and not result.danger_unsure


def test_tiredness_alone_is_not_an_emergency() -> None:
    assert parse("我好累啊 今天干了一天活", NOW).slots.get("urgency") != "emergency"


@pytest.mark.parametrize("text", ["wo ma yun dao le", "my dad fell and cant get up", "chest pain, can't breathe"])
def test_emergencies_in_pinyin_and_english(text: str) -> None:
    assert parse(text, NOW).slots.get("urgency") == "emergency"


@pytest.mark.parametrize(
    "text",
    ["孙子摔了一跤 膝盖破了点皮 没事", "打120要钱吗", "报警电话是多少", "昨晚做梦梦见着火了",
     "电视里说冬天要防煤气中毒", "我刚摔了个碗", "我家煤气灶打不着火了 能找人修吗", "心梗康复期间能吃啥"],
)
def test_near_misses_are_neither_emergencies_nor_questions(text: str) -> None:
    result = parse(text, NOW)
    assert result.slots.get("urgency") != "emergency" and not result.danger_unsure, result


@pytest.mark.parametrize("text", ["医疗救助", "临时救助", "低保边缘", "刚性支出困难", "防止返贫监测",
                                  "教育救助", "住房救助", "就业救助", "特困呢", "服务积分"])
def test_a_programme_named_alone_asks_about_it(text: str) -> None:
    """The name of a programme and nothing else is a policy question, not a help request."""
    assert intent(text) == "policy_faq"


@pytest.mark.parametrize("text,expected", [
    ("我家没米了需要临时救助", "help_request"), ("我的积分", "points_query"), ("积分", "points_query"),
])
def test_a_programme_named_inside_a_need_is_still_that_need(text: str, expected: str) -> None:
    assert intent(text) == expected
