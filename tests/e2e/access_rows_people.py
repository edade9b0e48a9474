"""Shared helpers for the access-matrix rows of the domain modules (no rows of its own).

Rows name demo people by openid. Some roles have no demo person (a charity
admin of another charity, a second verified volunteer): `extra()` makes one
inside a row's `make` and adds it to the test's openid → id map, which the
matrix reads after `make` has run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.person import Person
from models.region import Community, Organisation
from tests.factories import make_person
from tests.volunteer_factories import make_charity_admin, make_volunteer

ROWS: list[dict[str, Any]] = []
EVERYONE = ("demo_elder_wang", "demo_elder_li", "demo_family_wang", "demo_volunteer_zhang",
            "demo_staff_liu", "demo_staff_chen", "demo_supervisor_zhao", "demo_charity_zhou",
            "demo_canteen_sun", "demo_canteen_qian")
OTHER_CHARITY_ADMIN = "matrix_other_charity_admin"
OTHER_VOLUNTEER = "matrix_other_volunteer"
STAFF_OF_SUNSHINE = ("demo_staff_liu", "demo_supervisor_zhao")  # the supervisor is county-wide


def but(*allowed: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Everyone (plus the extra people) except the allowed."""
    return tuple(p for p in EVERYONE + extra if p not in allowed)


def person(s: Session, people: dict[str, int], openid: str) -> Person:
    return s.get_one(Person, people[openid])


def sunshine(s: Session, people: dict[str, int]) -> Community:
    """The community of demo_staff_liu (阳光社区)."""
    return s.get_one(Community, person(s, people, "demo_staff_liu").community_id)


def org(s: Session, code: str) -> Organisation:
    return s.scalars(select(Organisation).where(Organisation.code == code)).one()


def extra(s: Session, people: dict[str, int]) -> None:
    """Add a charity admin of another charity and a second verified volunteer (阳光社区)."""
    community = sunshine(s, people)
    admin, _ = make_charity_admin(s, community=community)
    people[OTHER_CHARITY_ADMIN] = admin.id
    people[OTHER_VOLUNTEER] = make_volunteer(s, community=community, name="吴志愿").id


def resident(s: Session, people: dict[str, int], *, name: str) -> Person:
    return make_person(s, community=sunshine(s, people), name=name)


EXTRA = (OTHER_CHARITY_ADMIN, OTHER_VOLUNTEER)


def _principal_data(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """王秀英's bookings and requests, seen by her son (an accepted proxy) and nobody else."""
    return people["demo_elder_wang"], ["13800138001", "阳光社区3号楼2单元101"]


ROWS.append(
    {"name": "principal's data (proxy)", "method": "GET", "path": "/api/v1/me/principals/{id}/data",
     "make": _principal_data, "allowed": "demo_family_wang", "denied": but("demo_family_wang")})
