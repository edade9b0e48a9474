"""Standing orders (长期订餐) in words: which days repeat, and pause / resume / end.

LABELS.md has no intent for these: "以后每天中午都给我送一份" is a `meal_book`
with its meal, count and delivery slots (and no date, a span is no date), and
`parse` keeps answering that. These readers run beside it, on the raw text:

- `read_repeat` → the days a message asks for every week: "daily" (每天, 天天),
  "workdays" (工作日, 上班的日子: the official calendar's), or ISO weekdays
  ("135" for 每周一三五). A bounded span (下周一到周五, 这周) is no standing order.
- `read_command` → "pause" (这周先停, 停几天, 住院了先别送), "resume" (恢复,
  出院了接着送) or "end" (以后不要了, 长期订餐取消), or None.
- `read_pause` → the days a pause covers, from today: 这周 → to Sunday, 下周 →
  next Monday to Sunday, 两周 / 半个月 / N天, 到12月10号 → to that day.
"""

from __future__ import annotations

import datetime as dt
import re

from nlp.dates import resolve_date
from nlp.normalize import normalize
from nlp.numbers import NUM, cn_to_int

_WEEKDAY_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "日": "7",
                   "天": "7", "末": "67", **{str(n): str(n) for n in range(1, 8)}}
_DAY_CHARS = "一二三四五六日天末1-7"
_EVERY_WEEK_RE = re.compile(
    rf"(?:每|逢)(?:个)?(?:周|星期|礼拜|週)((?:[{_DAY_CHARS}]|和|跟|及|还有|\s|(?:周|星期|礼拜))+)")
_WEEK_SPAN_RE = re.compile(
    rf"(?:每|以后|往后|长期)\S{{0,3}}?(?:周|星期|礼拜)([{_DAY_CHARS}])(?:到|至|-)(?:周|星期|礼拜)?([{_DAY_CHARS}])")
_WORKDAYS_RE = re.compile(r"工作日|上班的?日子|上班那几天|礼拜一到礼拜五都|周一到周五都")
_DAILY_RE = re.compile(r"每天|天天|每日|每一天|一日三餐|日日")
# 每天一份 (a count per day), 下周一到周五 / 这周 (a bounded span): no standing order alone.
_PER_DAY_COUNT_RE = re.compile(rf"每天(?:{NUM})份")
_BOUNDED_RE = re.compile(r"(?:下下?|这|本|上)(?:个)?(?:周|星期|礼拜)|明天|后天|今天|这几天")
_FROM_NOW_RE = re.compile(r"以后|往后|今后|从今|长期|一直|固定|每周|每星期|每个星期|每礼拜|每个礼拜|天天|工作日|上班的?日子")

_END_RE = re.compile(
    r"(?:以后|往后|今后|长期)\S{0,6}?(?:不要|不订|不用|别送|别订|取消|停掉|不吃)"
    r"|(?:取消|停掉|不要|退掉|结束)\S{0,2}长期|长期(?:订餐|订的|的饭|送饭)?\S{0,2}(?:不要了|取消|停掉|不订了|结束)")
_RESUME_RE = re.compile(r"恢复|出院了|回来了\S{0,4}(?:送|订)|(?:接着|继续|重新)(?:送|订)")
_PAUSE_RE = re.compile(
    r"(?:先|暂时?)(?:停|别送|不要|不用|不订)|暂停|停(?:送|订)?(?:一下|几天|一阵|{n}(?:天|周|个?星期|个?礼拜))"
    r"|(?:这|下|本)(?:个)?(?:周|星期|礼拜)\S{0,6}?(?:不要|不用|别送|停|不订|不吃)|停到"
    r"|(?:这几天|这些天|这阵子|最近)\S{0,4}(?:不要|不用|别送|停|不订)"
    .replace("{n}", NUM))


def read_repeat(text: str) -> str | None:
    """Return the days a message asks a meal for every week ("daily", "workdays", "135"), or None."""
    body = normalize(text)
    if not _FROM_NOW_RE.search(body) and not _DAILY_RE.search(body):
        return None
    if _BOUNDED_RE.search(body) and not re.search(r"以后|往后|今后|长期|每周|每星期|每个星期|每礼拜", body):
        return None
    if _WORKDAYS_RE.search(body):
        return "workdays"
    span = _WEEK_SPAN_RE.search(body)
    if span:
        first, last = (_WEEKDAY_DIGITS[c][0] for c in span.groups())
        return "".join(str(d) for d in range(int(first), int(last) + 1)) or None
    week = _EVERY_WEEK_RE.search(body)
    if week:
        digits = {d for c in week.group(1) for d in _WEEKDAY_DIGITS.get(c, "")}
        return "".join(sorted(digits)) or None
    if _DAILY_RE.search(body) and not _PER_DAY_COUNT_RE.search(body.replace(" ", "")):
        return "daily"
    if _DAILY_RE.search(body) and re.search(r"以后|往后|今后|长期|从今", body):
        return "daily"
    return None


def read_command(text: str) -> str | None:
    """Return "end", "resume" or "pause" when a message says so of a standing order, else None."""
    body = normalize(text)
    if _END_RE.search(body):
        return "end"
    if _RESUME_RE.search(body):
        return "resume"
    if _PAUSE_RE.search(body):
        return "pause"
    return None


_DAYS_RE = re.compile(rf"({NUM})\s?(?:天|日)")
_WEEKS_RE = re.compile(rf"({NUM})\s?(?:个)?(?:周|星期|礼拜)")
_UNTIL_RE = re.compile(r"(?:到|至|停到|等到)(\S{1,8}?(?:号|日|天|周[一二三四五六日天]|星期[一二三四五六日天]))")


def read_pause(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Return the first and last day of the pause a message asks for, or None when unsaid."""
    body = normalize(text)
    sunday = today + dt.timedelta(days=6 - today.weekday())
    if re.search(r"两周|两个?星期|两个?礼拜|这周和下周|半个月", body):
        return today, sunday + dt.timedelta(days=7) if "半个月" not in body else today + dt.timedelta(days=14)
    if re.search(r"下(?:个)?(?:周|星期|礼拜)", body):
        return sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=7)
    if re.search(r"(?:这|本)(?:个)?(?:周|星期|礼拜)", body):
        return today, sunday
    until = _UNTIL_RE.search(body)
    if until:
        hit, _ = resolve_date(until.group(1), today)
        if hit is not None and hit.day >= today:
            return today, hit.day
    weeks = _WEEKS_RE.search(body)
    if weeks and (n := cn_to_int(weeks.group(1))) and 1 <= n <= 8:
        return today, today + dt.timedelta(days=7 * n - 1)
    days = _DAYS_RE.search(body)
    if days and (n := cn_to_int(days.group(1))) and 1 <= n <= 62:
        return today, today + dt.timedelta(days=n - 1)
    if re.search(r"一个月", body):
        return today, today + dt.timedelta(days=29)
    if "明天" in body:
        tomorrow = today + dt.timedelta(days=1)
        return tomorrow, tomorrow
    return None
