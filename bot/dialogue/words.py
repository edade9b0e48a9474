"""The words the dialogue reads without nlp: yes, no, ways out, menu words, numbered picks.

Pure functions and tables (no I/O), shared by the engine and its tests.
"""

from __future__ import annotations

import re
from typing import Any

import nlp
from nlp.numbers import cn_to_int

YES = {"1", "是", "是的", "好", "好的", "确认", "确定", "对", "对的", "可以", "行", "嗯",
       "中", "成", "要得", "好嘞", "没问题", "就这样", "对头", "没错", "ok"}
# "确认订餐", "好的，就这样": a yes in front, no 不 anywhere.
_LEADING_YES = re.compile(r"^(?:确认|确定|好的|对的|是的|可以|没问题|没错)")
REDO = {"2", "重新填写", "重填", "修改"}
NO = {"3", "不", "不是", "不对", "不用", "不用了", "否"}
CANCEL = {"取消", "退出", "不办了", "算了", "结束"}
RESTART = {"重新开始", "重来", "从头开始", "重新来", "再来一遍", "从头来"}
HELP = {"帮助", "菜单", "help", "?", "？", "怎么用"}
HUMAN = {"转人工", "人工", "人工服务", "找人工", "找社工"}
# Bare menu words the welcome and menu tell people to send.
KEYWORDS = {"登记": "register", "订餐": "meal_book", "求助": "help_request",
            "签到": "service_checkin", "签退": "service_checkout", "报名活动": "activity_signup",
            "求助进度": "help_status", "积分兑换": "points_redeem", "取消订餐": "meal_cancel",
            "我的信息": "my_data", "我的数据": "my_data", "注销": "erase_account",
            "注销账号": "erase_account"}
# What people say (typed or by voice) meaning "what I asked for", whatever nlp guesses.
PHRASES = (
    (re.compile(r"记录.{0,4}服务|补记.{0,4}服务|服务.{0,2}记录一下"), "service_log"),
    (re.compile(r"^(?:查|查查|看看|查一下)?我的求助(?:呢|进度|怎么样了?)?$|求助.{0,4}(?:进度|怎么样|到哪|办好了?没|有消息)"),
     "help_status"),
    (re.compile(r"(?:积分|分)[^兑换]{0,3}(?:还有|剩|有)(?:下)?(?:几|多少)|(?:还有|剩下?)(?:几|多少)(?:个)?(?:积)?分"),
     "points_query"),
    (re.compile(r"^(?:我要|我想|申请|帮我)?注销(?:账号|帐号|我的账号|我的帐号|我的信息)?(?:吧|了)?$"), "erase_account"),
    (re.compile(r"^(?:查|查查|看看|查一下)?(?:我的|你们存了我的?|你们有我的?)(?:个人)?(?:信息|数据)(?:吗|呢)?$"),
     "my_data"),
)
_PUNCT = re.compile(r"[\s。，,.!！?？~～、]+")
_CORRECTING = re.compile(r"^(?:不对|不是|错了|搞错了|说错了|等一下|等等)[\s，,。.!！]*(?:是|应该是|要)?")
_CHANGING = re.compile(r"改|换|但是|可是|不过|错|还是|再|加|减|\d|[一两二三四五六七八九十]份")
_ASIDE = re.compile(r"（([^）]+)）")  # 11月29日（今天）: "今天" picks it
# "算了，不要了", "算了吧，先不订", "那就不用了": each clause only an abandon word and fillers.
_ABANDON = re.compile(
    r"^(?:(?:那|那就|那我|我|就|还是|先|暂时)*"
    r"(?:算了|不了|不(?:想|再)?(?:要|用|订|办|弄|换|兑换|报|报名|签|记|去|参加|登记|需要|麻烦)了?"
    r"|取消|退出|结束|放弃|没事了|没事|不用麻烦了"
    r"|以后再说|下次再说|回头再说|改天再说|再说)"
    r"(?:吧|了|啦|呀|啊|哈|嘛|呢|谢谢|谢谢你|谢谢啊)*)+$")
_POLITE = {"谢谢", "谢谢你", "谢谢啊", "谢了", "好吧", "那好吧", "哦", "嗯", "唉", "哎"}


# Punctuation and particles around a short answer ("好的吧。", "对啊！").
EDGES = "，。！!,.~～ 吧啊呀了的"
_CLAUSE = re.compile(r"[，,。.!！\s]+")


def trimmed(text: str) -> str:
    """Strip the punctuation and particles around a short answer; keep it if nothing is left."""
    return text.strip().strip(EDGES) or text.strip()


def first_clause(said: str) -> str:
    """Return the first clause of an answer ("不对，今天没人来过" → "不对")."""
    return _CLAUSE.split(said, maxsplit=1)[0].strip(EDGES)


def bare(text: str) -> str:
    """Strip spaces and punctuation so commands match however they are typed."""
    return _PUNCT.sub("", text).lower() or text.strip()


def is_abandon(text: str) -> bool:
    """Tell whether a message only says "stop" (算了，不要了 / 那就不用了), in any state."""
    clauses = [c for c in _PUNCT.split(text) if c]
    said = [c for c in clauses if c not in _POLITE]
    return bool(said) and all(_ABANDON.match(c) for c in said)


def intent_of(text: str, parse: nlp.Parse) -> tuple[str, float]:
    """Return what a message asks for: a menu word, a known phrasing, or nlp's guess."""
    word = bare(text)
    if word in KEYWORDS:
        return KEYWORDS[word], 1.0
    for pattern, intent in PHRASES:
        if pattern.search(word):
            return intent, 0.9
    return parse.intent, parse.confidence


def pick(choices: list[list[Any]], word: str) -> Any:
    """Return the value of a numbered choice ("2", "第2个", "第二个", "今天" for "11月29日（今天）")."""
    digits = word.removeprefix("第").removesuffix("个")
    number = int(digits) if digits.isdigit() else cn_to_int(digits) if len(digits) == 1 else None
    if number is not None and 1 <= number <= len(choices):
        return choices[number - 1][0]
    for value, label in choices:
        aside = _ASIDE.search(str(label))
        if word and (word == bare(str(label)) or (aside is not None and word == aside.group(1))):
            return value
    if len(word) >= 2:  # "阳光" for 阳光社区, when only one label has it
        inside = [value for value, label in choices if word in bare(str(label))]
        if len(inside) == 1:
            return inside[0]
    return None


def says_yes_first(word: str, *, plainly: bool = False) -> bool:
    """Tell whether a read-back answer starts with a yes and has no 不 ("确认订餐", "好的就这样").

    `plainly`: and changes nothing either ("好的，改成晚饭" is a correction).
    """
    if not _LEADING_YES.match(word) or "不" in word:
        return False
    return not (plainly and _CHANGING.search(word))


def without_correction(text: str) -> str:
    """Drop the "不对，是" in front of a correction, keeping the facts."""
    return _CORRECTING.sub("", text) or text
