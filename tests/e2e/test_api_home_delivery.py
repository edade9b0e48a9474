"""Home delivery through the mini-program API for a brand-new resident, and its wording.

Login goes through the fake WeChat (code "X" → mini-program openid "mp_X");
the address book is the demo one (services/demo/addresses.csv).
"""

from datetime import date

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.meals import Canteen
from models.region import Community

pytestmark = pytest.mark.e2e
TOMORROW = date(2026, 11, 30)


@pytest.fixture
def api(test_settings, sqlite_db, memory_kv, fake_wechat, demo_people):
    from app import create_app
    from core.config import use_settings

    app = create_app(test_settings.with_(database_url=sqlite_db.url,
                                         wechat_api_base_url=fake_wechat.url), kv=memory_kv)
    yield app.test_client()
    use_settings(test_settings)


def _login(api, code):
    body = api.post("/api/v1/auth/login", json={"code": code}).get_json()
    return {"Authorization": f"Bearer {body['token']}"}


def _register(api, headers, address, scopes=("privacy_policy", "sensitive_profile")):
    for scope in scopes:
        assert api.post("/api/v1/me/consents", json={"scope": scope}, headers=headers).status_code == 201
    with session_scope(readonly=True) as s:
        sunshine = s.scalar(select(Community.id).where(Community.name == "阳光社区"))
    profile = {"name": "赵淑华", "birth_date": "1944-02-10", "phone": "13700001111",
               "community_id": sunshine, "address": address}
    answer = api.put("/api/v1/me", json=profile, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _book(api, headers, key):
    with session_scope(readonly=True) as s:  # 阳光社区's canteen: delivers within 1.5 km
        canteen_id = s.scalar(select(Canteen.id).where(Canteen.delivers.is_(True)))
    return api.post("/api/v1/meal-bookings", headers={**headers, "Idempotency-Key": key}, json={
        "canteen_id": canteen_id, "date": TOMORROW.isoformat(), "meal": "lunch",
        "count": 1, "delivery": True})


def test_a_new_resident_with_a_known_address_books_and_is_served_at_home(
        api, frozen_clock, demo_people, token_for):
    headers = _login(api, "new_resident_api_1")
    me = _register(api, headers, "阳光社区四号楼1单元202室")
    assert me["home"] == {"located": True, "source": "address_book", "building": "4号楼",
                          "note": None}
    booked = _book(api, headers, "home-delivery-0001")
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["delivery"] is True
    frozen_clock.advance(days=1, hours=2)
    operator = {"Authorization": f"Bearer {token_for(demo_people['demo_canteen_sun'])}"}
    served = api.post(f"/api/v1/canteen/bookings/{booked.get_json()['id']}/served", headers=operator)
    assert served.status_code == 200 and served.get_json()["status"] == "served"


def test_an_unknown_address_says_what_happens_and_coordinates_locate_the_home(api):
    headers = _login(api, "new_resident_api_2")
    me = _register(api, headers, "幸福里小区8号院")
    assert me["address"] == "幸福里小区8号院" and me["home"]["located"] is False
    assert "社区工作人员会核对位置" in me["home"]["note"]
    refused = _book(api, headers, "home-delivery-0002")
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "OUT_OF_DELIVERY_AREA"
    assert "请发送家的位置" in refused.get_json()["message"]
    pin = {"home_latitude": 30.2747, "home_longitude": 120.1560}
    needs = api.put("/api/v1/me", json=pin, headers=headers)
    assert needs.status_code == 422 and needs.get_json()["code"] == "CONSENT_REQUIRED"
    api.post("/api/v1/me/consents", json={"scope": "location"}, headers=headers)
    me = api.put("/api/v1/me", json=pin, headers=headers).get_json()
    assert me["home"]["located"] is True and me["home"]["source"] == "miniprogram"
    assert _book(api, headers, "home-delivery-0003").status_code == 201


def test_coordinates_must_come_in_pairs_and_inside_china(api):
    headers = _login(api, "new_resident_api_3")
    _register(api, headers, "幸福里小区8号院", scopes=("privacy_policy", "sensitive_profile", "location"))
    half = api.put("/api/v1/me", json={"home_latitude": 30.27}, headers=headers)
    assert half.status_code == 400 and half.get_json()["code"] == "VALIDATION_ERROR"
    swapped = api.put("/api/v1/me", json={"home_latitude": 12.0, "home_longitude": 30.27},
                      headers=headers)
    assert swapped.status_code == 400


def test_not_registered_says_what_to_do_in_the_mini_program(api):
    headers = _login(api, "new_resident_api_4")
    refused = _book(api, headers, "home-delivery-0004")
    body = refused.get_json()
    assert refused.status_code == 422 and body["code"] == "NOT_REGISTERED"
    assert "小程序“我的”页面" in body["message"] and "回复" not in body["message"]


def test_a_demo_person_logs_in_with_their_openid_as_the_code(api):
    headers = _login(api, "demo_elder_wang")
    assert api.get("/api/v1/me", headers=headers).get_json()["name"] == "王秀英"
