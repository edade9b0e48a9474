"""Date and meal resolution policies (LABELS.md; weeks start Monday)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlp import parse
from nlp.dates import bare_clock_time, resolve_date
from nlp.festivals import LUNAR, next_festival

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY = dt.date(2026, 11, 29)
WEDNESDAY = dt.date(2026, 12, 2)


def day(text: str, today: dt.date, past: bool = False) -> tuple[str | None, bool]:
    hit, unsure = resolve_date(text, today, past)
    return (hit.day.isoformat() if hit else None), unsure


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("昨天", WEDNESDAY, "2026-12-01"),
        ("今天", WEDNESDAY, "2026-12-02"),
        ("明儿个", WEDNESDAY, "2026-12-03"),
        ("后天", WEDNESDAY, "2026-12-04"),
        ("大后天", WEDNESDAY, "2026-12-05"),
        ("周五", WEDNESDAY, "2026-12-04"),
        ("礼拜一", WEDNESDAY, "2026-12-07"),
        ("星期天", WEDNESDAY, "2026-12-06"),
        ("这周一", WEDNESDAY, "2026-11-30"),
        ("本周日", WEDNESDAY, "2026-12-06"),
        ("下周三", WEDNESDAY, "2026-12-09"),
        ("下个星期五", WEDNESDAY, "2026-12-11"),
        ("下下周一", WEDNESDAY, "2026-12-14"),
        ("上周五", WEDNESDAY, "2026-11-27"),
        ("5号", WEDNESDAY, "2026-12-05"),
        ("2号", WEDNESDAY, "2026-12-02"),
        ("1号", WEDNESDAY, "2027-01-01"),
        ("12月3号", WEDNESDAY, "2026-12-03"),
        ("一月二号", WEDNESDAY, "2027-01-02"),
        ("2027年3月5日", WEDNESDAY, "2027-03-05"),
        ("元旦", WEDNESDAY, "2027-01-01"),
        ("春节", WEDNESDAY, "2027-02-06"),
        ("中秋节", WEDNESDAY, "2027-09-15"),
        ("重阳节", dt.date(2026, 10, 1), "2026-10-18"),
    ],
)
def test_resolution(text: str, today: dt.date, expected: str) -> None:
    assert day(text, today)[0] == expected


def test_next_week_said_on_sunday_is_next_calendar_week_and_ambiguous() -> None:
    assert day("下周三", SUNDAY) == ("2026-12-02", True)
    assert day("这周三", SUNDAY) == ("2026-11-25", True)
    assert day("下周三", WEDNESDAY) == ("2026-12-09", False)


def test_bare_day_rolling_into_next_month_is_ambiguous() -> None:
    assert day("3号", dt.date(2026, 11, 28)) == ("2026-12-03", True)
    assert day("30号", dt.date(2026, 11, 28)) == ("2026-11-30", False)
    assert day("31号", dt.date(2026, 11, 5)) == ("2026-12-31", True)


def test_weekday_said_on_that_weekday_is_today_but_ambiguous() -> None:
    assert day("周三", WEDNESDAY) == ("2026-12-02", True)


def test_service_logs_look_back() -> None:
    assert day("周一", WEDNESDAY, past=True) == ("2026-11-30", True)
    assert day("30号", WEDNESDAY, past=True) == ("2026-11-30", True)
    assert day("12月1号", WEDNESDAY, past=True) == ("2026-12-01", False)


def test_conflicting_dates_are_ambiguous_and_the_first_wins() -> None:
    assert day("明天 不对 后天", WEDNESDAY) == ("2026-12-03", True)


@pytest.mark.parametrize("text", ["3号楼", "5号线", "一周三次", "每周三", "号码", "上礼拜报的", "明白了"])
def test_not_dates(text: str) -> None:
    assert day(text, WEDNESDAY) == (None, False)


def test_evening_words_set_the_meal() -> None:
    now = dt.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)
    assert parse("今晚的饭不要了", now).slots == {"date": "2026-12-02", "meal": "dinner"}
    assert parse("明早订一份", now).slots == {"date": "2026-12-03", "meal": "breakfast", "count": 1}


def test_today_is_the_date_in_nows_own_zone() -> None:
    late_utc = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)  # 01:00 on 12-02 in Shanghai
    assert parse("今天午饭订一份", late_utc.astimezone(SHANGHAI)).slots["date"] == "2026-12-02"
    assert parse("今天午饭订一份", late_utc).slots["date"] == "2026-12-01"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        parse("订餐", dt.datetime(2026, 12, 2, 10))  # noqa: DTZ001


def test_bare_clock_time() -> None:
    assert bare_clock_time("两点半来")
    assert not bare_clock_time("下午两点半来")
    assert not bare_clock_time("送快一点")
    assert not bare_clock_time("少放一点盐")


def test_festival_table_covers_2025_to_2030() -> None:
    assert all(len(days) == 6 for days in LUNAR.values())
    assert next_festival("chunjie", dt.date(2031, 1, 1)) is None
