"""Filing with civil affairs: a charity-resolved request and a fund-paid meal go into batch 1
(console), are never filed again, and batch 1 downloads byte for byte the same (console and CLI)."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.audit import AuditEntry
from models.funds import CharityFund
from models.person import Person
from models.region import Organisation
from services import funds, meals
from tests.console_client import login, post_form
from tests.help_factories import grant_charity_consent, make_world, submit
from tests.meals_factories import make_canteen, make_elder, make_operator

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 29)


@pytest.fixture
def auth(token_for):
    return lambda person_id: {"Authorization": f"Bearer {token_for(person_id)}"}


@pytest.fixture
def filed_day(client, demo_people, frozen_clock, auth):
    """On 11月29日 a charity resolves a referred request and a disabled elder eats a fund-paid lunch."""
    with session_scope() as s:
        world = make_world(s)
        grant_charity_consent(s, world.resident)
        world.resident.set_id_number("330102194203081234")
        world.resident.household_id = world.resident.id
        made = submit(s, world.resident, category="living", description="冬天没有棉被")
        canteen = make_canteen(s, community=world.here, name="和睦助餐点")
        operator = make_operator(s, canteen)
        elder = make_elder(s, age=70, disability=2, name="孙桂芝", community=world.here)
        elder.set_id_number("330102195601011111")
        booking = meals.book_meal(s, actor=elder, person_id=elder.id, canteen_id=canteen.id, day=DAY,
                                  meal="lunch", count=1, delivery=False)
        ids = {"request": made.id, "code": made.code, "staff": world.staff.id,
               "charity_admin": world.charity_admin.id, "charity": world.charity.name,
               "booking": booking.id, "operator": operator.id, "canteen": canteen.id}
    moved = client.post(f"/api/v1/staff/help-requests/{ids['request']}/transition",
                        headers=auth(ids["staff"]),
                        json={"to": "referred", "assignee": {"organisation_id": _org(ids)}})
    assert moved.status_code == 200, moved.get_json()
    for to in ("accepted", "in_progress", "resolved"):
        moved = client.post(f"/api/v1/staff/help-requests/{ids['request']}/transition",
                            headers=auth(ids["charity_admin"]), json={"to": to, "note": "已送去棉被"})
        assert moved.status_code == 200, moved.get_json()
    frozen_clock.set(datetime(2026, 11, 29, 12, 30, tzinfo=SHANGHAI))
    with session_scope() as s:
        meals.mark_served(s, actor=s.get_one(Person, ids["operator"]), booking_id=ids["booking"])
    frozen_clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))  # the day after: file it
    return ids


def _org(ids):
    with session_scope() as s:
        return s.scalars(select(Organisation.id).where(Organisation.name == ids["charity"])).one()


def _rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_county_staff_file_a_batch_once_and_download_it_again_unchanged(client, app, filed_day,
                                                                        tmp_path):
    login(client, "zhao", "linli-zhao-2026")
    made = post_form(client, "/console/filing", "/console/filing", {"since": "2026-11-01"})
    assert made.status_code == 302
    page = client.get("/console/filing").get_data(as_text=True)
    assert "已生成第1批" in page and "第1批" in page
    first = client.get("/console/filing/1.csv")
    assert first.status_code == 200 and "linli-filing-00001.csv" in first.headers["Content-Disposition"]
    rows = {r["记录编号"]: r for r in _rows(first.data)}
    helped = rows[filed_day["code"]]
    assert (helped["姓名"], helped["身份证号"], helped["实施单位"], helped["单位类型"]) == (
        "王秀英", "330102194203081234", filed_day["charity"], "慈善组织")
    assert helped["户号"] and helped["救助层级或类别"] and helped["办结日期"] == "2026-11-29"
    meal = rows[f"ZC-{filed_day['booking']}"]
    assert (meal["姓名"], meal["身份证号"], meal["金额（元）"]) == ("孙桂芝", "330102195601011111", "5.00")
    assert "爱心助餐专项基金" in meal["实施单位"] and meal["来源"] == "助餐补贴"
    assert {r["批次号"] for r in rows.values()} == {"00001"}

    again = post_form(client, "/console/filing", "/console/filing", {"since": "2026-11-01"})
    assert again.status_code == 302
    assert "没有新的记录要报送" in client.get("/console/filing").get_data(as_text=True)
    assert client.get("/console/filing/2.csv").status_code == 404
    assert client.get("/console/filing/1.csv").data == first.data

    runner = app.test_cli_runner()
    shown = runner.invoke(args=["filing", "show", "--batch", "1", "--out", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert (tmp_path / "linli-filing-00001.csv").read_bytes() == first.data
    with session_scope() as s:
        fund_id = s.scalar(select(CharityFund.id).where(CharityFund.code == "AXZC"))
        funds.pay_fund_project(s, actor=None, fund_id=fund_id, title="助浴服务", amount_fen=800_00,
                               paid_on=date(2026, 11, 29))
    second = runner.invoke(args=["filing", "export", "--since", "2026-11-01", "--out", str(tmp_path)])
    assert second.exit_code == 0 and "第2批：1条" in second.output, second.output
    [project] = _rows((tmp_path / "linli-filing-00002.csv").read_bytes())
    assert (project["来源"], project["金额（元）"], project["姓名"]) == ("基金项目", "800.00", "")
    nothing = runner.invoke(args=["filing", "export", "--since", "2026-11-01"])
    assert "没有新的记录要报送" in nothing.output
    with session_scope() as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.subject_type == "filing_batch")).all()
        assert [e.detail["again"] for e in audited] == [False, True, True, True, False]
        assert "id_number" in audited[0].fields


def test_community_staff_cannot_file(client, filed_day):
    login(client)  # 刘社工 serves one community
    refused = post_form(client, "/console/funds", "/console/filing", {"since": "2026-11-01"})
    assert refused.status_code == 403 and "县级工作人员" in refused.get_data(as_text=True)
    assert client.get("/console/filing/1.csv").status_code == 403


def test_the_settlement_shows_what_the_fund_paid_so_the_budget_does_not_pay_it_again(filed_day):
    with session_scope() as s:
        sheet = meals.monthly_settlement_csv(s, actor=s.get_one(Person, filed_day["staff"]),
                                             canteen_id=filed_day["canteen"], month="2026-11")
    assert "合计,1,1,0,1,5.00,3.00" in sheet
    assert sheet.rstrip().endswith("其中由爱心助餐专项基金支付,,,,,5.00,")
