"""The community address book: import it, match a typed home address to a building, locate homes.

A home gets coordinates three ways, all offline: its typed address matches a
building of the address book; the person sends (and confirms) a WeChat
location or the mini-program sends coordinates; staff set or correct it in
the console. An address that matches nothing is kept and listed for staff
(`list_unlocated_homes`); the resident is told staff will check it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationFailed
from models.addresses import AddressBuilding
from models.person import Person
from models.region import Community
from nlp.address import building_part, key_at, normalise_address
from services.access.audit import record_access
from services.access.checks import require_staff_for, staff_communities
from services.messaging.notifications import enqueue_notification

logger = logging.getLogger(__name__)
HEADERS = {
    "community": ("社区", "community"), "building": ("楼栋", "名称", "building", "name"),
    "aliases": ("别名", "aliases"), "latitude": ("纬度", "latitude", "lat"),
    "longitude": ("经度", "longitude", "lng", "lon"),
}
_ALIAS_SPLIT = re.compile(r"[、|/；;，,\s]+")
MAX_ROWS = 5000
UNLOCATED_NEXT = "您的住址社区工作人员会核对位置，核对好就能送餐上门。"
# The coordinates a pin or staff may give: China, roughly (a typo like 3.27 is refused).
LAT_RANGE, LNG_RANGE = (3.0, 54.0), (73.0, 136.0)


@dataclass
class ImportReport:
    """What an import did, and each refused line with its reason."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    located: int = 0  # homes waiting for a location that the new buildings located
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HomeFix:
    """The outcome of locating a home from its address: the building, or None."""

    building: AddressBuilding | None
    community_name: str = ""


def _columns(header: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        for name, titles in HEADERS.items():
            if title.strip().lower() in titles:
                found[name] = index
    return found if {"community", "building", "latitude", "longitude"} <= set(found) else None


def _community_lookup(session: Session) -> dict[str, Community]:
    rows = session.scalars(select(Community))
    return {key: c for c in rows for key in (c.code, c.name)}


def _coordinate(text: str, bounds: tuple[float, float]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if bounds[0] <= value <= bounds[1] else None


def check_coordinates(latitude: float, longitude: float) -> None:
    """Refuse coordinates outside China (a swapped or mistyped pair)."""
    if not (LAT_RANGE[0] <= latitude <= LAT_RANGE[1] and LNG_RANGE[0] <= longitude <= LNG_RANGE[1]):
        raise ValidationFailed("位置不对：纬度、经度应在中国境内（如 30.2745, 120.1556）。",
                               fields={"latitude": "超出范围", "longitude": "超出范围"})


def _row_building(cells: list[str], cols: dict[str, int], communities: dict[str, Community],
                  allowed: set[int] | None) -> tuple[Community, str, list[str], float, float] | str:
    def cell(name: str) -> str:
        index = cols.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    community = communities.get(cell("community"))
    if community is None:
        return f"没有“{cell('community')}”这个社区（写社区名称或编码）"
    if allowed is not None and community.id not in allowed:
        return f"您不负责{community.name}"
    name = cell("building")
    if not name or len(name) > 64:
        return "楼栋名称为空或太长（最多64字）"
    lat, lng = _coordinate(cell("latitude"), LAT_RANGE), _coordinate(cell("longitude"), LNG_RANGE)
    if lat is None or lng is None:
        return f"纬度“{cell('latitude')}”、经度“{cell('longitude')}”不对（如 30.2745, 120.1556）"
    aliases = [a for a in _ALIAS_SPLIT.split(cell("aliases")) if a and a != name]
    return community, name, list(dict.fromkeys(aliases)), lat, lng


def import_address_book(session: Session, *, text: str, actor: Person | None = None) -> ImportReport:
    """Add or update buildings from CSV text; bad lines are reported, good ones kept.

    Columns (header row): 社区, 楼栋, 别名, 纬度, 经度 (or community, building,
    aliases, latitude, longitude). A building is keyed by community and name,
    so importing the same file again changes nothing. `actor` None is the CLI.
    """
    allowed = require_staff_for(actor) if actor is not None else None
    report = ImportReport()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    cols = _columns(rows[0]) if rows else None
    if cols is None:
        report.errors.append("第1行：表头要有 社区、楼栋、别名、纬度、经度")
        return report
    if len(rows) > MAX_ROWS + 1:
        report.errors.append(f"一次最多导入{MAX_ROWS}行，请分开导入")
        return report
    communities = _community_lookup(session)
    existing = {(b.community_id, b.name): b for b in session.scalars(select(AddressBuilding))}
    touched: set[int] = set()
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        parsed = _row_building(cells, cols, communities, allowed)
        if isinstance(parsed, str):
            report.errors.append(f"第{number}行：{parsed}")
            continue
        community, name, aliases, lat, lng = parsed
        _save_building(session, existing, report, community.id, name, "|".join(aliases), lat, lng)
        touched.add(community.id)
    session.flush()
    report.located = _locate_waiting_homes(session, touched)
    return report


def _locate_waiting_homes(session: Session, community_ids: set[int]) -> int:
    """Locate the homes of these communities still waiting for a location; tell each one found."""
    if not community_ids:
        return 0
    stmt = select(Person).where(Person.address.is_not(None), Person.home_location.is_(None),
                                Person.community_id.in_(community_ids))
    located = 0
    for person in session.scalars(stmt):
        if locate_home_from_address(session, person=person) is not None:
            _tell_located(session, person)
            located += 1
    return located


def _tell_located(session: Session, person: Person) -> None:
    enqueue_notification(session, person_id=person.id, template="home_located",
                         text="您家的位置社区已经登记好了，现在可以订送餐上门。回复“订餐”试试。",
                         dedupe_key=f"home-located:{person.id}:{person.home_location}",
                         facts={"what": "家的位置已登记，可以送餐上门", "next": "回复“订餐”试试"})


def _save_building(session: Session, existing: dict[tuple[int, str], AddressBuilding],
                   report: ImportReport, community_id: int, name: str, aliases: str,
                   lat: float, lng: float) -> None:
    building = existing.get((community_id, name))
    if building is None:
        building = AddressBuilding(community_id=community_id, name=name, aliases=aliases,
                                   latitude=lat, longitude=lng)
        session.add(building)
        existing[(community_id, name)] = building
        report.created += 1
    elif (building.aliases, building.latitude, building.longitude) == (aliases, lat, lng):
        report.unchanged += 1
    else:
        building.aliases, building.latitude, building.longitude = aliases, lat, lng
        report.updated += 1


def list_buildings(session: Session, *, community_id: int | None = None) -> list[AddressBuilding]:
    """Return the address book (of one community), by community and name."""
    stmt = select(AddressBuilding).order_by(AddressBuilding.community_id, AddressBuilding.name)
    if community_id is not None:
        stmt = stmt.where(AddressBuilding.community_id == community_id)
    return list(session.scalars(stmt))


def match_building(session: Session, *, address: str,
                   community_id: int | None = None) -> AddressBuilding | None:
    """Return the one building a typed address names, or None (nothing, or two equally good)."""
    said = building_part(address)
    if not said:
        return None
    best: list[tuple[int, int, AddressBuilding]] = []
    for building in list_buildings(session, community_id=community_id):
        for key in {normalise_address(k) for k in (building.name, *building.alias_list())}:
            at = key_at(said, key) if key else -1
            if at >= 0:
                best.append((-len(key), at, building))
    if not best:
        return None
    best.sort(key=lambda found: (found[0], found[1]))
    top = [b for length, at, b in best if (length, at) == best[0][:2]]
    return top[0] if len({b.id for b in top}) == 1 else None


def locate_home_from_address(session: Session, *, person: Person) -> AddressBuilding | None:
    """Give the home its building's coordinates when the typed address matches one.

    A location from the address book follows the address: when the new address
    matches nothing it is cleared (the home is listed for staff). A location the
    person sent or staff set is kept unless the new address names a building.
    """
    building = None
    if person.address:
        building = match_building(session, address=person.address, community_id=person.community_id)
    if building is not None:
        person.set_home_location(building.latitude, building.longitude, source="address_book",
                                 building_id=building.id)
    elif person.home_source == "address_book":
        person.clear_home_location()
    session.flush()
    return building


def set_home_by_pin(session: Session, *, person: Person, latitude: float, longitude: float,
                    source: str = "wechat") -> Person:
    """Store the position the person sent (and confirmed) as their home."""
    check_coordinates(latitude, longitude)
    person.set_home_location(latitude, longitude, source=source)
    session.flush()
    return person


def set_home_by_staff(session: Session, *, actor: Person, person_id: int,
                      building_id: int | None = None, latitude: float | None = None,
                      longitude: float | None = None) -> Person:
    """Set or correct a resident's home location (a building, or coordinates); tell them."""
    person = session.get(Person, person_id)
    if person is None or person.community_id is None:
        raise NotFound("没有找到这个居民。")
    require_staff_for(actor, person.community_id)
    if building_id is not None:
        building = session.get(AddressBuilding, building_id)
        if building is None or building.community_id != person.community_id:
            raise ValidationFailed("请选本社区的楼栋。", fields={"building_id": "不是本社区的楼栋"})
        person.set_home_location(building.latitude, building.longitude, source="staff",
                                 building_id=building.id)
    elif latitude is not None and longitude is not None:
        check_coordinates(latitude, longitude)
        person.set_home_location(latitude, longitude, source="staff")
    else:
        raise ValidationFailed("请选楼栋，或填纬度和经度。", fields={"building_id": "必填"})
    _tell_located(session, person)
    session.flush()
    return person


def list_unlocated_homes(session: Session, *, actor: Person) -> list[Person]:
    """Return residents whose typed address matched no building and who have no location."""
    require_staff_for(actor)
    communities = staff_communities(actor)
    stmt = (select(Person).where(Person.address.is_not(None), Person.home_location.is_(None),
                                 Person.community_id.is_not(None)).order_by(Person.id))
    if communities is not None:
        stmt = stmt.where(Person.community_id.in_(communities))
    people = list(session.scalars(stmt.limit(500)))
    for person in people:
        record_access(session, actor_id=actor.id, action="read", subject_type="person",
                      subject_id=person.id, fields=["address"], detail={"page": "unlocated_homes"})
    return people


def find_home_building(session: Session, *, person: Person) -> AddressBuilding | None:
    """Return the address-book building the person's home was located by, if any."""
    return session.get(AddressBuilding, person.home_building_id) if person.home_building_id else None


def home_words(session: Session, *, person: Person) -> str:
    """Say in one line where the home is located from, for a read-back or a page."""
    if person.home_lat_lng is None:
        return "还没有位置"
    building = find_home_building(session, person=person)
    source = {"address_book": "按地址簿", "wechat": "本人发的位置", "miniprogram": "小程序定位",
              "staff": "工作人员设置", "demo": "示例数据"}.get(person.home_source or "", "")
    return f"{building.name}（{source}）" if building else source or "已有位置"
