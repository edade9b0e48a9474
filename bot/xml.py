"""Safe parsing of WeChat's message XML: UTF-8 only, no DTDs, no entities, a size cap.

WeChat sends UTF-8. Anything else is refused before parsing: bytes that are
not UTF-8 (UTF-16 among them) and a declaration naming another encoding.
The parser itself is expat told the document is UTF-8 whatever it declares,
and it stops at a DOCTYPE or an entity declaration, so no encoding trick
can bring a DTD past it (docs/decisions.md).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only the tree builder; expat below parses
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

MAX_BODY_BYTES = 64 * 1024
_DECLARED = re.compile(r"""\A<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = {"utf-8", "utf8"}


class BadMessage(ValueError):
    """The body is not a WeChat message we can read."""


@dataclass(frozen=True)
class RawMessage:
    """Top-level text fields, and the <List> items of subscribe-message events."""

    fields: dict[str, str]
    items: list[dict[str, str]] = field(default_factory=list)


def _refuse_dtd(*_args: Any) -> None:
    raise BadMessage("DTDs and entities are refused")


def _refuse_external(*_args: Any) -> int:
    raise BadMessage("DTDs and entities are refused")


def _check_encoding(body: bytes) -> bytes:
    """Return the body without a UTF-8 BOM; refuse anything that is not UTF-8."""
    body = body.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadMessage("not UTF-8") from exc
    declared = _DECLARED.match(text.lstrip())
    if declared and declared.group(1).strip().lower() not in _UTF8_NAMES:
        raise BadMessage("declares an encoding other than UTF-8")
    return body


def _build_tree(body: bytes) -> ET.Element:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(encoding="UTF-8")  # overrides whatever the body declares
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_external
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(body, True)
        return builder.close()
    except (expat.ExpatError, AssertionError) as exc:  # AssertionError: the builder saw no root
        raise BadMessage("malformed XML") from exc


def parse_xml(body: bytes) -> RawMessage:
    """Read WeChat XML; raise BadMessage on size, encoding, a DTD or entity, or bad syntax."""
    if len(body) > MAX_BODY_BYTES:
        raise BadMessage("too large")
    root = _build_tree(_check_encoding(body))
    if root.tag != "xml":
        raise BadMessage("root is not <xml>")
    fields = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    items = [
        {leaf.tag: (leaf.text or "").strip() for leaf in item}
        for child in root
        for item in child.iter("List")
    ]
    return RawMessage(fields, items)
