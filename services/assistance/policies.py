"""The policy knowledge base (政策问答): entries staff edit, the chat answers from.

Every entry says who qualifies, what to bring, where to go (the person's own
street and community filled in) and which step the bot offers next. Until
staff save an entry, its default (services/data/policies.json) answers; a
save writes the row and an audit entry.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Text, select, type_coerce
from sqlalchemy.orm import Session, joinedload

from core import crypto
from core.errors import NotFound, ValidationFailed
from models.person import Person
from models.policies import POLICY_ACTIONS, PolicyEntry
from models.region import Community
from services.access.audit import record_access
from services.access.checks import require_staff_for

DEFAULTS = Path(__file__).resolve().parents[1] / "data" / "policies.json"
OTHER = "other"
EDITABLE = ("title", "keywords", "who", "bring", "window", "action", "help_category", "active")
HELP_CATEGORIES = ("living", "medical", "care", "housing", "education", "employment", "other")
FALLBACK_PHONE = "12345"
_LIMITS = {"title": 64, "keywords": 1000, "who": 1000, "bring": 1000, "window": 300}
_SEALED = ("keywords", "who", "bring", "window")
# Every column, the sealed texts as stored: a question opens only the keywords it matches
# against and the one entry it answers with, not four texts of every entry.
_AS_STORED = select(*(type_coerce(c, Text).label(c.key) if c.key in _SEALED else c
                      for c in PolicyEntry.__table__.c))


@cache
def _default_rows() -> tuple[dict[str, Any], ...]:
    raw = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    return tuple(raw["entries"])


def _from_default(raw: dict[str, Any], order: int) -> PolicyEntry:
    return PolicyEntry(
        code=raw["code"], topic=raw["topic"], title=raw["title"], keywords="\n".join(raw["keywords"]),
        who=raw["who"], bring=raw["bring"], window=raw["window"], action=raw.get("action", ""),
        help_category=raw.get("help_category"), sort_order=order, active=True,
    )


def list_policy_entries(session: Session, *, include_inactive: bool = False) -> list[PolicyEntry]:
    """Return the knowledge base in its order: saved rows, and defaults not saved yet."""
    entries = _in_order({e.code: e for e in session.scalars(select(PolicyEntry))})
    return [e for e in entries if include_inactive or e.active]


def _in_order(saved: dict[str, Any]) -> list[Any]:
    """Saved entries in the defaults' order (a default not saved yet stands in), then the rest saved."""
    entries = [saved.pop(raw["code"], None) or _from_default(raw, n)
               for n, raw in enumerate(_default_rows())]
    return entries + sorted(saved.values(), key=lambda e: (e.sort_order, e.id))


def keywords_of(entry: PolicyEntry) -> list[str]:
    """Return an entry's keywords, one a line, blank lines left out."""
    return [k.strip() for k in entry.keywords.splitlines() if k.strip()]


def find_policy_entry(session: Session, *, text: str, topic: str | None) -> PolicyEntry:
    """Pick the entry a message asks about: its longest keyword, else the understood topic.

    One statement; only the keywords of each entry and the texts of the chosen one are opened.
    """
    entries = _stored_in_order(session)
    said = [(len(k), -n, e) for n, e in enumerate(entries) for k in _keywords(e) if k in text]
    if said:
        return _opened(max(said, key=lambda s: (s[0], s[1]))[2])
    # The entry named after the understood topic answers for it; `other` for the rest.
    chosen = ([e for e in entries if e.code == topic] or [e for e in entries if e.code == OTHER]
              or entries)
    if not chosen:
        raise NotFound("政策问答还没有内容。")
    return _opened(chosen[0])


def get_policy_entry(session: Session, *, code: str) -> PolicyEntry | None:
    """Return the active entry with this code (saved, else its default), or None."""
    entry = session.scalar(select(PolicyEntry).where(PolicyEntry.code == code))
    if entry is None:
        entry = next((_from_default(raw, n) for n, raw in enumerate(_default_rows())
                      if raw["code"] == code), None)
    return entry if entry is not None and entry.active else None


def list_policy_titles(session: Session) -> list[tuple[str, str]]:
    """Return (code, title) of the active entries in the knowledge base's order, nothing opened."""
    return [(e.code, e.title) for e in _stored_in_order(session)]


_Stored = PolicyEntry | Row[Any]  # a saved row as stored (texts sealed), or an unsaved default


def _stored_in_order(session: Session) -> list[_Stored]:
    """Return the active entries in list_policy_entries' order, saved ones with texts sealed."""
    return [e for e in _in_order({r.code: r for r in session.execute(_AS_STORED)}) if e.active]


def _keywords(entry: _Stored) -> list[str]:
    if isinstance(entry, PolicyEntry):
        return keywords_of(entry)
    return [k.strip() for k in crypto.decrypt(entry.keywords).splitlines() if k.strip()]


def _opened(entry: _Stored) -> PolicyEntry:
    """Return the entry to answer with: a saved row's texts opened, as a copy outside the session."""
    if isinstance(entry, PolicyEntry):
        return entry
    values = entry._asdict()
    for name in _SEALED:
        values[name] = crypto.decrypt(values[name])
    return PolicyEntry(**values)


class Place:
    """Where a person goes: their street and community by name, and whom to call.

    The community is read with its street in one statement (place_of).
    """

    def __init__(self, community: Community | None) -> None:
        self._community = community

    @property
    def street(self) -> str:
        """The person's street (乡镇/街道) by name."""
        return self._community.street.name if self._community else "所在乡镇（街道）"

    @property
    def community(self) -> str:
        """The person's community by name."""
        return self._community.name if self._community else "社区"

    @property
    def phone(self) -> str:
        """Whom to call: the community's service phone, else the general hotline."""
        if self._community is not None and self._community.service_phone:
            return f"{self._community.name}服务电话 {self._community.service_phone}"
        return f"政务服务热线 {FALLBACK_PHONE}"


def place_of(session: Session, *, person: Person) -> Place:
    """Return the person's own street, community and service phone (general ones if unknown)."""
    if person.community_id is None:
        return Place(None)
    return Place(session.get(Community, person.community_id, options=[joinedload(Community.street)]))


def place_of_follower(session: Session, *, oa_openid: str) -> Place:
    """Return the street, community and service phone of whoever follows the account as `oa_openid`.

    One statement for an answer that needs only where the person lives, not their row;
    an unknown follower gets the general ones, as a person with no community does.
    """
    stmt = (select(Community).join(Person, Person.community_id == Community.id)
            .where(Person.oa_openid == oa_openid).options(joinedload(Community.street)))
    return Place(session.scalar(stmt))


def window_for(entry: PolicyEntry, place: Place) -> str:
    """Say the entry's window with the person's own street and community in it."""
    window = entry.window
    if "{街道}" in window:
        window = window.replace("{街道}", place.street)
    return window.replace("{社区}", place.community)


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            errors[name] = "不能修改"
        elif name == "active":
            cleaned[name] = bool(value)
        elif name == "action":
            if (value or "") not in POLICY_ACTIONS:
                errors[name] = "不是允许的取值"
            cleaned[name] = value or ""
        elif name == "help_category":
            if value and value not in HELP_CATEGORIES:
                errors[name] = "不是允许的取值"
            cleaned[name] = value or None
        else:
            text = "\n".join(line.strip() for line in str(value or "").strip().splitlines())
            if name != "keywords" and not text:
                errors[name] = "必填"
            elif len(text) > _LIMITS[name]:
                errors[name] = f"最多{_LIMITS[name]}字"
            cleaned[name] = text
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def update_policy_entry(session: Session, *, actor: Person, code: str, **changes: Any) -> PolicyEntry:
    """Save staff's wording of one entry (the default becomes a row on its first save); audited."""
    require_staff_for(actor)
    cleaned = _clean(changes)
    entry = session.scalar(select(PolicyEntry).where(PolicyEntry.code == code))
    if entry is None:
        order, raw = next(((n, r) for n, r in enumerate(_default_rows()) if r["code"] == code),
                          (None, None))
        if raw is None or order is None:
            raise NotFound("没有这条政策。")
        entry = _from_default(raw, order)
        session.add(entry)
    changed = sorted(k for k, v in cleaned.items() if getattr(entry, k) != v)
    for name in changed:
        setattr(entry, name, cleaned[name])
    entry.updated_by_id = actor.id
    session.flush()
    record_access(session, actor_id=actor.id, action="update", subject_type="policy_entry",
                  subject_id=entry.id, fields=changed, detail={"code": code})
    return entry


def seed_policy_entries(session: Session) -> int:
    """Write every default entry not saved yet (demo data and a fresh deployment); return how many."""
    saved = set(session.scalars(select(PolicyEntry.code)))
    added = [_from_default(raw, n) for n, raw in enumerate(_default_rows()) if raw["code"] not in saved]
    session.add_all(added)
    session.flush()
    return len(added)
