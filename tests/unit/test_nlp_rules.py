"""Negation, questions, emergencies, durations, phones and the public contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

import nlp
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
