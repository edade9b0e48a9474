"""Rate limits: per address, per person, stricter buckets; 429 with Retry-After."""

import pytest

from core.kv import RedisKV
from miniprogram_api.ratelimit import Limit

pytestmark = pytest.mark.e2e


@pytest.fixture
def limited_app(make_app, sqlite_db, kv):
    """The app on SQLite and either store, with tiny limits."""
    def build(**limits):
        app = make_app(sqlite_db, kv)
        app.config["RATE_LIMITS"] = limits
        return app

    return build


def test_per_address_limit_answers_429_with_retry_after(limited_app, frozen_clock):
    client = limited_app(ip=Limit(3, 60)).test_client()
    assert [client.get("/api/v1/openapi.json").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/openapi.json")
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "RATE_LIMITED"
    assert refused.get_json()["message"] == "操作太频繁，请稍后再试。"
    assert refused.headers["Retry-After"] == "60"
    frozen_clock.advance(seconds=45)
    assert client.get("/api/v1/openapi.json").headers["Retry-After"] == "15"
    frozen_clock.advance(seconds=15)
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_other_addresses_are_not_affected(limited_app, frozen_clock):
    client = limited_app(ip=Limit(1, 60)).test_client()
    client.get("/api/v1/openapi.json")
    assert client.get("/api/v1/openapi.json").status_code == 429
    other = client.get("/api/v1/openapi.json", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_per_person_limit_counts_each_person_apart(limited_app, demo_people, token_for, frozen_clock):
    client = limited_app(person=Limit(2, 60)).test_client()
    wang = {"Authorization": f"Bearer {token_for(demo_people['demo_elder_wang'])}"}
    li = {"Authorization": f"Bearer {token_for(demo_people['demo_elder_li'])}"}
    assert [client.get("/api/v1/me", headers=wang).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/me", headers=li).status_code == 200


def test_phone_lookup_bucket_is_stricter(limited_app, demo_people, token_for, frozen_clock):
    client = limited_app(phone_lookup=Limit(1, 3600)).test_client()
    auth = {"Authorization": f"Bearer {token_for(demo_people['demo_volunteer_zhang'])}"}
    first = client.post("/api/v1/me/proxies", json={"phone": "13800138002"}, headers=auth)
    second = client.post("/api/v1/me/proxies", json={"phone": "13800138001"}, headers=auth)
    assert (first.status_code, second.status_code) == (201, 429)
    assert second.headers["Retry-After"] == "3600"
    assert client.get("/api/v1/me", headers=auth).status_code == 200


def test_limits_fail_open_when_the_store_is_down(make_app, sqlite_db):
    app = make_app(sqlite_db, RedisKV("redis://127.0.0.1:1/0"))
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200
