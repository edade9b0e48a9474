"""Factories for meal tests: canteens, the subsidy table and elderly people."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from models.meals import Canteen, CanteenMeal
from models.person import Person
from models.region import Community, Organisation
from services.demo.meals import ensure_subsidy_rules
from services.people.persons import grant_role
from tests.factories import make_community, make_organisation, make_person

_seq = itertools.count(1)
HOME = (30.2745, 120.1556)  # about 100 m from the canteen below
CANTEEN_AT = (30.2743, 120.1549)
# meal, price, cutoff days before, cutoff minute, service end minute
MEAL_TIMES = {"breakfast": (300, 1, 20 * 60, 9 * 60), "lunch": (800, 0, 9 * 60 + 30, 13 * 60),
              "dinner": (600, 0, 15 * 60 + 30, 19 * 60)}


def make_canteen(
    session: Session, *, community: Community | None = None, operator: Organisation | None = None,
    capacity: int = 50, meals: tuple[str, ...] = ("breakfast", "lunch", "dinner"),
    delivers: bool = True, radius_m: int = 1500, fee_fen: int = 200,
    open_weekdays: str = "1234567", at: tuple[float, float] = CANTEEN_AT, **extra: Any,
) -> Canteen:
    n = next(_seq)
    community = community or make_community(session)
    operator = operator or make_organisation(session, kind="canteen_operator", community=community)
    canteen = Canteen(
        code=f"ZC-T{n}", name=extra.pop("name", f"测试助餐点{n}"), community_id=community.id,
        operator_id=operator.id, address="测试街道1号", phone="0571-88880000",
        latitude=at[0], longitude=at[1], open_weekdays=open_weekdays, delivers=delivers,
        delivery_radius_m=radius_m, delivery_fee_fen=fee_fen,
        meals=[CanteenMeal(meal=m, price_fen=MEAL_TIMES[m][0], capacity=capacity,
                           cutoff_days_before=MEAL_TIMES[m][1], cutoff_minute=MEAL_TIMES[m][2],
                           serve_end_minute=MEAL_TIMES[m][3]) for m in meals],
        **extra,
    )
    session.add(canteen)
    session.flush()
    ensure_subsidy_rules(session)
    return canteen


def make_operator(session: Session, canteen: Canteen) -> Person:
    person = make_person(session, roles=(), name="孙师傅", birth_date=date(1980, 1, 1))
    grant_role(session, person=person, role="canteen_operator", organisation_id=canteen.operator_id)
    return person


def make_elder(
    session: Session, *, age: int = 75, tier: str | None = None, verified: bool = True,
    review_due: date | None = None, alone: bool = False, disability: int | None = None,
    home: tuple[float, float] | None = HOME, community: Community | None = None,
    name: str = "王秀英",
) -> Person:
    today = clock.today()
    person = make_person(session, name=name, birth_date=date(today.year - age, 1, 1),
                         living_alone=alone, disability_level=disability, community=community)
    person.address = "阳光社区3号楼2单元101"
    if home is not None:
        person.set_home_location(*home)
    if tier is not None:
        person.economic_tier = tier
        if verified:
            person.tier_verified_at = clock.now()
            person.tier_review_due = review_due or today + timedelta(days=180)
    session.flush()
    return person
