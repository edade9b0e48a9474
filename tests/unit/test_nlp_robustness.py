"""Any text gives a parse, never an exception."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlp
from nlp import parse
from nlp.intents import INTENTS

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
nlp.warm_up()

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
WORDS = st.sampled_from(
    ["订", "饭", "不要", "取消", "明天", "3号", "两份", "送", "帮", "积分", "低保", "摔倒",
     "周三", "下周", "半小时", "一点", "号楼", "不是", "要不要", " ", "，", "?", "😀", "\x00"]
)
TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=CJK, max_size=100),
    st.lists(WORDS, max_size=40).map("".join),
)


def check(text: str) -> None:
    result = parse(text, NOW)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert all(name in INTENTS for name, _ in result.alternatives)
    result.to_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2032, 12, 31),
                          timezones=st.just(ZoneInfo("Asia/Shanghai"))))
def test_any_text_any_day_parses(text: str, now: dt.datetime) -> None:
    result = parse(text, now)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0


@given(TEXT)
@settings(max_examples=200, deadline=None)
def test_any_text_parses(text: str) -> None:
    check(text)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x01\x1f", "😀😀😀", "hello, how are you?", "wo yao ding fan",
     "订" * 10_000, "明天午饭两份 " * 1_000, "3号" * 5_000, "\u200b\ufeff订餐"],
)
def test_edge_inputs(text: str) -> None:
    check(text)
