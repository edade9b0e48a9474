"""Home addresses as people write them, reduced to keys a building can be matched on.

"阳光社区三栋2单元301", "阳光社区3号楼二单元301室", "3幢2-301" all carry the key
"3栋". Both the address book (names and aliases) and a typed address go
through `normalise_address`, so whatever spelling staff list, residents may
use any of the usual ones: Chinese or Arabic numerals, 号楼 / 栋 / 幢 / 座 /
号, a unit (单元), a room (室, 门牌) or the dashed 3-2-301.
"""

from __future__ import annotations

import re
import unicodedata

from nlp.numbers import cn_to_int

_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+(?=号楼|号|栋|幢|座|单元|室|门|期|区|-)")
_NOISE = re.compile(r"[\s,，。.、:：;；()（）\"'“”‘’#＃]+")
_BUILDING = re.compile(r"(?<![\d\-元室])(\d+)(?:号楼|栋楼|栋|幢|座|号)")
# "3-2-301" (building-unit-room) or "3-301" (building-room), when nothing says 栋.
_DASHED = re.compile(r"(?<![\d-])(\d+)-\d+(?:-\d+)?(?!\d)")
_TRAILING = re.compile(r"(?:\d+单元|\d+门|\d+室|\d+楼|\d+号房?|\d+-\d+|门牌\d*|\d+)+$")


def _arabic(found: re.Match[str]) -> str:
    value = cn_to_int(found.group(0))
    return found.group(0) if value is None else str(value)


def normalise_address(text: str) -> str:
    """Return an address in one spelling: Arabic numerals, buildings as "N栋", no spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("—", "-").replace("－", "-").replace("~", "-")
    text = _NOISE.sub("", text)
    text = _CN_NUMBER.sub(_arabic, text)
    text = _BUILDING.sub(r"\1栋", text)
    if "栋" not in text:
        text = _DASHED.sub(r"\1栋", text, count=1)
    return text


def building_part(text: str) -> str:
    """Return the normalised address without its unit and room ("3栋2单元301" → "3栋")."""
    return _TRAILING.sub("", normalise_address(text))


def key_at(address: str, key: str) -> int:
    """Return where `key` stands in a normalised address as a whole part, or -1.

    "3栋" stands in "老3栋" and "3栋2单元" but not in "13栋": a number in the
    key never continues a number in the address.
    """
    start = address.find(key)
    while start != -1:
        before = address[start - 1] if start else ""
        after = address[start + len(key)] if start + len(key) < len(address) else ""
        if not (key[0].isdigit() and before.isdigit()) and not (key[-1].isdigit() and after.isdigit()):
            return start
        start = address.find(key, start + 1)
    return -1
