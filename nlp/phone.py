"""Phone numbers as people type or dictate them: 138 1234 5678, 幺三八…, 0571-8888 6666."""

from __future__ import annotations

import re

_SPOKEN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "两": "2",
    "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "拐": "7", "八": "8",
    "九": "9", "勾": "9",
}
_SEP = r"[\s\-－—.]*"
_CN = "零〇洞幺一二两三四五六七拐八九勾"
# Arabic and spoken digits form separate runs, so "13812345678 两份" stays a phone.
_DIGIT_RUN_RE = re.compile(rf"\d(?:{_SEP}\d)*|[{_CN}](?:{_SEP}[{_CN}])*")
_MOBILE_RE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE_RE = re.compile(r"(0\d{2,3}\d{7,8})")


def extract_phone(text: str) -> str | None:
    """Return the first mobile (11 digits) or landline number in text, digits only."""
    for run in _DIGIT_RUN_RE.finditer(text):
        digits = "".join(_SPOKEN_DIGITS.get(ch, ch) for ch in run.group(0) if ch.isalnum())
        if not digits.isdigit():
            continue
        mobile = _MOBILE_RE.fullmatch(digits)
        if mobile:
            return mobile.group(1)
        if _LANDLINE_RE.fullmatch(digits):
            return digits
    return None
