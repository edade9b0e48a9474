"""Safe parsing of WeChat's message XML: no DTDs, no entities, a size cap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - guarded: DTDs and entities refused first
from dataclasses import dataclass, field

MAX_BODY_BYTES = 64 * 1024
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class BadMessage(ValueError):
    """The body is not a WeChat message we can read."""


@dataclass(frozen=True)
class RawMessage:
    """Top-level text fields, and the <List> items of subscribe-message events."""

    fields: dict[str, str]
    items: list[dict[str, str]] = field(default_factory=list)


def parse_xml(body: bytes) -> RawMessage:
    """Read WeChat XML; raise BadMessage on size, a DTD or entity, or bad syntax."""
    if len(body) > MAX_BODY_BYTES:
        raise BadMessage("too large")
    if _FORBIDDEN.search(body):
        raise BadMessage("DTDs and entities are refused")
    try:
        root = ET.fromstring(body)  # noqa: S314 - DTD/entity-free by the check above
    except ET.ParseError as exc:
        raise BadMessage("malformed XML") from exc
    if root.tag != "xml":
        raise BadMessage("root is not <xml>")
    fields = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    items = [
        {leaf.tag: (leaf.text or "").strip() for leaf in item}
        for child in root
        for item in child.iter("List")
    ]
    return RawMessage(fields, items)
