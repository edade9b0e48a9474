"""Staff routes for risk alerts: the queue and acknowledgement."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from core.uow import db
from core.validation import Body, Moment, Query, reply
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.openapi import api_doc
from services.messaging import alerts


class AlertQuery(Query):
    status: str | None = "open"


class AckBody(Body):
    note: str | None = None


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    level: Literal["critical", "high", "medium", "low"]
    status: Literal["open", "acknowledged", "resolved"]
    summary: str
    community_id: int | None
    subject_type: str | None
    subject_id: int | None
    escalation_level: int
    escalate_at: Moment | None
    created_at: Moment
    acknowledged_at: Moment | None


class AlertList(BaseModel):
    items: list[AlertOut]


@bp.get("/staff/alerts")
@login_required
@api_doc(summary="本社区的预警（最紧急的在前）", query=AlertQuery, response=AlertList)
def list_staff_alerts(query: AlertQuery) -> Any:
    """List the alerts of the caller's communities, most urgent first."""
    found = alerts.list_alerts(db(), actor=current_person(), status=query.status or None)
    return reply(AlertList(items=[AlertOut.model_validate(a) for a in found]))


@bp.post("/staff/alerts/<int:alert_id>/ack")
@login_required
@api_doc(summary="确认收到一条预警", body=AckBody, response=AlertOut)
def acknowledge_staff_alert(alert_id: int, body: AckBody) -> Any:
    """Acknowledge one alert."""
    alert = alerts.acknowledge_alert(db(), actor=current_person(), alert_id=alert_id, note=body.note)
    return reply(AlertOut.model_validate(alert))
