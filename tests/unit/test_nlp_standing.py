"""nlp.standing: the repeating days, and pause / resume / end, read from plain words."""

from datetime import date

import pytest

from nlp.standing import read_command, read_pause, read_repeat

SUNDAY = date(2026, 11, 29)
MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize(("text", "days"), [
    ("以后每天中午都给我送一份", "daily"),
    ("天天中午送一份饭", "daily"),
    ("给我妈以后每天订午饭", "daily"),
    ("工作日的午饭都要", "workdays"),
    ("上班的日子都订午饭", "workdays"),
    ("每周一三五晚饭", "135"),
    ("每周一、三、五的晚饭", "135"),
    ("每个礼拜二四早饭", "24"),
    ("以后每周一到周五中午送饭", "12345"),
    ("每周末的午饭", "67"),
    # A bounded span or a single day is an ordinary booking, not a standing order.
    ("下周一到周五的午饭都订上 每天一份 送家里", None),
    ("明天的午饭", None),
    ("我要订餐", None),
    ("这周每天的午饭都订上", None),
])
def test_repeating_days(text, days):
    assert read_repeat(text) == days


@pytest.mark.parametrize(("text", "command"), [
    ("我住院了，这周先停", "pause"),
    ("先停两周", "pause"),
    ("暂停三天", "pause"),
    ("下周先别送", "pause"),
    ("停到12月10号", "pause"),
    ("这周的饭都不要了", "pause"),
    ("长期订餐不要了", "end"),
    ("以后不要送了", "end"),
    ("取消长期订餐", "end"),
    ("出院了，恢复长期订餐", "resume"),
    ("继续送吧", "resume"),
    ("明天的饭不要了", None),
    ("取消订餐", None),
])
def test_commands(text, command):
    assert read_command(text) == command


@pytest.mark.parametrize(("text", "today", "span"), [
    ("我住院了，这周先停", MONDAY, (MONDAY, date(2026, 12, 6))),
    ("这周先停", SUNDAY, (SUNDAY, SUNDAY)),
    ("下周先别送", SUNDAY, (MONDAY, date(2026, 12, 6))),
    ("先停两周", MONDAY, (MONDAY, date(2026, 12, 13))),
    ("暂停三天", MONDAY, (MONDAY, date(2026, 12, 2))),
    ("停到12月10号", MONDAY, (MONDAY, date(2026, 12, 10))),
    ("先停一下", MONDAY, None),
])
def test_pause_spans(text, today, span):
    assert read_pause(text, today) == span


@pytest.mark.parametrize("text", ["我住院了，需要人帮忙", "我要出远门", "以后每天中午都给我送一份"])
def test_not_a_command(text):
    assert read_command(text) is None


def test_a_few_days_off_is_a_pause():
    assert read_command("我住院了，这几天不用送了") == "pause"
