"""Values of the wrong type are refused with a 400 naming the field, never quietly coerced."""

import pytest

from core.db import session_scope
from tests.factories import make_person
from tests.meals_factories import make_canteen

pytestmark = pytest.mark.e2e


@pytest.fixture
def auth(token_for):
    with session_scope() as s:
        person_id = make_person(s, name="周奶奶").id
    return {"Authorization": f"Bearer {token_for(person_id)}"}


@pytest.fixture
def canteen_id():
    with session_scope() as s:
        return make_canteen(s).id


def _refused(response, field, message):
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["code"] == "VALIDATION_ERROR" and body["request_id"] and body["message"]
    assert body["fields"] == {field: message}


@pytest.mark.parametrize("value", [0, "0", "1764432000", "20261130"])
def test_a_menu_date_must_be_written_out(client, auth, canteen_id, value):
    response = client.get(f"/api/v1/canteens/{canteen_id}/menu?date={value}", headers=auth)
    _refused(response, "date", "日期格式应为 YYYY-MM-DD")
    assert client.get(f"/api/v1/canteens/{canteen_id}/menu?date=2026-11-30", headers=auth).status_code == 200


def test_my_bookings_from_must_be_a_date(client, auth):
    _refused(client.get("/api/v1/meal-bookings?from=0", headers=auth), "from", "日期格式应为 YYYY-MM-DD")
    assert client.get("/api/v1/meal-bookings?from=2026-11-01", headers=auth).status_code == 200


def test_living_alone_must_be_true_or_false(client, auth):
    for value in (0, 1, "true", "否"):
        _refused(client.put("/api/v1/me", json={"living_alone": value}, headers=auth),
                 "living_alone", "应为 true 或 false")
    assert client.get("/api/v1/me", headers=auth).get_json()["living_alone"] is False
    assert client.put("/api/v1/me", json={"living_alone": True}, headers=auth).get_json()["living_alone"] is True


def test_a_booking_body_is_typed_strictly(client, auth, canteen_id):
    lunch = {"canteen_id": canteen_id, "date": "2026-11-30", "meal": "lunch"}
    _refused(client.post("/api/v1/meal-bookings/quote", json={**lunch, "count": "2"}, headers=auth),
             "count", "应为整数")
    _refused(client.post("/api/v1/meal-bookings/quote", json={**lunch, "delivery": 1}, headers=auth),
             "delivery", "应为 true 或 false")
    _refused(client.post("/api/v1/meal-bookings/quote", json={**lunch, "date": 0}, headers=auth),
             "date", "日期格式应为 YYYY-MM-DD")
    _refused(client.post("/api/v1/meal-bookings/quote", json={**lunch, "canteen_id": str(canteen_id)},
                         headers=auth), "canteen_id", "应为整数")
    assert client.post("/api/v1/meal-bookings/quote", json={**lunch, "count": 2}, headers=auth).status_code == 200
