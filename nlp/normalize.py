"""Clean a raw message: width, control characters, voice-input homophones, punctuation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from nlp.gates import first_chars
from nlp.variants import fold_variants

MAX_CHARS = 2000  # a chat message longer than this is read by its head only

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff]")
_PUNCT_RE = re.compile(r"[\s,;!?，。、；：！？…~～·\"'“”‘’()（）【】\[\]<>《》\\|]+")
# A full stop, slash or colon between digits stays: 1.5小时, 12.24, 12/24, 2:30.
_DIGIT_MARKS = frozenset("./:")
_LOOSE_MARK_RE = re.compile(r"\s*(?:(?<!\d)[./:]|[./:](?!\d))+\s*")

# Voice input and pinyin IMEs swap characters that sound alike. Each rule is
# (wrong, right); the lookarounds keep the fix inside the phrase it belongs to
# (定 → 订 only near a meal word, 分 → 份 only after a count and not before 钟).
_HOMOPHONES: tuple[tuple[str, str], ...] = (
    (r"(?<![确一决规肯固稳指约假设])定(?=(?:个|一下|上|好|了)?[^\s]{0,6}?(?:饭|餐|份))", "订"),
    (r"(?<=[要想来给帮我])定(?=[一两俩二三四五六七八九十\d]?[份个])", "订"),
    # 两分 → 两份, but not 十五分 / 30分 / 四十分 (minutes: portions are rarely ten or more).
    (r"(?<![十\d][一二三四五六七八九\d])(?<=[一两俩二三四五六七八九\d])分(?![钟之])(?=[\s饭餐送到的]|$)", "份"),
    (r"[无舞五武]饭", "午饭"),
    (r"[无舞五武]餐", "午餐"),
    (r"午反", "午饭"),
    (r"中五(?![\d十])", "中午"),
    (r"晚反", "晚饭"),
    (r"早反", "早饭"),
    (r"中反", "中饭"),
    (r"去消|取销|去销|去晓|取晓", "取消"),
    (r"(?<=[医疗临时])就助", "救助"),
    (r"就助(?=[金款])", "救助"),
    (r"低包", "低保"),
    (r"特捆", "特困"),
    (r"[住主祝竹]餐点", "助餐点"),
    (r"自愿者|志原者", "志愿者"),
    (r"(?<=[来人帮])休(?=一下|理|好)", "修"),
    (r"(?<![吃做订弄煮忙用搞])完(?=饭|餐)", "晚"),
    (r"签[道倒刀]", "签到"),
    (r"签推", "签退"),
    (r"积份", "积分"),
    (r"残积人|惨疾人", "残疾人"),
    (r"转人[空公]|专人工", "转人工"),
    (r"[灵零林](?=时救助|时救济|时补助)", "临"),
)
# Each fix runs only if the text holds a character its pattern can start with (see gates.py).
# English and pinyin words are folded with the other variants (variants.fold_latin).
_Fix = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], frozenset[str] | None]
_HOMOPHONE_RES: tuple[_Fix, ...] = tuple((re.compile(p), r, first_chars(p)) for p, r in _HOMOPHONES)


def clean(text: str) -> str:
    """Return text with unified width and case, no control characters, bounded length."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])
    text = _CONTROL_RE.sub(" ", text)
    return text[:MAX_CHARS].lower()


def fix_homophones(text: str) -> str:
    """Replace the voice-input slips we know about (定餐 → 订餐, 午反 → 午饭)."""
    chars = frozenset(text)
    for pattern, right, gate in _HOMOPHONE_RES:
        if gate is not None and gate.isdisjoint(chars):
            continue
        text = pattern.sub(right, text)
    return text


def unpunctuate(text: str) -> str:
    """Turn punctuation and runs of whitespace into single spaces."""
    text = _PUNCT_RE.sub(" ", text)
    if not _DIGIT_MARKS.isdisjoint(text):
        text = _LOOSE_MARK_RE.sub(" ", text)
    return text.strip()


def normalize(text: str) -> str:
    """Return the form every rule reads: cleaned, variants folded, homophones fixed,
    punctuation as spaces."""
    return unpunctuate(fix_homophones(fold_variants(clean(text))))


# "不是取消 是要订", "不是订饭我问补贴": the clause after 不是 is what the person does
# NOT mean; drop it when something follows. A-not-A questions (要不要订饭) are not
# negations: fold them to their positive verb so 不要 cannot read as a cancel.
_CONTRADICTED_RE = re.compile(
    r"不是(?:要|想|说|在)?[^\s]{1,6}?(?:\s+|(?=而是|就是|是要|是想|我想|我要|我问|我是))(?=\S{2})"
)
_A_NOT_A_RE = re.compile(r"(要|用|需)不\1|需不需要")


def drop_contradicted(text: str) -> str:
    """Remove a clause the speaker explicitly contradicts and fold A-not-A questions."""
    text = _A_NOT_A_RE.sub(lambda m: "需要" if m.group(0) == "需不需要" else m.group(1), text)
    return _CONTRADICTED_RE.sub("", text, count=1).strip()
