"""Access-matrix rows for staff routes: resident tiers, household history, alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.messaging.alerts import raise_alert
from tests.e2e.access_rows_people import STAFF_OF_SUNSHINE, but, person


def _elder_wang(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """王秀英 of 阳光社区: only its staff (and the county-wide supervisor) may look her up."""
    wang = person(s, people, "demo_elder_wang")
    return wang.id, ["王秀英", "王**", "13800138001", "138****8001", "阳光社区3号楼"]


def _alert_in_harmony(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    li = person(s, people, "demo_elder_li")
    alert = raise_alert(s, kind="emergency", level="critical", summary="李建国家中无人应答-矩阵机密",
                        dedupe_key="matrix-alert-harmony", person_id=li.id,
                        community_id=li.community_id)
    return alert.id, [alert.summary]


ROWS: list[dict[str, Any]] = [
    {"name": "verify resident tier", "method": "POST",
     "path": "/api/v1/staff/residents/{id}/tier", "make": _elder_wang,
     "body": {"tier": "none", "evidence_note": "复核后不再符合-矩阵"},
     "allowed": "demo_staff_liu", "denied": but(*STAFF_OF_SUNSHINE)},
    {"name": "household history", "method": "GET",
     "path": "/api/v1/staff/residents/{id}/history", "make": _elder_wang,
     "allowed": "demo_staff_liu", "denied": but(*STAFF_OF_SUNSHINE)},
    {"name": "acknowledge alert of another community", "method": "POST",
     "path": "/api/v1/staff/alerts/{id}/ack", "make": _alert_in_harmony, "body": {"note": "已电话联系"},
     "allowed": "demo_staff_chen", "denied": but("demo_staff_chen", "demo_supervisor_zhao")},
]
