"""Mini-program login and Linli's own bearer tokens: issue, check, revoke.

Login trades a wx.login code for openid and session_key (code2session);
the session_key stays here, encrypted in ApiToken.session_key, and the
client gets only Linli's random token, stored as a hash.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import ErrorCode, ServiceUnavailable, Unauthenticated
from core.wechat.client import WeChatClient, get_wechat_client
from core.wechat.errors import WeChatError
from models.auth import ApiToken
from models.person import Person, PersonRole

logger = logging.getLogger(__name__)

IDLE_LIFETIME = timedelta(days=7)
ABSOLUTE_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=5)
# code2session errors that mean "this code is no good", not "WeChat is down".
BAD_CODE_ERRORS = frozenset({40029, 40163, 40226, 41008})


class LoginCodeInvalid(Unauthenticated):
    error = ErrorCode.LOGIN_CODE_INVALID


@dataclass(frozen=True)
class Login:
    """The outcome of a login: the person, their new token and whether they are new."""

    person: Person
    token: str
    expires_at: datetime
    created: bool


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


def _exchange_code(wechat: WeChatClient, code: str) -> dict[str, str]:
    try:
        return wechat.code2session(code)
    except WeChatError as exc:
        if exc.errcode in BAD_CODE_ERRORS:
            raise LoginCodeInvalid() from None
        logger.warning("code2session failed: errcode=%s", exc.errcode)
        raise ServiceUnavailable("微信暂时连不上，请稍后再试。") from None
    except OSError:  # connection refused, DNS, timeouts below requests
        logger.warning("code2session unreachable")
        raise ServiceUnavailable("微信暂时连不上，请稍后再试。") from None


def _find_or_create(session: Session, openid: str, unionid: str | None) -> tuple[Person, bool]:
    person = session.scalar(select(Person).where(Person.mp_openid == openid))
    if person is None and unionid:
        linked = session.scalar(select(Person).where(Person.unionid == unionid))
        if linked is not None and linked.mp_openid is None:
            # The same human already talks to the official account: join the identities.
            linked.mp_openid = openid
            session.flush()
            return linked, False
        if linked is not None:
            unionid = None  # held by another mini-program identity; never steal it
    if person is not None:
        if unionid and person.unionid is None:
            taken = session.scalar(select(Person.id).where(Person.unionid == unionid))
            person.unionid = unionid if taken is None else None
        return person, False
    person = Person(mp_openid=openid, unionid=unionid)
    person.roles.append(PersonRole(role="resident", granted_at=clock.now()))
    try:
        with session.begin_nested():
            session.add(person)
    except IntegrityError:
        # A second login of the same new person won the race: use theirs.
        return session.scalars(select(Person).where(Person.mp_openid == openid)).one(), False
    return person, True


def login_with_code(session: Session, *, code: str, wechat: WeChatClient | None = None) -> Login:
    """Sign a person in with a wx.login code, creating them on first login."""
    data = _exchange_code(wechat or get_wechat_client(), code)
    person, created = _find_or_create(session, data["openid"], data.get("unionid"))
    token = issue_token(session, person=person, session_key=data["session_key"])
    logger.info("mini-program login person=%s created=%s", person.id, created)
    return Login(person=person, token=token, expires_at=clock.now() + ABSOLUTE_LIFETIME,
                 created=created)
