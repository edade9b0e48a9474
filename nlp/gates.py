"""First-character gates: skip a regex cheaply when none of its possible first characters occur.

A rule like ``取消|撤销|退(?:掉|了)`` can only match where 取, 撤 or 退 stands;
``set.isdisjoint(text)`` runs in C and is far cheaper than a failed search.
"""

from __future__ import annotations

import re
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_ZERO_WIDTH = {sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT}
MAX_RANGE = 64  # expand small character ranges such as 1-7


def first_chars(pattern: str) -> frozenset[str] | None:
    """Return every character a match of pattern can start with, or None if unbounded."""
    try:
        found = _sequence(list(sre_parse.parse(pattern)))
    except (re.error, TypeError, ValueError):
        return None
    return frozenset(found) if found else None


def _sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    out: set[str] = set()
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            low, _, body = arg
            inner = _sequence(list(body))
            if inner is None:
                return None
            out |= inner
            if low == 0:
                continue  # optional: what follows may start the match too
            return out
        head = _item(op, arg)
        return None if head is None else out | head
    return None  # the pattern can match the empty string


def _item(op: Any, arg: Any) -> set[str] | None:
    if op is sre_c.LITERAL:
        return {chr(arg)}
    if op is sre_c.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op is sre_c.BRANCH:
        out: set[str] = set()
        for branch in arg[1]:
            part = _sequence(list(branch))
            if part is None:
                return None
            out |= part
        return out
    if op is sre_c.IN:
        return _charset(arg)
    return None


def _charset(members: list[tuple[Any, Any]]) -> set[str] | None:
    out: set[str] = set()
    for op, arg in members:
        if op is sre_c.LITERAL:
            out.add(chr(arg))
        elif op is sre_c.RANGE and arg[1] - arg[0] < MAX_RANGE:
            out |= {chr(c) for c in range(arg[0], arg[1] + 1)}
        else:
            return None
    return out
