"""Access-matrix rows for help requests: the requester, the community's staff, nobody else."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import clock
from services.help_requests import submit_help_request
from tests.e2e.access_rows_people import STAFF_OF_SUNSHINE, but, person

SECRETS = ["卫生间水管漏水-矩阵机密", "阳光社区3号楼2单元101-矩阵", "13900139001"]


def _submitted(s: Session, people: dict[str, int], status: str = "submitted") -> tuple[int, list[str]]:
    """王秀英 (阳光社区) asks for help with her plumbing; routed to 民政局, no demo member."""
    made = submit_help_request(
        s, actor=person(s, people, "demo_elder_wang"), category="living", urgency="normal",
        description=SECRETS[0], address=SECRETS[1], contact_phone=SECRETS[2],
        channel="miniprogram")
    if status != "submitted":
        made.status = status
        made.resolved_at = clock.now()
        s.flush()
    return made.id, [*SECRETS, made.code, "139****9001"]


def _resolved(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    return _submitted(s, people, "resolved")


REQUESTER_AND_STAFF = ("demo_elder_wang", *STAFF_OF_SUNSHINE)
ROWS: list[dict[str, Any]] = [
    {"name": "get help request", "method": "GET", "path": "/api/v1/help-requests/{id}",
     "make": _submitted, "allowed": "demo_elder_wang", "denied": but(*REQUESTER_AND_STAFF)},
    {"name": "get help request as staff", "method": "GET", "path": "/api/v1/help-requests/{id}",
     "make": _submitted, "allowed": "demo_staff_liu", "denied": but(*REQUESTER_AND_STAFF)},
    {"name": "cancel help request", "method": "POST", "path": "/api/v1/help-requests/{id}/cancel",
     "make": _submitted, "allowed": "demo_elder_wang", "denied": but("demo_elder_wang")},
    {"name": "rate help request", "method": "POST", "path": "/api/v1/help-requests/{id}/feedback",
     "make": _resolved, "body": {"rating": 5, "comment": "谢谢"},
     "allowed": "demo_elder_wang", "denied": but("demo_elder_wang")},
    {"name": "transition help request", "method": "POST",
     "path": "/api/v1/staff/help-requests/{id}/transition", "make": _submitted,
     "body": {"to": "accepted"}, "allowed": "demo_staff_liu",
     "denied": but(*STAFF_OF_SUNSHINE)},
]
