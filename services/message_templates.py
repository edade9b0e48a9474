"""Linli's message kinds mapped, as data, to WeChat subscribe and template messages.

Each Linli template names a subscribe template (订阅通知) and a template
message (模板消息) with their field layouts. A field is (WeChat key, kind,
source): the source is a payload key, "text" (the notification's own text)
or "due" (when it is due). Kinds carry WeChat's length limits; a `thing`
holds at most 20 characters. The ids below are the demo account's; a real
account sets its own in WECHAT_TEMPLATE_IDS-style configuration later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.clock import LOCAL_TZ, as_aware

Field = tuple[str, str, str]

# WeChat's limits per field kind (characters).
FIELD_LIMITS = {
    "thing": 20, "name": 10, "phrase": 5, "character_string": 32, "number": 32,
    "letter": 32, "symbol": 5, "phone_number": 17, "amount": 32, "time": 32, "date": 32,
}


@dataclass(frozen=True)
class ChannelTemplate:
    """How one Linli message kind looks as a subscribe and as a template message."""

    subscribe_id: str | None
    template_id: str | None
    fields: tuple[Field, ...]
    page: str | None = None


TEMPLATES: dict[str, ChannelTemplate] = {
    "meal_reminder": ChannelTemplate(
        "sub_meal_reminder", "tpl_meal_reminder",
        (("thing1", "thing", "meal"), ("time2", "time", "due"), ("thing3", "thing", "menu"),
         ("thing4", "thing", "text")), page="pages/meals/index"),
    "help_status": ChannelTemplate(
        "sub_help_status", "tpl_help_status",
        (("character_string1", "character_string", "code"), ("phrase2", "phrase", "status"),
         ("thing3", "thing", "text"), ("time4", "time", "due")), page="pages/help/index"),
    "emergency_alert": ChannelTemplate(
        "sub_emergency_alert", "tpl_emergency_alert",
        (("thing1", "thing", "text"), ("name2", "name", "person"), ("time3", "time", "due"))),
    "service_confirm": ChannelTemplate(
        "sub_service_confirm", "tpl_service_confirm",
        (("thing1", "thing", "service"), ("time2", "time", "due"), ("thing3", "thing", "text")),
        page="pages/volunteer/records"),
    "activity_reminder": ChannelTemplate(
        "sub_activity_reminder", "tpl_activity_reminder",
        (("thing1", "thing", "activity"), ("time2", "time", "due"), ("thing3", "thing", "place"),
         ("thing4", "thing", "text")), page="pages/activities/index"),
    "feedback_request": ChannelTemplate(
        "sub_feedback_request", "tpl_feedback_request",
        (("thing1", "thing", "subject"), ("thing2", "thing", "text")), page="pages/help/index"),
    "welfare_check": ChannelTemplate(
        "sub_welfare_check", "tpl_welfare_check",
        (("thing1", "thing", "text"), ("time2", "time", "due"))),
    # A reply to the person's own question: only inside the 48-hour window.
    "cs_reply": ChannelTemplate(None, None, (("thing1", "thing", "text"),)),
}
# Kinds we do not know go out as a plain notice.
GENERIC = ChannelTemplate(None, "tpl_generic_notice",
                          (("thing1", "thing", "text"), ("time2", "time", "due")))


# Reminders that mean nothing once their moment has passed (sent late, they mislead).
STALE_AFTER = {
    "meal_reminder": timedelta(hours=12),
    "activity_reminder": timedelta(hours=6),
    "kitchen_summary": timedelta(hours=6),
}


def is_stale(template: str, due_at: datetime, *, now: datetime) -> bool:
    """Tell whether a notification of this kind is too late to be worth sending."""
    limit = STALE_AFTER.get(template)
    return limit is not None and as_aware(due_at) + limit < now


def channel_template(template: str) -> ChannelTemplate:
    """Return the WeChat layout for a Linli message kind."""
    return TEMPLATES.get(template, GENERIC)


def fit(value: str, kind: str) -> str:
    """Cut a value to its field's WeChat limit, marking the cut with an ellipsis."""
    limit = FIELD_LIMITS.get(kind, 20)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def render_fields(
    layout: ChannelTemplate, *, text: str, payload: dict[str, Any], due_at: datetime
) -> dict[str, str]:
    """Fill a layout's fields from a notification, within WeChat's limits."""
    due = due_at.astimezone(LOCAL_TZ).strftime("%Y年%m月%d日 %H:%M")
    data: dict[str, str] = {}
    for key, kind, source in layout.fields:
        if source == "due":
            value = due
        elif source == "text" or not payload.get(source):
            value = due if kind in ("time", "date") else text
        else:
            value = str(payload[source])
        data[key] = fit(value or "—", kind)
    return data
