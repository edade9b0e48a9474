"""Festival dates. Lunar festivals and solar terms come from a small table.

Lunar dates (春节, 元宵, 端午, 中秋, 重阳, 除夕) and the solar terms 清明 and 冬至
move on the Gregorian calendar, so they are listed for 2025–2030 from the
official calendar (国务院办公厅 holiday notices and the 紫金山天文台 almanac).
Outside the table a lunar festival resolves to nothing. Extend the table by
adding a year to each row.
"""

from __future__ import annotations

import datetime as dt

_TABLE: dict[str, tuple[str, ...]] = {
    "chuxi": ("2025-01-28", "2026-02-16", "2027-02-05", "2028-01-25", "2029-02-12", "2030-02-02"),
    "chunjie": ("2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03"),
    "yuanxiao": ("2025-02-12", "2026-03-03", "2027-02-20", "2028-02-09", "2029-02-27", "2030-02-17"),
    "qingming": ("2025-04-04", "2026-04-05", "2027-04-05", "2028-04-04", "2029-04-04", "2030-04-05"),
    "duanwu": ("2025-05-31", "2026-06-19", "2027-06-09", "2028-05-28", "2029-06-16", "2030-06-05"),
    "zhongqiu": ("2025-10-06", "2026-09-25", "2027-09-15", "2028-10-03", "2029-09-22", "2030-09-12"),
    "chongyang": ("2025-10-29", "2026-10-18", "2027-10-08", "2028-10-26", "2029-10-16", "2030-10-05"),
    "dongzhi": ("2025-12-21", "2026-12-22", "2027-12-22", "2028-12-21", "2029-12-21", "2030-12-22"),
}
LUNAR: dict[str, tuple[dt.date, ...]] = {
    name: tuple(dt.date.fromisoformat(d) for d in days) for name, days in _TABLE.items()
}
FIXED: dict[str, tuple[int, int]] = {
    "yuandan": (1, 1), "laodong": (5, 1), "guoqing": (10, 1), "shengdan": (12, 25),
}
# What people say → festival key. Longer names first so 元宵节 wins over 元宵.
NAMES: dict[str, str] = {
    "元旦": "yuandan", "新年那天": "yuandan",
    "除夕": "chuxi", "大年三十": "chuxi", "年三十": "chuxi",
    "春节": "chunjie", "大年初一": "chunjie", "正月初一": "chunjie",
    "元宵节": "yuanxiao", "元宵": "yuanxiao", "正月十五": "yuanxiao",
    "清明节": "qingming", "清明": "qingming",
    "劳动节": "laodong", "五一节": "laodong",
    "端午节": "duanwu", "端午": "duanwu",
    "中秋节": "zhongqiu", "中秋": "zhongqiu",
    "重阳节": "chongyang", "重阳": "chongyang", "九九重阳": "chongyang",
    "国庆节": "guoqing", "国庆": "guoqing",
    "冬至": "dongzhi",
    "圣诞节": "shengdan", "圣诞": "shengdan",
}


def next_festival(key: str, today: dt.date) -> dt.date | None:
    """Return the festival's next date on or after today, or None outside the table."""
    if key in FIXED:
        month, day = FIXED[key]
        this_year = dt.date(today.year, month, day)
        return this_year if this_year >= today else dt.date(today.year + 1, month, day)
    return next((d for d in LUNAR.get(key, ()) if d >= today), None)
