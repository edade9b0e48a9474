"""Demo meal service: one canteen per demo community, 14 days of menus, the subsidy table."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.meals import Canteen, CanteenMeal, Menu, SubsidyRule
from models.region import Community, Organisation
from services.meals.menus import upsert_menu

# code, min_age, max_age, tier, disability, living alone, per meal (fen), monthly cap (fen)
SUBSIDY_RULES: list[tuple[str, int | None, int | None, str | None, bool, bool, int, int]] = [
    ("AGE60", 60, 69, None, False, False, 100, 3000),
    ("AGE70", 70, 79, None, False, False, 200, 6000),
    ("AGE80", 80, None, None, False, False, 300, 9000),
    ("AGE70_ALONE", 70, None, None, False, True, 300, 9000),
    ("AGE60_DISABLED", 60, None, None, True, False, 300, 9000),
    ("DIBAO_EDGE", 60, None, "dibao_edge", False, False, 300, 9000),
    ("DIBAO", 60, 79, "dibao", False, False, 400, 12000),
    ("DIBAO_80", 80, None, "dibao", False, False, 600, 18000),
    ("TEKUN", 60, None, "tekun", False, False, 700, 21000),
]
# meal, price (fen), capacity, cutoff days before, cutoff minute, service ends (minute)
FULL_DAY = [("breakfast", 300, 40, 1, 20 * 60, 9 * 60), ("lunch", 800, 80, 0, 9 * 60 + 30, 13 * 60),
            ("dinner", 600, 50, 0, 15 * 60 + 30, 19 * 60)]
CANTEENS: list[dict[str, Any]] = [
    {"code": "ZC-YG", "name": "阳光社区助餐点", "community": "330100001001", "operator": "ORG-ZC1",
     "address": "幸福街道阳光社区服务中心一楼", "phone": "0571-88881001", "at": (30.2743, 120.1549),
     "open": "1234567", "delivers": True, "radius": 1500, "fee": 200, "meals": FULL_DAY},
    {"code": "ZC-HM", "name": "和睦社区助餐点", "community": "330100001002", "operator": "ORG-ZC2",
     "address": "幸福街道和睦社区老年活动室旁", "phone": "0571-88881002", "at": (30.2798, 120.1652),
     "open": "123456", "delivers": False, "radius": 0, "fee": 0, "meals": FULL_DAY[1:]},
]
DISHES = {
    "breakfast": [(["小米粥", "鸡蛋", "素包子"], ["低糖", "软食"]),
                  (["豆浆", "花卷", "拌黄瓜"], ["低盐", "素食"])],
    "lunch": [(["清蒸鲈鱼", "番茄炒蛋", "青菜", "米饭"], ["低盐", "软食"]),
              (["红烧豆腐", "土豆牛肉", "冬瓜汤", "米饭"], ["低盐"]),
              (["肉末茄子", "白灼菜心", "紫菜蛋汤", "米饭"], ["软食"])],
    "dinner": [(["南瓜粥", "香菇青菜", "蒸蛋羹"], ["低糖", "软食"]),
               (["小馄饨", "凉拌木耳"], ["低盐"])],
}
MENU_DAYS = 14


def ensure_subsidy_rules(session: Session) -> int:
    """Write the subsidy table (once per rule code); return how many rules exist."""
    for code, lo, hi, tier, disabled, alone, amount, cap in SUBSIDY_RULES:
        if session.scalar(select(SubsidyRule).where(SubsidyRule.code == code)) is None:
            session.add(SubsidyRule(code=code, min_age=lo, max_age=hi, economic_tier=tier,
                                    requires_disability=disabled, requires_living_alone=alone,
                                    amount_fen=amount, monthly_cap_fen=cap))
    session.flush()
    return len(SUBSIDY_RULES)


def _canteen(session: Session, spec: dict[str, Any]) -> Canteen:
    canteen = session.scalar(select(Canteen).where(Canteen.code == spec["code"]))
    if canteen is not None:
        return canteen
    community = session.scalars(select(Community).where(Community.code == spec["community"])).one()
    operator = session.scalars(select(Organisation).where(Organisation.code == spec["operator"])).one()
    canteen = Canteen(
        code=spec["code"], name=spec["name"], community_id=community.id, operator_id=operator.id,
        address=spec["address"], phone=spec["phone"], latitude=spec["at"][0],
        longitude=spec["at"][1], open_weekdays=spec["open"], delivers=spec["delivers"],
        delivery_radius_m=spec["radius"], delivery_fee_fen=spec["fee"],
        meals=[CanteenMeal(meal=m, price_fen=p, capacity=c, cutoff_days_before=d, cutoff_minute=t,
                           serve_end_minute=e) for m, p, c, d, t, e in spec["meals"]],
    )
    session.add(canteen)
    session.flush()
    return canteen


def _menus(session: Session, canteen: Canteen) -> int:
    written = 0
    today = clock.today()
    for offset in range(MENU_DAYS):
        day = today + timedelta(days=offset)
        if str(day.isoweekday()) not in canteen.open_weekdays:
            continue
        for served in canteen.meals:
            exists = session.scalar(select(Menu.id).where(
                Menu.canteen_id == canteen.id, Menu.day == day, Menu.meal == served.meal))
            if exists is None:
                options = DISHES[served.meal]
                dishes, tags = options[(day.toordinal() + canteen.id) % len(options)]
                upsert_menu(session, canteen_id=canteen.id, day=day, meal=served.meal,
                            dishes=dishes, tags=tags)
                written += 1
    return written


def load(session: Session) -> dict[str, int]:
    """Create the demo canteens, their next 14 days of menus and the subsidy table."""
    rules = ensure_subsidy_rules(session)
    canteens = [_canteen(session, spec) for spec in CANTEENS]
    menus = sum(_menus(session, c) for c in canteens)
    return {"canteens": len(canteens), "subsidy_rules": rules, "menus_written": menus}
