"""Meal, portion count and delivery, read from the normalized message."""

from __future__ import annotations

import re

from nlp.numbers import CN_DIGITS, NUM, cn_to_int

_MEALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("breakfast", re.compile(r"早起|早上|早晨|清早|一大早|早饭|早餐|早点(?![送来到回去儿])|今早|明早|一早")),
    ("lunch", re.compile(r"中午|晌午|午饭|中饭|午餐|晌饭|午间|中餐")),
    ("dinner", re.compile(r"晚上|晚饭|晚餐|夜饭|夜里|夜间|傍晚|今晚|明晚|晚间|(?<![天都快])黑了?(?=那顿|吃|的饭|饭)")),
)
MAX_PORTIONS = 50

_COUNT_RE = re.compile(
    rf"({NUM})\s*(?:份|盒|碗|人份|个人的|口人的|人的|套|(?:个人|口人|位|人)(?=\s|$|吃|用|来|去|过|到))"
)
# 一人一份 / 各一份 / 每人一份: the count is the number of people named.
_EACH_RE = re.compile(r"(?:一人|每人|每个人|各)(?:一|1)份")
# One other person named with "me": 我和老伴, 我跟孙子 (two people).
_KIN = (
    r"(?:老伴儿?|老头子?|老太婆|老婆子?|老公|爱人|媳妇|对象|孙子|孙女|外孙女?|儿子|女儿|闺女|"
    r"儿媳妇?|女婿|妈妈?|爸爸?|娘|老爷子|老太太|哥哥?|姐姐?|弟弟?|妹妹?|邻居|朋友|保姆)"
)
_PEOPLE_RE = re.compile(
    rf"({NUM})\s*(?:个人|口人|位)(?!一份)|(老两口|两口子|老俩口|(?:我|咱|他|她|我们|咱们|他们|她们)俩)"
    r"|((?:我|俺)(?:和|跟|同|与|还有)\S{1,4}?)(?=\s|一人|各|每人|的|都)"
    rf"|((?:我|俺|咱)(?:和|跟|同|与|还有)(?:我|俺)?的?{_KIN})"
)
_BARE_COUNT_RE = re.compile(
    rf"(?:订|要|来|留)([{CN_DIGITS}十]|\d{{1,2}})个?(?=\s|$|饭|送|份|人|[今明后]天|[今明][早晚儿日个]|大后天|[下这本]周|周|礼拜|星期|早|中午|晌午|午|晚|夜)"
)
# 订个饭 / 要个午饭 / 一个 alone: one portion; 俩 alone, 我们俩, 老两口: two.
_ONE_RE = re.compile(r"(?:订|要|留|来|送)个(?=饭|早点|午饭|晚饭|早饭|中饭|夜饭|\s|$)|(?:^|\s|(?<=[午饭餐点早晚]))(?:一|1)个(?=\s|$)")
_PAIR_RE = re.compile(r"(?:^|\s)俩(?=\s|$)|(?:我们|俺们|咱们|咱|俺|我|他们|她们)俩|老两口|两口子|老俩口")
# A number after the meal at the end: 晚饭 2, 明天早点 1, book dinner 2.
_TRAILING_RE = re.compile(rf"(?:饭|餐|早点|午饭|晚饭|早饭|中饭|夜饭)\s*(\d{{1,2}}|[{CN_DIGITS}十])\s*$")
# Typed multiplication: ×2, x1, *3, 2x (a count, 1–50).
_TIMES_RE = re.compile(r"(?<![a-z\d])[x×*]\s?(\d{1,2})(?![\d.:])|(?<![\d.])(\d{1,2})\s?[x×](?![a-z\d])")
# A place to eat (店里, 食堂 …) followed by eating: 到店吃, 店里吃, 在食堂里吃, 去店里用餐;
# not when negated (不到店里吃, 别去店里吃).
_EAT_IN = r"(?<![不别没])(?<![不别没][在去到来])(?:店|食堂|饭堂|餐厅|助餐点|饭店|饭馆)(?:里|内|里面)?(?:吃|用餐|就餐)"
_NO_DELIVERY_RE = re.compile(
    rf"堂食|堂吃|店吃|在店|{_EAT_IN}|(?:在|去|到)(?:食堂|饭堂|餐厅|助餐点)|(?:自己|我|我们|咱)(?:过去|去|来)(?:吃|拿|取)|过去吃|过来吃"
    r"|(?<![出不别])(?:过去|去)吃|(?:过去|过来|来|去)(?:拿|取|提)|自己拿|自取|自提|(?:到|去)那(?:边|儿|里)?吃|这就过去|(?:不用|不要|不需要|别|不)(?:给我|给他|给她|给我们)?送"
)
_DELIVERY_RE = re.compile(
    r"送(?:到|上|过|回|来|去|餐|饭|货|一下|家|楼|屋|门口|个饭|份饭)|(?:送|送到)(?:我|他|她|俺)\S{0,3}(?:家|那)|上门|外送|配送|外卖|送(?:我|他|她|俺|咱|我们|他们)(?:家|那|这|屋|楼)|放(?:在)?(?:家|我家)?(?:门口|楼下|门卫)|送(?=\S{0,3}份)|(?:^|\s)送(?:\s|$)|(?:要|需要|得)送(?=\s|$|吧|的)"
)


def find_meal(text: str) -> tuple[str | None, bool]:
    """Return the first meal mentioned and whether two different meals were named."""
    found: list[tuple[int, str]] = []
    for meal, pattern in _MEALS:
        m = pattern.search(text)
        if m:
            found.append((m.start(), meal))
    if not found:
        return None, False
    found.sort()
    return found[0][1], len({meal for _, meal in found}) > 1


def find_count(text: str) -> int | None:
    """Return the number of portions the message asks for (两份, 三个人的, 订俩)."""
    if _EACH_RE.search(text) and (people := _people(text)) is not None:
        return people
    m = _COUNT_RE.search(text) or _BARE_COUNT_RE.search(text)
    if not m:
        times = _TIMES_RE.search(text) or _TRAILING_RE.search(text)
        if times is None:
            if _PAIR_RE.search(text):
                return 2
            return 1 if _ONE_RE.search(text) else None
        typed = cn_to_int(next(g for g in times.groups() if g)) or 0
        return typed if 1 <= typed <= MAX_PORTIONS else None
    value = cn_to_int(m.group(1))
    if value is None or not 1 <= value <= MAX_PORTIONS:
        return None
    return value


def _people(text: str) -> int | None:
    m = _PEOPLE_RE.search(text)
    if not m:
        return None
    if m.group(1):
        value = cn_to_int(m.group(1))
        return value if value is not None and 1 <= value <= MAX_PORTIONS else None
    return 2  # 老两口, 我和老伴: two people


def find_delivery(text: str) -> bool | None:
    """Return True for bring-it-home, False for eat-at-the-canteen, None if unsaid."""
    if _NO_DELIVERY_RE.search(text):
        return False
    if _DELIVERY_RE.search(text):
        return True
    return None
