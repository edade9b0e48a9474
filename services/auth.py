"""Linli's own bearer tokens: issue, check (idle and absolute expiry), revoke."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import Unauthenticated
from models.auth import ApiToken
from models.person import Person

IDLE_LIFETIME = timedelta(days=7)
ABSOLUTE_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=5)


def hash_token(raw: str) -> str:
    """Return the stored form of a token (SHA-256 hex)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, person: Person, session_key: str | None = None) -> str:
    """Create a token for a person and return it; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        ApiToken(
            token_hash=hash_token(raw),
            person_id=person.id,
            created_at=now,
            last_used_at=now,
            expires_at=now + ABSOLUTE_LIFETIME,
            session_key=session_key,
        )
    )
    session.flush()
    return raw


def authenticate_token(session: Session, *, raw: str) -> Person:
    """Return the person a live token belongs to, or raise Unauthenticated."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    now = clock.now()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= now
        or token.last_used_at + IDLE_LIFETIME <= now
    ):
        raise Unauthenticated("登录已过期，请重新登录。")
    if now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
    person = session.get(Person, token.person_id)
    if person is None:
        raise Unauthenticated()
    return person


def revoke_token(session: Session, *, raw: str) -> None:
    """Revoke a token so it is never accepted again."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = clock.now()
        session.flush()
