"""The alert queue (acknowledge through services.messaging.alerts) and the ranked monitoring list."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from pydantic import Field

from console import bp
from console.pages import chosen_community, form, people_by_id, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body
from services.help_requests.views import alert_call_backs
from services.messaging import alerts
from services.messaging.alerts import ALERT_KIND_NAMES
from services.monitoring import indicators as monitoring

LEVEL_NAMES = {"critical": "紧急", "high": "高", "medium": "中", "low": "低"}
STATUS_NAMES = {"open": "待处理", "acknowledged": "已查看", "resolved": "已解决"}


class AckForm(Body):
    note: str | None = Field(default=None, max_length=500)


@bp.get("/alerts", endpoint="alerts")
@staff_page
def alerts_page() -> Any:
    """List the open (or all) alerts of the staff member's communities, most urgent first."""
    status = request.args.get("status", "open")
    found = alerts.list_alerts(db(), actor=current_staff(), status=status or None)
    urgent = [a for a in found if a.kind == "emergency"]
    return render("console/alerts.html", alerts=found, status=status, people=people_by_id(
        {a.person_id for a in found}), levels=LEVEL_NAMES, statuses=STATUS_NAMES,
        kinds=ALERT_KIND_NAMES,
        call_backs=alert_call_backs(db(), actor=current_staff(), alerts=urgent))


@bp.post("/alerts/<int:alert_id>/ack")
@staff_page
def acknowledge(alert_id: int) -> Any:
    """Acknowledge one alert and go back to the queue."""
    body = form(AckForm)
    alert = alerts.acknowledge_alert(db(), actor=current_staff(), alert_id=alert_id, note=body.note)
    flash(f"已确认预警：{alert.summary}")
    return redirect(url_for("console.alerts"))


@bp.get("/monitoring", endpoint="monitoring")
@staff_page
def monitoring_page() -> Any:
    """Show the community's ranked monitoring list and the indicators behind it."""
    community = chosen_community()
    entries = monitoring.list_monitoring(db(), actor=current_staff(), community_id=community.id)
    return render("console/monitoring.html", community=community, entries=entries,
                  people=people_by_id({e.person_id for e in entries}), levels=LEVEL_NAMES,
                  indicators=monitoring.list_indicators(db()))
