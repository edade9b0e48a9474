"""Find the date a message names and resolve it against `now` (weeks start Monday)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from nlp.festivals import NAMES, next_festival
from nlp.numbers import NUM, cn_to_int


@dataclass(frozen=True)
class DateHit:
    """One date expression: where it starts, its resolved day, and policy flags."""

    start: int
    day: dt.date
    ambiguous: bool = False
    meal: str | None = None


_RELATIVE = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨儿": -1, "昨日": -1,
    "今天": 0, "今儿": 0, "今日": 0, "当天": 0,
    "明天": 1, "明儿": 1, "明日": 1, "后天": 2, "后儿": 2, "大后天": 3,
    "明个": 1, "今个": 0,
}
_PART = {"早": "breakfast", "晚": "dinner"}  # 今早 / 明晚 …
_RELATIVE_RE = re.compile(
    r"(大前天|前天|昨天|昨儿个?|昨日|今天|今儿个?|今日|当天|明天|明儿个?|明日|大后天|后天|后儿个?|(?<![说证透聪标声表文])明个|今个)"
    r"|(?<![早晚])(今|明|昨)(早|晚)(?![点些])"
)
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEK_RE = re.compile(
    r"(?<![每一两几三四五六七八九十\d])(这个?|本|下下个?|下个?|上上个?|上个?)?"
    r"(?:周|星期|礼拜|週)([一二三四五六日天七1-7])(?![次回个天年])"
)
_MONTH_DAY_RE = re.compile(rf"(?:(\d{{4}})年)?({NUM})月({NUM})(?:号|日)?(?![个月\d])")
_DAY_RE = re.compile(
    rf"(?<![月\d{''.join('零〇一二两三四五六七八九十')}])({NUM})(?:号|(?<=\d)日)"
    r"(?![楼线床门房室窗口机码院车位柜桌台屋单元座栋幢厅馆箱子])"
)
# Typed month.day: 12.24 / 12/24 (not 1.5小时, 3.5元).
_DOTTED_RE = re.compile(
    r"(?<![\d.])(?:(\d{4})[./])?(1[0-2]|0?[1-9])[./](3[01]|[12]\d|0?[1-9])"
    r"(?![\d.]|\s*(?:小时|个|钟|分|元|块|斤|倍|折|米|公里|万|千|百|岁|级|度|份|%))"
)
_REL_MONTH_RE = re.compile(rf"(这个?|本|当|下个?|上个?)月({NUM})(?:号|日)(?![个月\d])")
_FESTIVAL_RE = re.compile("|".join(sorted(NAMES, key=len, reverse=True)))


def _relative(text: str, today: dt.date, past: bool) -> Iterator[DateHit]:
    for m in _RELATIVE_RE.finditer(text):
        if m.group(1):
            word = m.group(1)
            word = word if word in _RELATIVE else word.removesuffix("个")
            yield DateHit(m.start(), today + dt.timedelta(days=_RELATIVE[word]))
        else:
            offset = {"今": 0, "明": 1, "昨": -1}[m.group(2)]
            meal = _PART[m.group(3)]
            yield DateHit(m.start(), today + dt.timedelta(days=offset), meal=meal)


def _weekday(text: str, today: dt.date, past: bool) -> Iterator[DateHit]:
    for m in _WEEK_RE.finditer(text):
        qualifier = (m.group(1) or "").replace("个", "")
        raw = m.group(2)
        wd = int(raw) - 1 if raw.isdigit() else _WEEKDAY[raw]
        monday = today - dt.timedelta(days=today.weekday())
        sunday_now = today.weekday() == 6
        if not qualifier:
            ahead = (wd - today.weekday()) % 7
            if past and ahead:
                # Logging a service: 周一 means the Monday just gone (LABELS would say next).
                yield DateHit(m.start(), today - dt.timedelta(days=7 - ahead), ambiguous=True)
                continue
            # Said on that very weekday: today per LABELS, but "next week's" is plausible.
            yield DateHit(m.start(), today + dt.timedelta(days=ahead), ambiguous=ahead == 0)
            continue
        weeks = {"这": 0, "本": 0, "下": 1, "下下": 2, "上": -1, "上上": -2}[qualifier]
        day = monday + dt.timedelta(days=7 * weeks + wd)
        # Many people count weeks from Sunday: on a Sunday 下周三 / 这周三 could mean either.
        yield DateHit(m.start(), day, ambiguous=sunday_now and wd != 6)


def _month_day(text: str, today: dt.date, past: bool) -> Iterator[DateHit]:
    matches = list(_MONTH_DAY_RE.finditer(text))
    if "." in text or "/" in text:
        matches.extend(_DOTTED_RE.finditer(text))
    for m in matches:
        month, day = cn_to_int(m.group(2)), cn_to_int(m.group(3))
        if month is None or day is None:
            continue
        year = int(m.group(1)) if m.group(1) else today.year
        found = _safe_date(year, month, day)
        if found is None:
            continue
        rolled = False
        if past and not m.group(1) and found > today:
            found = _safe_date(year - 1, month, day)
            if found is not None:
                yield DateHit(m.start(), found, ambiguous=True)
            continue
        if not past and not m.group(1) and found < today:
            found, rolled = _safe_date(year + 1, month, day), True
        if found is not None:
            # 12月3号 said on 12月5号: next year by policy, but maybe a slip.
            yield DateHit(m.start(), found, ambiguous=rolled and month == today.month)


def _day_of_month(text: str, today: dt.date, past: bool) -> Iterator[DateHit]:
    step = -1 if past else 1
    for m in _DAY_RE.finditer(text):
        day = cn_to_int(m.group(1))
        if day is None or not 1 <= day <= 31:
            continue
        index = today.year * 12 + today.month - 1
        for _ in range(12):
            found = _safe_date(index // 12, index % 12 + 1, day)
            if found is not None and (found <= today if past else found >= today):
                rolled = (found.year, found.month) != (today.year, today.month)
                yield DateHit(m.start(), found, ambiguous=rolled)
                break
            index += step


def _relative_month(text: str, today: dt.date, past: bool) -> Iterator[DateHit]:
    # 这个月30号, 下个月3号, 上月5号: the month is named relative to today.
    for m in _REL_MONTH_RE.finditer(text):
        day = cn_to_int(m.group(2))
        if day is None:
            continue
        shift = {"这": 0, "本": 0, "当": 0, "下": 1, "上": -1}[m.group(1)[0]]
        index = today.year * 12 + today.month - 1 + shift
        found = _safe_date(index // 12, index % 12 + 1, day)
        if found is not None:
            yield DateHit(m.start(), found)


def _festival(text: str, today: dt.date, past: bool) -> Iterator[DateHit]:
    for m in _FESTIVAL_RE.finditer(text):
        found = next_festival(NAMES[m.group(0)], today)
        if found is not None:
            yield DateHit(m.start(), found)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_Finder = Callable[[str, dt.date, bool], Iterator[DateHit]]
# Each finder with the characters one of its expressions must contain: a text
# holding none of them cannot name that kind of date, so the finder is skipped.
_FINDERS: tuple[tuple[_Finder, frozenset[str]], ...] = (
    (_relative, frozenset("前昨今当明后")),
    (_weekday, frozenset("周期拜週")),
    (_month_day, frozenset("月./")),
    (_relative_month, frozenset("月")),
    (_day_of_month, frozenset("号日")),
    (_festival, frozenset("".join(NAMES))),
)


def find_dates(text: str, today: dt.date, past: bool = False) -> list[DateHit]:
    """Return every date expression in text, in reading order.

    With `past` (a service logged after the fact) a bare weekday or day of month
    resolves to the latest such day on or before today instead of the next one.
    """
    chars = frozenset(text)
    hits = [
        hit
        for finder, needs in _FINDERS
        if not needs.isdisjoint(chars)
        for hit in finder(text, today, past)
    ]
    return sorted(hits, key=lambda h: h.start)


_DAY_WORD = (
    rf"(?:(?:下下?|上|这|本)个?)?(?:周|星期|礼拜)[一二三四五六日天1-7]|{NUM}(?:号|日)|大?[前后]天|[今明昨]天|明儿个?|今儿个?"
)
# 下周一到周五, 3号到5号, 明天起, 从后天开始: a span of days, which LABELS gives no `date`.
_RANGE_RE = re.compile(
    rf"(?:{_DAY_WORD})\s?(?:到|至|~|-|—)\s?(?:{_DAY_WORD})|(?:{_DAY_WORD})\s?(?:起|开始)(?!来)|从(?:{_DAY_WORD})"
)


def resolve_date(text: str, today: dt.date, past: bool = False) -> tuple[DateHit | None, bool]:
    """Return the first date named in text and whether the choice is ambiguous (None for a range)."""
    hits = find_dates(text, today, past)
    if hits and _RANGE_RE.search(text):
        return None, False
    if not hits:
        return None, False
    first = hits[0]
    if not past and first.day < today:
        # 我昨天跟小王说了 订后天的午饭: a booking, menu or sign-up is for today or later,
        # so an earlier past date is narrative when a later one follows.
        first = next((h for h in hits if h.day >= today), first)
    conflict = any(h.day != first.day for h in hits[1:])
    return first, first.ambiguous or conflict


_CLOCK_RE = re.compile(
    rf"(?<![快慢早晚多少好大小有差些])(\d{{1,2}}|十[一二]?|[一二两三四五六七八九])点"
    rf"(?:半|{NUM}分?|一刻|三刻|钟|整)?(?=半|钟|整|左右|前|后|的|到|去|来|开始|过来|订|送|\s|$)"
)
_DAY_PART_RE = re.compile(r"上午|下午|中午|晚上|早上|凌晨|傍晚|夜里|半夜|清早|早晨|今晚|明晚|明早|今早")


def bare_clock_time(text: str) -> bool:
    """Return True for a 12-hour clock time with no 上午/下午 (两点半: 2:30 or 14:30?)."""
    if _DAY_PART_RE.search(text):
        return False
    for m in _CLOCK_RE.finditer(text):
        hour = cn_to_int(m.group(1))
        if hour is not None and 1 <= hour <= 11:
            return True
    return False
