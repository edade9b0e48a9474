"""Access-matrix rows for household checks (家庭经济状况核对): only the household's community staff."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.assistance import HouseholdCheck
from tests.e2e.access_rows_people import but, person

STAFF_OF_HARMONY = ("demo_staff_chen", "demo_supervisor_zhao")


def _li(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """李建国's household of 和睦社区, with the demo's proposed check."""
    return person(s, people, "demo_elder_li").id, ["李建国", "刘桂兰", "人均月收入750元"]


def _li_check(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    li = person(s, people, "demo_elder_li")
    check_id = s.scalars(select(HouseholdCheck.id).where(HouseholdCheck.household_id == li.id)).one()
    return check_id, ["人均月收入750元", "低于低保标准"]


ROWS: list[dict[str, Any]] = [
    {"name": "household checks", "method": "GET",
     "path": "/api/v1/staff/residents/{id}/household-checks", "make": _li,
     "allowed": "demo_staff_chen", "denied": but(*STAFF_OF_HARMONY)},
    {"name": "decide a household check", "method": "POST",
     "path": "/api/v1/staff/household-checks/{id}/decision", "make": _li_check,
     "body": {"tier": "dibao"}, "allowed": "demo_staff_chen", "denied": but(*STAFF_OF_HARMONY)},
]
