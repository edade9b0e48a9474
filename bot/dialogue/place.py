"""Where the need is, as people say it: "人在菜市场门口", "在3号楼下", "阳光社区3号楼2单元101"."""

from __future__ import annotations

import re

_END = (r"(?:社区|小区|苑|花园|新村|大院|楼|栋|幢|单元|号|室|门口|门前|路|街|巷|弄|村|组|市场|菜场"
        r"|超市|公园|广场|医院|诊所|车站|站|学校|银行|商场|店|桥|边|楼下|楼上|楼道|电梯|附近|旁边"
        r"|对面|里|家|屋|门|下|口|前|后|上)")
# The place ends the clause, or what happened there follows ("在菜市场门口晕倒了").
_TAIL = (r"(?:这里|这儿|那里|那儿)?(?:呢|了|啊|吧|哦)?"
         r"(?=$|[，。,.!！?？;；\s]|摔|晕|昏|倒|跌|突然|发|被|出|走|迷|找|起不|叫不|动不|不)")
_LED = re.compile(r"(?:住在|住|在|位于|地址是|地址|地点是|地点在|地点)[：:是]?"
                  rf"(?P<p>[^，。,.!！?？;；\s在]{{0,40}}?{_END}[0-9一二三四五六七八九十]*)" + _TAIL)
_ADDRESS = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9\-]{3,60}")
_ADDRESS_MARK = re.compile(r"社区|小区|新村|\d+号楼|\d+栋|\d+幢|单元|\d+室|路\d+号|街\d+号|村")
_HOME = re.compile(r"^(?:人|他|她|我|老人|病人)?(?:就|现在|还)?(?:在|是)?(?:家|家里|屋里|家中)(?:里|呢|了|啊)?$")
_TRIM = re.compile(r"[\s。，,.!！?？~～]+")


def said_place(text: str) -> str | None:
    """Return the place a message names, or None (a bare "在家" is "家里")."""
    bare = _TRIM.sub("", text)
    if not bare:
        return None
    if _HOME.match(bare):
        return "家里"
    found = _LED.search(text)
    if found:
        return found.group("p")
    if _ADDRESS.fullmatch(bare) and _ADDRESS_MARK.search(bare):
        return bare
    return None


_SPECIFIC = re.compile(r"\d|号|楼|栋|幢|单元|室|门|路|街|巷|弄|[一二三四五六七八九十]期")


def specific(place: str) -> bool:
    """Tell whether staff could find a place as said ("菜市场门口" yes, "公园" no)."""
    return bool(_SPECIFIC.search(place))


def at_home(place: str | None) -> bool:
    """Tell whether a place said is simply home."""
    return place == "家里"
