"""The address book: import (CSV, CLI), matching typed addresses, locating homes."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import NotAllowed, ValidationFailed
from models.addresses import AddressBuilding
from models.person import Person
from services.people import addresses, profile
from services.people.consents import give_consent
from services.people.persons import grant_role
from tests.factories import make_community, make_person

pytestmark = pytest.mark.integration

BOOK = """社区,楼栋,别名,纬度,经度
{c},3号楼,三栋、老3栋,30.2745,120.1556
{c},13号楼,,30.2760,120.1570
{c},幸福苑,幸福苑小区,30.2730,120.1580
"""


def _community_with_book(s):
    community = make_community(s, name="阳光社区")
    report = addresses.import_address_book(s, text=BOOK.format(c=community.name))
    assert (report.created, report.errors) == (3, [])
    return community


def _resident(s, community, address):
    person = make_person(s, name="新居民")
    person.community_id = community.id
    for scope in ("privacy_policy", "sensitive_profile"):
        give_consent(s, person=person, scope=scope)
    return profile.update_profile(s, person=person, changes={"address": address})


@pytest.mark.parametrize("typed", [
    "阳光社区3号楼2单元301", "三栋二单元101室", "老三栋", "3幢2-301", "3-1-502", "阳光社区 3 号楼",
])
def test_a_typed_address_takes_its_buildings_coordinates(db, typed):
    with session_scope() as s:
        person = _resident(s, _community_with_book(s), typed)
        assert person.home_lat_lng == (30.2745, 120.1556)
        assert person.home_source == "address_book"


@pytest.mark.parametrize("typed", ["13号楼1单元", "幸福苑小区2栋"])
def test_the_longest_name_wins_and_numbers_never_run_together(db, typed):
    with session_scope() as s:
        person = _resident(s, _community_with_book(s), typed)
        building = s.get(AddressBuilding, person.home_building_id)
        assert building.name == typed[:3] if typed.startswith("幸福苑") else building.name == "13号楼"


def test_an_unmatched_address_is_kept_and_listed_for_staff_who_set_it(db):
    with session_scope() as s:
        community = _community_with_book(s)
        person = _resident(s, community, "和平路88号院")
        assert person.address == "和平路88号院" and person.home_lat_lng is None
        staff = make_person(s, name="刘社工")
        grant_role(s, person=staff, role="staff", community_id=community.id)
        assert [p.id for p in addresses.list_unlocated_homes(s, actor=staff)] == [person.id]
        addresses.set_home_by_staff(s, actor=staff, person_id=person.id,
                                    latitude=30.2750, longitude=120.1560)
        assert person.home_source == "staff"
        assert addresses.list_unlocated_homes(s, actor=staff) == []


def test_staff_of_another_community_may_not_set_a_home(db):
    with session_scope() as s:
        person = _resident(s, _community_with_book(s), "和平路88号院")
        other = make_community(s)
        staff = make_person(s, name="陈社工")
        grant_role(s, person=staff, role="staff", community_id=other.id)
        with pytest.raises(NotAllowed):
            addresses.set_home_by_staff(s, actor=staff, person_id=person.id,
                                        latitude=30.2750, longitude=120.1560)
        assert addresses.list_unlocated_homes(s, actor=staff) == []


def test_a_new_address_moves_an_address_book_location_but_not_a_sent_one(db):
    with session_scope() as s:
        community = _community_with_book(s)
        person = _resident(s, community, "3号楼")
        profile.update_profile(s, person=person, changes={"address": "和平路88号院"})
        assert person.home_lat_lng is None
        give_consent(s, person=person, scope="location")
        profile.update_profile(s, person=person,
                               changes={"home_latitude": 30.2751, "home_longitude": 120.1561})
        profile.update_profile(s, person=person, changes={"address": "和平路89号院"})
        assert person.home_lat_lng == (30.2751, 120.1561)


def test_coordinates_need_the_location_consent_and_a_place_in_china(db):
    with session_scope() as s:
        person = _resident(s, _community_with_book(s), "和平路88号院")
        with pytest.raises(Exception, match="位置信息"):
            profile.update_profile(s, person=person,
                                   changes={"home_latitude": 30.27, "home_longitude": 120.15})
        give_consent(s, person=person, scope="location")
        with pytest.raises(ValidationFailed):
            profile.update_profile(s, person=person,
                                   changes={"home_latitude": 120.15, "home_longitude": 30.27})


def test_import_reports_each_bad_line_and_reimport_changes_nothing(db):
    with session_scope() as s:
        community = make_community(s, name="阳光社区")
        text = (BOOK.format(c=community.name)
                + "没有的社区,1号楼,,30.27,120.15\n阳光社区,,,30.27,120.15\n阳光社区,9号楼,,abc,120.15\n")
        report = addresses.import_address_book(s, text=text)
        assert report.created == 3
        assert report.errors == [
            "第5行：没有“没有的社区”这个社区（写社区名称或编码）",
            "第6行：楼栋名称为空或太长（最多64字）",
            "第7行：纬度“abc”、经度“120.15”不对（如 30.2745, 120.1556）",
        ]
        again = addresses.import_address_book(s, text=text)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
        moved = addresses.import_address_book(
            s, text="社区,楼栋,别名,纬度,经度\n阳光社区,3号楼,三栋,30.2746,120.1556\n")
        assert (moved.updated, len(list(s.scalars(select(AddressBuilding))))) == (1, 3)
        assert addresses.import_address_book(s, text="a,b\n1,2\n").errors == [
            "第1行：表头要有 社区、楼栋、别名、纬度、经度"]


def test_the_cli_imports_a_file_and_lists_bad_lines(db, memory_kv, make_app, tmp_path):
    with session_scope() as s:
        make_community(s, name="阳光社区")
    book = tmp_path / "book.csv"
    book.write_text(BOOK.format(c="阳光社区") + "阳光社区,9号楼,,abc,120.15\n", encoding="utf-8")
    runner = make_app(db, memory_kv).test_cli_runner()
    result = runner.invoke(args=["addresses", "import", str(book)])
    assert result.exit_code == 1
    assert "新增 3 栋" in result.output and "第5行：纬度“abc”" in result.output
    result = runner.invoke(args=["addresses", "import", str(book)])
    assert "新增 0 栋，更新 0 栋，未变 3 栋" in result.output
    with session_scope() as s:
        assert len(list(s.scalars(select(Person)))) == 0


def test_importing_the_missing_building_locates_the_homes_waiting_for_it_and_tells_them(db):
    from models.messaging import Notification

    with session_scope() as s:
        community = _community_with_book(s)
        person = _resident(s, community, "7号楼1单元202")
        assert person.home_lat_lng is None
        report = addresses.import_address_book(
            s, text=f"社区,楼栋,别名,纬度,经度\n{community.name},7号楼,七栋,30.2760,120.1574\n")
        assert (report.created, report.located) == (1, 1)
        assert person.home_lat_lng == (30.276, 120.1574)
        [told] = s.scalars(select(Notification).where(Notification.person_id == person.id)).all()
        assert "可以订送餐上门" in told.text
