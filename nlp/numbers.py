"""Chinese and Arabic numerals inside a matched span (never a whole sentence)."""

from __future__ import annotations

import re

# One regex fragment for "a number as people write or dictate it".
CN_DIGITS = "零〇一二两俩仨三四五六七八九"
NUM = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}十百千]+)"

_DIGIT = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "仨": 3, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUMBER_RE = re.compile(rf"^{NUM}$")


def cn_to_int(token: str) -> int | None:
    """Return the integer a numeral token denotes (十五, 二十三, 两, 12), or None."""
    token = token.strip()
    if not token or not _NUMBER_RE.match(token):
        return None
    if token.isdigit():
        return int(token)
    if all(ch in _DIGIT for ch in token):
        # Digit by digit ("二零二六"); a lone digit is the common case.
        return int("".join(str(_DIGIT[ch]) for ch in token))
    return _positional(token)


def _positional(token: str) -> int | None:
    total, current = 0, 0
    for ch in token:
        if ch in _DIGIT:
            current = _DIGIT[ch]
        elif ch in _UNIT:
            total += (current or 1) * _UNIT[ch]
            current = 0
        else:
            return None
    return total + current


def to_number(token: str) -> float | None:
    """Return the value of a numeral token, allowing decimals (1.5, 一点五)."""
    token = token.strip()
    if "点" in token:
        whole, _, frac = token.partition("点")
        w, f = cn_to_int(whole), cn_to_int(frac) if frac else None
        if w is None or f is None:
            return None
        return float(f"{w}.{f}")
    try:
        return float(token)
    except ValueError:
        value = cn_to_int(token)
        return None if value is None else float(value)
