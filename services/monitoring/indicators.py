"""Dynamic monitoring (动态监测预警): warning indicators as data and one ranked list per community."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAllowed, NotFound, ValidationFailed
from models.console import WarningIndicator
from models.monitoring import ALERT_LEVELS, RiskAlert
from models.person import Person
from services.access.audit import record_access
from services.access.checks import STAFF_ROLES, require_role, require_staff_for
from services.messaging.alerts import LEVEL_ORDER, raise_alert
from services.monitoring import indicator_sources as signals


@dataclass(frozen=True)
class IndicatorSpec:
    """One warning indicator: what it watches, how urgent, and its threshold and window."""

    code: str
    name: str
    level: str
    threshold: int = 1
    window_days: int = 7
    enabled: bool = True
    rule: str = ""
    source: str = ""


# The household indicators (services/monitoring/household_signals.py), each with its rule and policy source.
HOUSEHOLD_RULES = Path(__file__).resolve().parents[1] / "data" / "household_rules.json"
HOUSEHOLD_INDICATORS = tuple(
    IndicatorSpec(raw["code"], raw["name"], raw["level"], raw["threshold"], raw["window_days"],
                  rule=raw["rule"], source=raw["source"])
    for raw in json.loads(HOUSEHOLD_RULES.read_text(encoding="utf-8"))["indicators"]
)
DEFAULT_INDICATORS = (
    IndicatorSpec("emergency", "紧急求助", "critical", 1, 3),
    IndicatorSpec("missed_meals", "订餐多次未取", "high", 2, 7),
    IndicatorSpec("overdue_request", "求助超期未办结", "high", 1, 0),
    IndicatorSpec("volunteer_concern", "志愿者反映异常", "high", 1, 14),
    IndicatorSpec("tier_review_due", "认定临近复核", "medium", 1, 14),
    *HOUSEHOLD_INDICATORS,
)
DEFAULT_CODES = {spec.code for spec in DEFAULT_INDICATORS}


@dataclass
class MonitoringEntry:
    """One person (or one alert without a person) on the list, with every warning about them."""

    person_id: int | None
    signals: list[signals.Signal] = field(default_factory=list)

    @property
    def level(self) -> str:
        return min((s.level for s in self.signals), key=lambda lv: LEVEL_ORDER.get(lv, 9))

    @property
    def first_at(self) -> datetime:
        return min(s.at for s in self.signals)

    def rank_key(self) -> tuple[int, int, datetime]:
        return (LEVEL_ORDER.get(self.level, 9), -len(self.signals), self.first_at)


def list_indicators(session: Session) -> list[IndicatorSpec]:
    """Return every indicator: the stored settings, falling back to the defaults."""
    stored = {row.code: row for row in session.scalars(select(WarningIndicator))}
    specs = []
    for spec in DEFAULT_INDICATORS:
        row = stored.get(spec.code)
        specs.append(spec if row is None else replace(
            spec, name=row.name, level=row.level, threshold=row.threshold,
            window_days=row.window_days, enabled=row.enabled))
    return specs


def seed_indicators(session: Session) -> int:
    """Store the default indicators that are not stored yet; return how many were added."""
    have = set(session.scalars(select(WarningIndicator.code)))
    added = [spec for spec in DEFAULT_INDICATORS if spec.code not in have]
    for spec in added:
        session.add(WarningIndicator(code=spec.code, name=spec.name, level=spec.level,
                                     threshold=spec.threshold, window_days=spec.window_days,
                                     enabled=spec.enabled))
    session.flush()
    return len(added)


def update_indicator(
    session: Session, *, actor: Person, code: str, level: str, threshold: int,
    window_days: int, enabled: bool,
) -> IndicatorSpec:
    """Change an indicator's level, threshold, window or switch (supervisors only)."""
    require_role(actor, "supervisor")
    if code not in DEFAULT_CODES:
        raise NotFound()
    if level not in ALERT_LEVELS or not 1 <= threshold <= 1000 or not 0 <= window_days <= 365:
        raise ValidationFailed("级别、阈值或天数不对。")
    seed_indicators(session)
    row = session.scalars(select(WarningIndicator).where(WarningIndicator.code == code)).one()
    row.level, row.threshold, row.window_days, row.enabled = level, threshold, window_days, enabled
    session.flush()
    record_access(session, actor_id=actor.id, action="change", subject_type="warning_indicator",
                  subject_id=row.id, fields=["level", "threshold", "window_days", "enabled"],
                  detail={"code": code, "threshold": threshold, "window_days": window_days})
    spec = next(s for s in DEFAULT_INDICATORS if s.code == code)
    return replace(spec, name=row.name, level=level, threshold=threshold,
                   window_days=window_days, enabled=enabled)


def _require_community(actor: Person, community_id: int) -> None:
    try:
        require_staff_for(actor, community_id)
    except NotAllowed:
        if any(r.role in STAFF_ROLES for r in actor.roles):
            raise NotFound() from None
        raise


def _collect(session: Session, community_id: int, specs: list[IndicatorSpec]) -> list[signals.Signal]:
    now = clock.now()
    by_code = {s.code: s for s in specs}
    found = signals.from_alerts(session, community_id, by_code)
    for spec in specs:
        if spec.enabled and spec.code in signals.COMPUTED:
            try:
                found.extend(signals.COMPUTED[spec.code](session, community_id, spec, now))
            except ModuleNotFoundError:  # that domain's tables are not in this build
                continue
    seen: set[tuple[str, str | None, int | None]] = set()
    unique = []
    for sig in found:
        key = (sig.indicator, sig.subject_type, sig.subject_id)
        if sig.subject_id is None or key not in seen:
            seen.add(key)
            unique.append(sig)
    return unique


def list_monitoring(
    session: Session, *, actor: Person, community_id: int
) -> list[MonitoringEntry]:
    """Return the community's ranked monitoring list: open alerts plus every indicator that fires."""
    _require_community(actor, community_id)
    entries: dict[object, MonitoringEntry] = {}
    for sig in _collect(session, community_id, list_indicators(session)):
        key: object = sig.person_id if sig.person_id is not None else ("alert", sig.alert_id)
        entries.setdefault(key, MonitoringEntry(person_id=sig.person_id)).signals.append(sig)
    for entry in entries.values():
        entry.signals.sort(key=lambda s: (LEVEL_ORDER.get(s.level, 9), s.at))
    return sorted(entries.values(), key=MonitoringEntry.rank_key)


def report_volunteer_concern(
    session: Session, *, actor: Person, person_id: int, note: str
) -> RiskAlert:
    """Raise a concern about a resident seen by a volunteer or staff (once a day per pair)."""
    if not actor.role_names() & {"volunteer", *STAFF_ROLES}:
        raise NotAllowed()
    person = session.get(Person, person_id)
    if person is None or not note.strip():
        raise NotFound() if person is None else ValidationFailed(fields={"note": "必填"})
    spec = next(s for s in list_indicators(session) if s.code == "volunteer_concern")
    today = clock.today().isoformat()
    return raise_alert(
        session, kind="volunteer_concern", level=spec.level, person_id=person.id,
        community_id=person.community_id, subject_type="person", subject_id=person.id,
        summary=f"志愿者反映：{note.strip()[:200]}",
        dedupe_key=f"concern:{actor.id}:{person.id}:{today}",
    )

