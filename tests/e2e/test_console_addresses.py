"""The console's address book, home locations and first-hour polish, over HTTP."""

import io
import re

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.addresses import AddressBuilding
from models.audit import AuditEntry
from models.messaging import Notification
from models.person import Person
from services.people import profile
from services.people.consents import give_consent
from tests.console_client import csrf_from, login, post_form

pytestmark = pytest.mark.e2e


def _unlocated_resident(community_of: int, address: str = "幸福里小区8号院") -> int:
    with session_scope() as s:
        person = Person(oa_openid="oConsoleUnlocated0001")
        person.set_name("赵淑华")
        person.community_id = s.get(Person, community_of).community_id
        s.add(person)
        s.flush()
        for scope in ("privacy_policy", "sensitive_profile"):
            give_consent(s, person=person, scope=scope)
        profile.update_profile(s, person=person, changes={"address": address})
        return person.id


def test_staff_import_a_csv_and_see_each_refused_line(client, demo_people):
    login(client)
    page = client.get("/console/addresses").get_data(as_text=True)
    assert "阳光社区：" in page and "3号楼（三栋、三号楼、老3栋、老三栋）" in page
    assert "和睦新村" not in page  # another community's book
    csv = "社区,楼栋,别名,纬度,经度\n阳光社区,7号楼,七栋,30.2760,120.1574\n和睦社区,9号楼,,30.28,120.16\n阳光社区,8号楼,,x,120.1\n"
    token = csrf_from(page)
    answer = client.post("/console/addresses/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(csv.encode("utf-8-sig")), "book.csv")})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "新增 1 栋，更新 0 栋，未变 0 栋" in html
    assert "第3行：您不负责和睦社区" in html and "第4行：纬度“x”" in html
    with session_scope() as s:
        assert s.scalar(select(AddressBuilding).where(AddressBuilding.name == "7号楼")) is not None
    empty = client.post("/console/addresses/import", data={"csrf_token": token})
    assert empty.status_code == 400 and "请选择要导入的 CSV 文件" in empty.get_data(as_text=True)


def test_an_unlocated_home_is_listed_and_staff_set_it_and_the_resident_is_told(client, demo_people):
    who = _unlocated_resident(demo_people["demo_elder_wang"])
    login(client)
    page = client.get("/console/addresses").get_data(as_text=True)
    assert "赵**" in page and "幸福里小区8号院" in page
    assert "阳光社区7号楼1单元202" in page  # demo: 孙桂兰's 7号楼 is not in the book
    with session_scope() as s:
        building = s.scalar(select(AddressBuilding).where(AddressBuilding.name == "4号楼"))
        building_id, at = building.id, (building.latitude, building.longitude)
    saved = post_form(client, "/console/addresses", f"/console/residents/{who}/home",
                      {"building_id": str(building_id), "back": "console.addresses"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/console/addresses")
    after = client.get("/console/addresses").get_data(as_text=True)
    assert "家的位置已保存" in after and "幸福里小区8号院" not in after
    with session_scope() as s:
        person = s.get(Person, who)
        assert person.home_lat_lng == at and person.home_source == "staff"
        [told] = s.scalars(select(Notification).where(Notification.person_id == who)).all()
        assert "可以订送餐上门" in told.text


def test_staff_correct_a_home_with_coordinates_from_the_resident_page(client, demo_people):
    wang = demo_people["demo_elder_wang"]
    login(client)
    page = f"/console/residents/{wang}"
    assert "3号楼（示例数据）" not in client.get(page).get_data(as_text=True)
    bad = post_form(client, page, f"/console/residents/{wang}/home", {"latitude": "300"})
    assert bad.status_code == 400
    saved = post_form(client, page, f"/console/residents/{wang}/home",
                      {"latitude": "30.2750", "longitude": "120.1561"})
    assert saved.status_code == 302
    assert "工作人员设置" in client.get(page).get_data(as_text=True)
    with session_scope() as s:
        assert s.get(Person, wang).home_lat_lng == (30.275, 120.1561)


def test_staff_of_another_community_cannot_set_a_home(client, demo_people):
    li = demo_people["demo_elder_li"]  # 和睦社区; 刘社工 serves 阳光社区
    login(client)
    token = csrf_from(client.get("/console/addresses").get_data(as_text=True))
    refused = client.post(f"/console/residents/{li}/home",
                          data={"csrf_token": token, "latitude": "30.28", "longitude": "120.16"})
    assert refused.status_code in (403, 404)


def test_the_resident_page_masks_what_its_title_masks_until_asked_and_audits_the_reveal(
        client, demo_people):
    wang = demo_people["demo_elder_wang"]
    login(client)
    masked = client.get(f"/console/residents/{wang}").get_data(as_text=True)
    assert "<title>居民 王**" in masked
    for secret in ("王秀英", "13800138001", "阳光社区3号楼2单元101"):
        assert secret not in masked
    full = client.get(f"/console/residents/{wang}?full=1").get_data(as_text=True)
    assert "王秀英" in full and "13800138001" in full and "阳光社区3号楼2单元101" in full
    with session_scope() as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.subject_id == wang,
                                                   AuditEntry.subject_type == "person")).all()
    assert [sorted(e.fields or []) for e in reads][-2:] == [[], ["address", "name", "phone"]]


def test_the_header_names_the_signed_in_staff_member_in_full(client, demo_people):
    login(client)
    html = client.get("/console/").get_data(as_text=True)
    assert re.search(r"<span>刘社工</span>", html)


def test_a_favicon_is_linked_and_served(client, demo_people):
    login(client)
    html = client.get("/console/").get_data(as_text=True)
    assert 'rel="icon"' in html
    moved = client.get("/favicon.ico")
    assert moved.status_code == 301
    with client.get(moved.headers["Location"]) as icon:
        assert icon.status_code == 200 and b"<svg" in icon.data


def test_date_fields_read_year_month_day(client, demo_people):
    login(client)
    html = client.get(f"/console/residents/{demo_people['demo_elder_wang']}").get_data(as_text=True)
    assert 'type="date"' not in html and "年-月-日" in html


def test_chart_axes_are_whole_numbers(client, demo_people):
    login(client)
    html = client.get("/console/").get_data(as_text=True)
    labels = re.findall(r'text-anchor="end">([^<]+)</text>', html)
    numbers = [label for label in labels if label[0].isdigit()]
    assert numbers and all(label.isdigit() for label in numbers)
