"""Staff routes for risk alerts: the queue and acknowledgement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import jsonify
from pydantic import BaseModel

from core.validation import Body, Query, parse_body, parse_query
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.openapi import api_doc
from miniprogram_api.uow import db
from models.monitoring import RiskAlert
from services import alerts


class AlertQuery(Query):
    status: str | None = "open"


class AckBody(Body):
    note: str | None = None


class AlertOut(BaseModel):
    id: int
    kind: str
    level: Literal["critical", "high", "medium", "low"]
    status: Literal["open", "acknowledged", "resolved"]
    summary: str
    community_id: int | None
    subject_type: str | None
    subject_id: int | None
    escalation_level: int
    escalate_at: datetime | None
    created_at: datetime
    acknowledged_at: datetime | None


class AlertList(BaseModel):
    items: list[AlertOut]


def alert_json(alert: RiskAlert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "level": alert.level,
        "status": alert.status,
        "summary": alert.summary,
        "community_id": alert.community_id,
        "subject_type": alert.subject_type,
        "subject_id": alert.subject_id,
        "escalation_level": alert.escalation_level,
        "escalate_at": alert.escalate_at.isoformat() if alert.escalate_at else None,
        "created_at": alert.created_at.isoformat(),
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
    }


@bp.get("/staff/alerts")
@api_doc(summary="本社区的预警（最紧急的在前）", query=AlertQuery, response=AlertList)
@login_required
def list_staff_alerts() -> Any:
    """List the alerts of the caller's communities, most urgent first."""
    args = parse_query(AlertQuery)
    found = alerts.list_alerts(db(), actor=current_person(), status=args.status or None)
    return jsonify({"items": [alert_json(a) for a in found]})


@bp.post("/staff/alerts/<int:alert_id>/ack")
@api_doc(summary="确认收到一条预警", body=AckBody, response=AlertOut)
@login_required
def acknowledge_staff_alert(alert_id: int) -> Any:
    """Acknowledge one alert."""
    body = parse_body(AckBody)
    alert = alerts.acknowledge_alert(db(), actor=current_person(), alert_id=alert_id, note=body.note)
    return jsonify(alert_json(alert))
