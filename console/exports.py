"""CSV exports (UTF-8 with BOM so Excel opens them); every export is audited."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response, request

from console import bp
from console.pages import chosen_community, people_by_id
from console.session import current_staff, staff_page
from core import clock
from core.errors import ValidationFailed
from core.uow import db
from core.web import attachment
from models.person import TIER_NAMES
from services import meals
from services.access.audit import record_access
from services.assistance import tiers
from services.messaging import alerts
from services.monitoring import indicators

EXPORT_LIMIT = 5000
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
LEVEL_NAMES = {"critical": "紧急", "high": "高", "medium": "中", "low": "低"}


def _cell(value: Any) -> str:
    """Stop a spreadsheet from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """Build a CSV download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    stamp = clock.local_now().strftime("%Y%m%d")
    response.headers["Content-Disposition"] = attachment(f"{filename}-{stamp}.csv")
    return response


def _audit(subject: str, subject_id: int | None, count: int, fields: list[str]) -> None:
    record_access(db(), actor_id=current_staff().id, action="export", subject_type=subject,
                  subject_id=subject_id, fields=fields, detail={"rows": count})


def _masked(ids: Iterable[int | None]) -> dict[int, str]:
    return {pid: p.masked_name for pid, p in people_by_id(ids).items()}


@bp.get("/export/requests.csv")
@staff_page
def export_requests() -> Any:
    """Export the community's help requests (requester names masked)."""
    from models.help_requests import CATEGORY_NAMES
    from services.help_requests import list_staff_help_requests
    from services.help_requests.triage import STATUS_NAMES

    community = chosen_community()
    found = list_staff_help_requests(db(), actor=current_staff(), community_id=community.id,
                                     limit=EXPORT_LIMIT)[:EXPORT_LIMIT]
    names = _masked(r.beneficiary_id for r in found)
    _audit("help_request", community.id, len(found), ["requester_masked"])
    return csv_response("求助台账", ["编号", "类别", "紧急程度", "状态", "求助人", "办理单位",
                                  "提交时间", "办结期限"], (
        (r.code, CATEGORY_NAMES.get(r.category), "紧急" if r.urgency == "emergency" else "一般",
         STATUS_NAMES.get(r.status), names.get(r.beneficiary_id, ""),
         r.organisation.name if r.organisation else "",
         r.created_at.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
         r.resolve_due_at.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")) for r in found))


@bp.get("/export/alerts.csv")
@staff_page
def export_alerts() -> Any:
    """Export the open alerts of the staff member's communities."""
    found = alerts.list_alerts(db(), actor=current_staff(), status=None, limit=EXPORT_LIMIT)
    names = _masked(a.person_id for a in found)
    _audit("risk_alert", None, len(found), ["person_masked"])
    return csv_response("预警清单", ["级别", "类型", "内容", "居民", "状态", "时间"], (
        (LEVEL_NAMES.get(a.level), a.kind, a.summary, names.get(a.person_id or 0, ""), a.status,
         a.created_at.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")) for a in found))


@bp.get("/export/monitoring.csv")
@staff_page
def export_monitoring() -> Any:
    """Export the community's ranked monitoring list."""
    community = chosen_community()
    entries = indicators.list_monitoring(db(), actor=current_staff(), community_id=community.id)
    names = _masked(e.person_id for e in entries)
    _audit("monitoring", community.id, len(entries), ["person_masked"])
    return csv_response("动态监测名单", ["排序", "级别", "居民", "预警原因"], (
        (n, LEVEL_NAMES.get(e.level), names.get(e.person_id or 0, ""),
         "；".join(f"{s.name}：{s.summary}" for s in e.signals))
        for n, e in enumerate(entries, start=1)))


@bp.get("/export/tiers-due.csv")
@staff_page
def export_tiers_due() -> Any:
    """Export the residents whose tier review is due within 30 days."""
    due = tiers.list_due_for_review(db(), actor=current_staff(), within_days=30)
    _audit("person", None, len(due), ["name_masked", "economic_tier"])
    return csv_response("认定复核名单", ["居民", "认定", "复核日期"], (
        (p.masked_name, TIER_NAMES.get(p.economic_tier or ""), p.tier_review_due) for p in due))


@bp.get("/export/meals-settlement.csv")
@staff_page
def export_meal_settlement() -> Any:
    """Export a canteen's monthly settlement (this month unless `month=YYYY-MM`)."""
    canteen_id = request.args.get("canteen_id", type=int)
    month = request.args.get("month") or clock.today().strftime("%Y-%m")
    if canteen_id is None or not MONTH.fullmatch(month):
        raise ValidationFailed("请选择助餐点和月份（例如 2026-12）。")
    text = meals.monthly_settlement_csv(db(), actor=current_staff(), canteen_id=canteen_id,
                                        month=month)
    response = Response("\ufeff" + text, mimetype="text/csv")
    response.headers["Content-Disposition"] = attachment(f"助餐结算-{canteen_id}-{month}.csv")
    return response
