"""The console's standing-order page: staff set one up for an elder who cannot, pause it, end it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.audit import AuditEntry
from models.meals import Canteen
from models.messaging import Notification
from models.region import Community
from models.standing import StandingOrder
from tests.console_client import login, post_form
from tests.meals_factories import make_elder

pytestmark = pytest.mark.e2e


@pytest.fixture
def elder(client, demo_people, frozen_clock):
    frozen_clock.set(datetime(2026, 9, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    with session_scope() as s:
        canteen = s.scalars(select(Canteen).where(Canteen.code == "ZC-YG")).one()
        community = s.get(Community, canteen.community_id)
        person = make_elder(s, name="孙阿婆", community=community)
        return person.id, canteen.id


def test_staff_set_up_pause_and_end_a_standing_order(client, elder, demo_people):
    person_id, canteen_id = elder
    login(client)
    page = f"/console/residents/{person_id}/standing"
    html = client.get(page).get_data(as_text=True)
    assert "还没有长期订餐" in html and "孙**" in html and "孙阿婆" not in html
    made = post_form(client, page, page, {"canteen_id": str(canteen_id), "meal": "lunch",
                                          "days": "workdays", "count": "1", "delivery": "yes",
                                          "note": "少盐"})
    assert made.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "已设好长期订餐，已通知老人。" in html
    assert "工作日午餐 1份 送餐上门（阳光社区助餐点），从9月21日（明天）起。" in html
    assert "9月25日（周五）中秋节放假" in html and "少盐" in html
    with session_scope() as s:
        order = s.scalars(select(StandingOrder).where(StandingOrder.person_id == person_id)).one()
        order_id = order.id
        told = s.scalars(select(Notification.text).where(Notification.person_id == person_id)).all()
    assert order.channel == "console" and order.note == "少盐"
    assert told[0].startswith("刘**为您设了长期订餐：\n工作日午餐 1份 送餐上门")

    paused = post_form(client, page, f"{page}/{order_id}/pause",
                       {"from_date": "2026-09-21", "to_date": "2026-09-23"})
    assert paused.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "暂停：9月21日（明天）到9月23日（周三），9月24日（周四）起照常订。" in html
    post_form(client, page, f"{page}/{order_id}/resume", {})
    assert "已恢复，照常订。" in client.get(page).get_data(as_text=True)
    ended = post_form(client, page, f"{page}/{order_id}/end", {})
    assert ended.status_code == 302 and "已停" in client.get(page).get_data(as_text=True)

    with session_scope() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.actor_id == demo_people["demo_staff_liu"])
                            .order_by(AuditEntry.id)).all()
        reads = [e.fields for e in entries if (e.subject_type, e.subject_id) == ("person", person_id)]
        changes = [e.action for e in entries if (e.subject_type, e.subject_id) == ("standing_order", order_id)]
    assert ["standing_orders"] in reads
    assert changes == ["standing_create", "standing_pause", "standing_resume", "standing_end"]


def test_bad_form_and_other_community_staff(app, client, elder):
    person_id, canteen_id = elder
    login(client)
    page = f"/console/residents/{person_id}/standing"
    bad = post_form(client, page, page, {"canteen_id": str(canteen_id), "meal": "lunch",
                                         "days": "weekly", "weekdays": ""})
    assert bad.status_code == 400 and "请填写每周哪几天" in bad.get_data(as_text=True)
    other = app.test_client()
    login(other, username="chen", password="linli-chen-2026")
    assert other.get(page).status_code == 404
    assert post_form(other, "/console/", f"{page}/1/end", {}).status_code == 404
