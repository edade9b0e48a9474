"""Durations in hours: 一个半小时, 两个钟头, 40分钟, 一小时十五分, 半小时, 两点到四点."""

from __future__ import annotations

import re

from nlp.numbers import CN_DIGITS, NUM, cn_to_int, to_number

_HOUR_UNIT = r"(?:小时|钟头|个钟|钟点|(?<=[半个])钟(?![点头])|hours?(?![a-z])|hrs?(?![a-z])|h(?![a-rt-z]))"
_HOURS_RE = re.compile(
    rf"({NUM}(?:点{NUM})?)\s*个?\s*(半)?\s*{_HOUR_UNIT}"
    rf"(?:\s*零?\s*(?:({NUM})\s*(?:[分份](?:钟)?|m(?:ins?)?(?![a-z]))|([一二三两俩1-3])\s*刻))?"
)
_HALF_RE = re.compile(rf"半\s*个?\s*{_HOUR_UNIT}")
_MINUTES_RE = re.compile(rf"({NUM})\s*(?:来|左右)?\s*(?:分钟|mins?(?![a-z])|minutes?(?![a-z]))")
# 四十分 without 钟 (not a clock time 两点四十分, not a score 四十分之一).
_BARE_MINUTES_RE = re.compile(rf"(?<![点\d{CN_DIGITS}十])({NUM})\s*分(?![之数钟])")
_QUARTERS_RE = re.compile(r"([一二三两俩1-3])\s*(?:刻钟|个骨)")
# Cantonese 个钟 (an hour) and 个半钟 (an hour and a half) standing alone.
_ONE_HOUR_RE = re.compile(r"(?:^|(?<=[\s了咗]))个(半)?钟(?:头)?(?=\s|$)")
_SPAN_RE = re.compile(
    rf"({NUM})[点:](半|{NUM}分?)?\s*(?:到|至|-|~)\s*(?:上午|下午|中午|晚上)?({NUM})[点:](半|{NUM}分?)?"
    # 从两点一直弄到四点半, 从早上九点忙到十二点: 从 opens the span, a verb may stand before 到.
    rf"|(?:从|(?<=\s)|^)\s*(?:早上|上午|下午|中午|晚上)?({NUM})[点:](半|{NUM}(?:分|(?=[\s到至])))?[^\s到]{{0,6}}?到\s*(?:上午|下午|中午|晚上)?({NUM})[点:](半|{NUM}分?)?"
)
MAX_HOURS = 24.0
# Every duration form holds one of these (小时, 钟头, 个钟, 分钟, 刻钟, 两点到四点, 2:30, 2h, 30min).
_UNIT_CHARS = frozenset("时钟头分份刻点:hm骨")


def find_hours(text: str) -> float | None:
    """Return the duration the message states, in hours (rounded to 0.001)."""
    if _UNIT_CHARS.isdisjoint(text):
        return None  # no unit a duration could end with
    for finder in (_hours, _half, _minutes, _quarters, _span, _bare_minutes, _one_hour):
        value = finder(text)
        if value is not None and 0 < value <= MAX_HOURS:
            return round(value, 3)
    return None


def _hours(text: str) -> float | None:
    m = _HOURS_RE.search(text)
    if not m:
        return None
    base = to_number(m.group(1))
    if base is None:
        return None
    minutes = cn_to_int(m.group(3)) if m.group(3) else 0
    quarters = cn_to_int(m.group(4)) if m.group(4) else 0
    return base + (0.5 if m.group(2) else 0.0) + (minutes or 0) / 60 + (quarters or 0) / 4


def _one_hour(text: str) -> float | None:
    m = _ONE_HOUR_RE.search(text)
    return None if m is None else (1.5 if m.group(1) else 1.0)


def _half(text: str) -> float | None:
    return 0.5 if _HALF_RE.search(text) else None


def _minutes(text: str) -> float | None:
    m = _MINUTES_RE.search(text)
    value = cn_to_int(m.group(1)) if m else None
    return None if value is None else value / 60


def _bare_minutes(text: str) -> float | None:
    m = _BARE_MINUTES_RE.search(text)
    value = cn_to_int(m.group(1)) if m else None
    return None if value is None else value / 60


def _quarters(text: str) -> float | None:
    m = _QUARTERS_RE.search(text)
    value = cn_to_int(m.group(1)) if m else None
    return None if value is None else value / 4


def _span(text: str) -> float | None:
    m = _SPAN_RE.search(text)
    if not m:
        return None
    groups = m.groups()[:4] if m.group(1) else m.groups()[4:]
    start, end = cn_to_int(groups[0]), cn_to_int(groups[2])
    if start is None or end is None:
        return None
    begin = start + _fraction(groups[1])
    finish = end + _fraction(groups[3])
    if finish <= begin:
        finish += 12  # 十一点到一点: across noon
    return finish - begin


def _fraction(minutes: str | None) -> float:
    """点半 → 0.5, 点四十(分) → 0.667; nothing → 0."""
    if not minutes:
        return 0.0
    if minutes == "半":
        return 0.5
    value = cn_to_int(minutes.rstrip("分"))
    return value / 60 if value is not None and value < 60 else 0.0
