"""Access-matrix rows for charity funds: the fund's charity keeps it; staff and donors read it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.funds import CharityFund
from tests.e2e.access_rows_people import EXTRA, but, extra

SECRETS = ["爱心助餐专项基金", "5000", "张**"]
STAFF = ("demo_staff_liu", "demo_staff_chen", "demo_supervisor_zhao")


def _demo_fund(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """The demo 爱心助餐专项基金 of 示范县慈善总会 (demo_charity_zhou's charity)."""
    extra(s, people)
    return s.scalars(select(CharityFund.id).where(CharityFund.code == "AXZC")).one(), SECRETS



ROWS: list[dict[str, Any]] = [
    {"name": "fund report", "method": "GET", "path": "/api/v1/funds/{id}/report",
     "make": _demo_fund, "allowed": "demo_charity_zhou",
     "denied": but("demo_charity_zhou", *STAFF, extra=EXTRA)},
    {"name": "fund donation", "method": "POST", "path": "/api/v1/funds/{id}/donations",
     "make": _demo_fund, "allowed": "demo_charity_zhou",
     "body": {"donor_name": "矩阵测试", "amount_fen": 100, "received_on": "2026-11-28"},
     "denied": but("demo_charity_zhou", "demo_supervisor_zhao", extra=EXTRA)},
    {"name": "fund project", "method": "POST", "path": "/api/v1/funds/{id}/projects",
     "make": _demo_fund, "allowed": "demo_charity_zhou",
     "body": {"title": "矩阵测试项目", "amount_fen": 100, "paid_on": "2026-11-28"},
     "denied": but("demo_charity_zhou", "demo_supervisor_zhao", extra=EXTRA)},
]
