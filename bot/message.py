"""One inbound WeChat message or event, typed, with its dedupe key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from bot.xml import BadMessage, RawMessage

MAX_KEY = 191


@dataclass(frozen=True)
class Inbound:
    """What WeChat told us: who, what type, and the content that matters."""

    openid: str
    account: str
    msg_type: str
    create_time: str
    msg_id: str = ""
    content: str = ""
    event: str = ""
    event_key: str = ""
    latitude: float | None = None
    longitude: float | None = None
    items: list[dict[str, str]] = field(default_factory=list)

    @property
    def dedupe_key(self) -> str:
        """Return MsgId + FromUserName + CreateTime, or for events the event's identity."""
        if self.msg_type == "event":
            key = f"e:{self.openid}:{self.create_time}:{self.event}:{self.event_key}"
        else:
            key = f"m:{self.openid}:{self.create_time}:{self.msg_id}"
        if len(key) > MAX_KEY:
            key = "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
        return key


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _content(msg_type: str, f: dict[str, str]) -> str:
    if msg_type == "voice":
        return f.get("Recognition", "")
    if msg_type == "location":
        return f.get("Label", "")
    return f.get("Content", "")


def to_inbound(raw: RawMessage) -> Inbound:
    """Build an Inbound from parsed XML; raise BadMessage when MsgType or the sender is missing."""
    f = raw.fields
    msg_type = f.get("MsgType", "").lower()
    if not msg_type:
        raise BadMessage("missing MsgType")
    if not f.get("FromUserName"):
        raise BadMessage("missing FromUserName")
    location = msg_type == "location"
    return Inbound(
        openid=f["FromUserName"][:64],
        account=f.get("ToUserName", ""),
        msg_type=msg_type,
        create_time=f.get("CreateTime", "0")[:12],
        msg_id=f.get("MsgId", f.get("MsgID", ""))[:64],
        content=_content(msg_type, f),
        event=f.get("Event", "").lower()[:48],
        event_key=f.get("EventKey", "")[:128],
        latitude=_float(f.get("Location_X" if location else "Latitude")),
        longitude=_float(f.get("Location_Y" if location else "Longitude")),
        items=raw.items,
    )
