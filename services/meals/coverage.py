"""Canteen coverage (助餐点布点): the share of a community's residents aged 60+ each canteen reaches.

A canteen reaches a home within its radius: the walking service radius
(services/data/canteen_coverage.json, with its source), or its delivery
radius when it delivers further. Homes are those with a location (the
address book, a pin, staff); the address-book buildings no canteen reaches
are listed so staff can see where a new canteen or delivery is needed. Home
locations are personal data: computing this is an audited read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.addresses import AddressBuilding
from models.meals import Canteen
from models.person import Person
from services.access.audit import record_access
from services.access.checks import require_staff_for
from services.meals.canteens import distance_km

RULE = Path(__file__).resolve().parents[1] / "data" / "canteen_coverage.json"


@cache
def rule() -> dict[str, Any]:
    """Return the coverage rule: the age counted and the walking radius, with its source."""
    data: dict[str, Any] = json.loads(RULE.read_text(encoding="utf-8"))
    return data


def reach_m(canteen: Canteen) -> int:
    """Return how far a canteen reaches, in metres."""
    walking = int(rule()["walking_radius_m"])
    return max(walking, canteen.delivery_radius_m) if canteen.delivers else walking


def _reaches(canteen: Canteen, point: tuple[float, float]) -> bool:
    return distance_km(point, (canteen.latitude, canteen.longitude)) * 1000 <= reach_m(canteen)


@dataclass
class CanteenReach:
    """One canteen and how many of the community's located elderly it reaches."""

    canteen: Canteen
    radius_m: int
    reached: int

    def share(self, of: int) -> float:
        return self.reached / of if of else 0.0


@dataclass
class Coverage:
    """One community: its elderly, how many are located, reached by each and by any canteen."""

    community_id: int
    age: int
    elderly: int
    located: int
    reached_by_any: int
    canteens: list[CanteenReach] = field(default_factory=list)
    buildings_outside: list[AddressBuilding] = field(default_factory=list)

    @property
    def share_reached(self) -> float:
        return self.reached_by_any / self.located if self.located else 0.0


def _elderly(session: Session, community_id: int, age: int) -> list[Person]:
    today = clock.today()
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    born_by = today.replace(year=today.year - age, day=day)
    stmt = select(Person).where(Person.community_id == community_id,
                                Person.birth_date.is_not(None), Person.birth_date <= born_by,
                                Person.erased_at.is_(None))
    return list(session.scalars(stmt.order_by(Person.id)))


def get_canteen_coverage(session: Session, *, actor: Person, community_id: int) -> Coverage:
    """Return the community's canteen coverage of residents aged 60+ (an audited read)."""
    require_staff_for(actor, community_id)
    age = int(rule()["age"])
    elderly = _elderly(session, community_id, age)
    homes = [p.home_lat_lng for p in elderly if p.home_lat_lng is not None]
    canteens = list(session.scalars(select(Canteen).where(Canteen.active.is_(True))
                                    .order_by(Canteen.id)))
    reaches = [CanteenReach(c, reach_m(c), sum(_reaches(c, h) for h in homes)) for c in canteens]
    buildings = session.scalars(select(AddressBuilding).where(
        AddressBuilding.community_id == community_id).order_by(AddressBuilding.name))
    outside = [b for b in buildings
               if not any(_reaches(c, (b.latitude, b.longitude)) for c in canteens)]
    record_access(session, actor_id=actor.id, action="read", subject_type="community",
                  subject_id=community_id, fields=["home_location", "birth_date"],
                  detail={"view": "canteen_coverage", "elderly": len(elderly)})
    return Coverage(
        community_id=community_id, age=age, elderly=len(elderly), located=len(homes),
        reached_by_any=sum(any(_reaches(c, h) for c in canteens) for h in homes),
        canteens=[r for r in reaches if r.reached or r.canteen.community_id == community_id],
        buildings_outside=outside,
    )
