"""The access-control matrix: every route with an object id, every role that must not see it.

Each row names a route, builds its object from the demo data, lists the demo
people who must get 403 or 404 with no field of the object in the answer,
and one person who may use it (run last, to prove the row is live). Add rows
here, or in a module `tests/<layer>/access_rows_<domain>.py` that defines
ROWS as a list of dicts with the same keys; they are collected below.
"""

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core import clock
from core.db import session_scope
from models.person import Person, Proxy
from services.messaging.alerts import raise_alert

pytestmark = pytest.mark.e2e
EVERYONE = ("demo_elder_wang", "demo_elder_li", "demo_family_wang", "demo_volunteer_zhang",
            "demo_staff_liu", "demo_staff_chen", "demo_supervisor_zhao", "demo_charity_zhou",
            "demo_canteen_sun", "demo_canteen_qian")


def _alert_in_sunshine(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    liu = s.get_one(Person, people["demo_staff_liu"])
    alert = raise_alert(s, kind="emergency", level="critical", summary="王奶奶摔倒求助-机密",
                        dedupe_key="matrix-alert", person_id=people["demo_elder_wang"],
                        community_id=liu.roles[0].community_id)
    return alert.id, [alert.summary]


def _invited_proxy(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    proxy = Proxy(principal_id=people["demo_elder_li"], agent_id=people["demo_volunteer_zhang"],
                  status="invited", relation="邻居-机密", created_at=clock.now())
    s.add(proxy)
    s.flush()
    return proxy.id, ["李建国", "13800138002", "邻居-机密", "138****8002"]


def _but(*allowed: str) -> tuple[str, ...]:
    return tuple(p for p in EVERYONE if p not in allowed)


ROWS: list[dict[str, Any]] = [
    {"name": "acknowledge alert", "method": "POST", "path": "/api/v1/staff/alerts/{id}/ack",
     "make": _alert_in_sunshine, "body": {}, "allowed": "demo_staff_liu",
     "denied": _but("demo_staff_liu", "demo_supervisor_zhao")},
    {"name": "accept proxy", "method": "POST", "path": "/api/v1/me/proxies/{id}/accept",
     "make": _invited_proxy, "allowed": "demo_elder_li", "denied": _but("demo_elder_li")},
    {"name": "decline proxy", "method": "POST", "path": "/api/v1/me/proxies/{id}/decline",
     "make": _invited_proxy, "allowed": "demo_elder_li", "denied": _but("demo_elder_li")},
    {"name": "end proxy", "method": "DELETE", "path": "/api/v1/me/proxies/{id}",
     "make": _invited_proxy, "allowed": "demo_volunteer_zhang",
     "denied": _but("demo_elder_li", "demo_volunteer_zhang")},
]


def _collected_rows() -> list[dict[str, Any]]:
    rows = list(ROWS)
    for path in sorted(Path(__file__).parent.parent.glob("*/access_rows_*.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        rows.extend(module.ROWS)
    return rows


ALL_ROWS = _collected_rows()


@pytest.mark.parametrize("row", ALL_ROWS, ids=[r["name"] for r in ALL_ROWS])
def test_only_the_right_people_reach_the_object(client, app, demo_people, token_for, row):
    with session_scope() as s:
        object_id, secrets = row["make"](s, demo_people)
    path = row["path"].format(id=object_id)
    assert app.url_map.bind("localhost").test(path, method=row["method"]), f"no route {path}"
    for openid in row["denied"]:
        response = _call(client, row, path, token_for(demo_people[openid]))
        text = json.dumps(response.get_json(), ensure_ascii=False)
        assert response.status_code in (403, 404), f"{openid} got {response.status_code}"
        assert not [s for s in secrets if s in text], f"{openid} saw a field of the object"
    allowed = _call(client, row, path, token_for(demo_people[row["allowed"]]))
    assert allowed.status_code < 300, allowed.get_json()


def _call(client, row, path, token):
    headers = {"Authorization": f"Bearer {token}"}
    return client.open(path, method=row["method"], json=row.get("body"), headers=headers)
