"""Durations in hours: 一个半小时, 两个钟头, 40分钟, 一小时十五分, 半小时, 两点到四点."""

from __future__ import annotations

import re

from nlp.numbers import NUM, cn_to_int, to_number

_HOUR_UNIT = r"(?:小时|钟头|个钟|钟点)"
_HOURS_RE = re.compile(
    rf"({NUM}(?:点{NUM})?)\s*个?\s*(半)?\s*{_HOUR_UNIT}(?:\s*({NUM})\s*分(?:钟)?)?"
)
_HALF_RE = re.compile(rf"半\s*个?\s*{_HOUR_UNIT}")
_MINUTES_RE = re.compile(rf"({NUM})\s*分钟")
_QUARTERS_RE = re.compile(r"([一二三两俩1-3])\s*刻钟")
_SPAN_RE = re.compile(rf"({NUM})点(半)?\s*(?:到|至|-)\s*({NUM})点(半)?")
MAX_HOURS = 24.0


def find_hours(text: str) -> float | None:
    """Return the duration the message states, in hours (rounded to 0.001)."""
    for finder in (_hours, _half, _minutes, _quarters, _span):
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
    return base + (0.5 if m.group(2) else 0.0) + (minutes or 0) / 60


def _half(text: str) -> float | None:
    return 0.5 if _HALF_RE.search(text) else None


def _minutes(text: str) -> float | None:
    m = _MINUTES_RE.search(text)
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
    start, end = cn_to_int(m.group(1)), cn_to_int(m.group(3))
    if start is None or end is None:
        return None
    begin = start + (0.5 if m.group(2) else 0.0)
    finish = end + (0.5 if m.group(4) else 0.0)
    if finish <= begin:
        finish += 12  # 十一点到一点: across noon
    return finish - begin
