"""Mini-program login against the fake WeChat API: person, token, session_key kept secret."""

import hashlib
import logging
import threading

import pytest
from sqlalchemy import select, text

from core.db import session_scope
from miniprogram_api.ratelimit import Limit
from models.auth import ApiToken
from models.person import Person
from tests.factories import make_person

pytestmark = pytest.mark.integration
CODE2SESSION = "/sns/jscode2session"
PHONE = "/wxa/business/getuserphonenumber"


@pytest.fixture
def wx_app(test_settings, db, memory_kv, fake_wechat):
    from app import create_app

    settings = test_settings.with_(database_url=db.url, wechat_api_base_url=fake_wechat.url)
    app = create_app(settings, kv=memory_kv)
    yield app
    from core.config import use_settings

    use_settings(test_settings)


@pytest.fixture
def api(wx_app):
    return wx_app.test_client()


def _login(api, code="abc123"):
    return api.post("/api/v1/auth/login", json={"code": code})


def test_first_login_creates_a_resident_and_the_token_works(api):
    first = _login(api)
    assert first.status_code == 200
    body = first.get_json()
    assert body["created"] is True and len(body["token"]) >= 43
    assert body["person"]["roles"] == [{"role": "resident", "community_id": None,
                                        "organisation_id": None}]
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == body["person"]["id"]
    again = _login(api).get_json()
    assert again["created"] is False and again["person"]["id"] == body["person"]["id"]
    assert again["token"] != body["token"]
    with session_scope(readonly=True) as s:
        person = s.scalars(select(Person)).one()
        assert (person.mp_openid, person.unionid) == ("mp_abc123", "union_abc123")


def test_session_key_never_leaves_the_server(api, caplog):
    caplog.set_level(logging.DEBUG)
    session_key = hashlib.sha256(b"abc123").hexdigest()[:24]  # what the fake gives for "abc123"
    response = _login(api)
    assert session_key not in response.get_data(as_text=True)
    assert session_key not in caplog.text
    with session_scope(readonly=True) as s:
        raw = s.execute(text("SELECT session_key, token_hash FROM api_tokens")).one()
        assert session_key not in raw.session_key
        assert raw.token_hash != response.get_json()["token"]
        assert s.scalars(select(ApiToken)).one().session_key == session_key


def test_login_joins_the_official_account_identity_by_unionid(api):
    with session_scope() as s:
        follower = make_person(s, unionid="union_wx777")
        follower.mp_openid = None
        follower_id = follower.id
    body = _login(api, "wx777").get_json()
    assert body["person"]["id"] == follower_id and body["created"] is False
    with session_scope(readonly=True) as s:
        assert s.get(Person, follower_id).mp_openid == "mp_wx777"


def test_bad_code_is_401_and_wechat_trouble_is_503(api, fake_wechat):
    bad = _login(api, "invalid")
    assert bad.status_code == 401 and bad.get_json()["code"] == "LOGIN_CODE_INVALID"
    fake_wechat.script(CODE2SESSION, {"errcode": 45011, "errmsg": "api minute-quota reach limit"})
    busy = _login(api, "fine")
    assert busy.status_code == 503
    assert busy.get_json()["message"] == "微信暂时连不上，请稍后再试。"
    assert _login(api, "").status_code == 400


def test_logout_revokes_the_token(api):
    token = _login(api).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/auth/logout", headers=auth).status_code == 204
    refused = api.get("/api/v1/me", headers=auth)
    assert refused.status_code == 401 and refused.get_json()["message"] == "登录已过期，请重新登录。"


def test_phone_binding_needs_consent_before_spending_the_code(api, fake_wechat):
    auth = {"Authorization": f"Bearer {_login(api).get_json()['token']}"}
    refused = api.post("/api/v1/me/phone", json={"code": "13912345678"}, headers=auth)
    assert refused.status_code == 422 and refused.get_json()["code"] == "CONSENT_REQUIRED"
    assert fake_wechat.requests_to(PHONE) == []
    api.post("/api/v1/me/consents", json={"scope": "sensitive_profile"}, headers=auth)
    bound = api.post("/api/v1/me/phone", json={"code": "13912345678"}, headers=auth)
    assert bound.status_code == 200 and bound.get_json()["phone"] == "13912345678"
    fake_wechat.script(PHONE, {"errcode": 40029, "errmsg": "invalid code"})
    stale = api.post("/api/v1/me/phone", json={"code": "used"}, headers=auth)
    assert stale.status_code == 400 and stale.get_json()["fields"] == {"code": "授权码无效或已过期"}


def test_login_is_rate_limited_per_address(wx_app, api):
    wx_app.config["RATE_LIMITS"] = {"login": Limit(2, 60)}
    assert [_login(api, f"c{i}").status_code for i in range(3)] == [200, 200, 429]
    assert api.get("/api/v1/openapi.json").status_code == 200


def test_two_first_logins_at_once_make_one_person(wx_app, db):
    results: list[int] = []

    def login() -> None:
        response = wx_app.test_client().post("/api/v1/auth/login", json={"code": "same"})
        results.append(response.status_code)

    threads = [threading.Thread(target=login) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4
    with session_scope(readonly=True) as s:
        assert len(s.scalars(select(Person)).all()) == 1
