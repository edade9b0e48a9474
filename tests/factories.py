"""Factories for test data: small functions that build valid rows with overrides."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from models.person import Person, Proxy
from models.region import Community, County, Organisation, Street
from services.people.persons import grant_role

_seq = itertools.count(1)


def make_community(session: Session, *, name: str | None = None) -> Community:
    n = next(_seq)
    county = County(code=f"C{n}", name=f"测试县{n}")
    session.add(county)
    session.flush()
    street = Street(code=f"S{n}", name=f"测试街道{n}", county_id=county.id)
    session.add(street)
    session.flush()
    community = Community(code=f"M{n}", name=name or f"测试社区{n}", street_id=street.id,
                          latitude=30.27, longitude=120.15)
    session.add(community)
    session.flush()
    return community


def make_organisation(session: Session, *, kind: str = "charity", community: Community | None = None) -> Organisation:
    n = next(_seq)
    community = community or make_community(session)
    org = Organisation(code=f"O{n}", name=f"测试机构{n}", kind=kind,
                       county_id=community.street.county_id, community_id=community.id)
    session.add(org)
    session.flush()
    return org


def make_person(
    session: Session,
    *,
    roles: tuple[str, ...] = ("resident",),
    community: Community | None = None,
    name: str = "测试居民",
    phone: str | None = None,
    birth_date: date | None = date(1945, 1, 1),
    **profile: Any,
) -> Person:
    n = next(_seq)
    community = community or make_community(session)
    person = Person(oa_openid=f"openid_{n}", mp_openid=f"mp_openid_{n}",
                    community_id=community.id, birth_date=birth_date, **profile)
    person.set_name(name)
    person.set_phone(phone or f"139{n:08d}"[-11:])
    session.add(person)
    session.flush()
    for role in roles:
        scoped = role in ("staff", "volunteer")
        grant_role(session, person=person, role=role,
                   community_id=community.id if scoped else None)
    return person


def make_proxy(session: Session, *, principal: Person, agent: Person, status: str = "accepted") -> Proxy:
    proxy = Proxy(principal_id=principal.id, agent_id=agent.id, status=status,
                  created_at=clock.now(), relation="子女")
    session.add(proxy)
    session.flush()
    return proxy
