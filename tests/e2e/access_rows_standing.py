"""Access-matrix rows for standing orders: the elder, her proxy and her community's staff only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.meals import Canteen
from services.meals import standing
from tests.e2e.access_rows_people import but, person

SECRET_NOTE = "长期忌口-矩阵机密"
MAY = ("demo_elder_wang", "demo_family_wang", "demo_staff_liu", "demo_supervisor_zhao")


def _standing_lunch(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """王秀英's standing order for daily lunches at 阳光社区助餐点."""
    wang = person(s, people, "demo_elder_wang")
    canteen_id = s.scalars(select(Canteen.id).where(Canteen.code == "ZC-YG")).one()
    order = standing.create_standing_order(s, actor=wang, person_id=wang.id, canteen_id=canteen_id,
                                           meal="lunch", days="daily", note=SECRET_NOTE)
    return order.id, [SECRET_NOTE, "王秀英", "13800138001"]


def _paused_lunch(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """The same, paused from tomorrow for three days."""
    order_id, secrets = _standing_lunch(s, people)
    start = clock.today() + timedelta(days=1)
    standing.pause_standing_order(s, actor=person(s, people, "demo_elder_wang"), order_id=order_id,
                                  from_day=start, to_day=start + timedelta(days=2))
    return order_id, secrets


def _row(name: str, method: str, suffix: str, allowed: str, body: Any = None,
         make: Any = _standing_lunch) -> dict[str, Any]:
    return {"name": name, "method": method, "path": "/api/v1/meals/standing-orders/{id}" + suffix,
            "make": make, "allowed": allowed, "denied": but(*MAY), "body": body}


# The tests' frozen Sunday is 2026-11-29 (tests/conftest.py).
PAUSE = {"from": "2026-11-30", "to": "2026-12-02"}


ROWS: list[dict[str, Any]] = [
    _row("read standing order (owner)", "GET", "", "demo_elder_wang"),
    _row("read standing order (staff of her community)", "GET", "", "demo_staff_liu"),
    _row("change standing order (proxy)", "PATCH", "", "demo_family_wang", {"count": 2}),
    _row("pause standing order (proxy)", "POST", "/pause", "demo_family_wang", PAUSE),
    _row("resume standing order (owner)", "POST", "/resume", "demo_elder_wang", make=_paused_lunch),
    _row("end standing order (owner)", "DELETE", "", "demo_elder_wang"),
]
