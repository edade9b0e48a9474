"""Staff console accounts: create, set passwords, check a login with limits on repeated failures.

Failed sign-ins are limited per (username, address) and per address, never
per account alone: five wrong passwords for `liu` from one address stop
`liu` there for 15 minutes while `liu` at her own desk signs in as usual,
and twenty failures from one address stop that address for every username.
Unknown usernames are counted and answered exactly like real ones, so
neither the message nor the lock tells whether a name exists
(docs/decisions.md, "Console sign-in limits").
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core import clock
from core.config import get_settings
from core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from core.kv import KV
from models.console import StaffAccount
from models.person import Person
from services.access.checks import is_staff

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_FAILURES = 5  # per (username, address)
MAX_ADDRESS_FAILURES = 20  # per address, whatever the usernames
LOCKOUT = timedelta(minutes=15)
WRONG = "用户名或密码不对。"
ACCOUNT_ALARM_EVERY = 25  # failures on one account since its last sign-in, from anywhere
MIN_PASSWORD = 8
HASH_METHOD = "scrypt"
DEMO_REFUSED = "演示账号不能在正式环境登录，请用站长为您开通的账号。"


@cache
def _dummy_hash() -> str:
    """Return a hash to check against when the username is unknown (same timing as a real one)."""
    return generate_password_hash("linli-not-a-password", method=HASH_METHOD)


@dataclass(frozen=True)
class LoginOutcome:
    """The result of one login attempt: the staff member, or a message to show."""

    person_id: int | None
    account_id: int | None
    message: str | None = None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"密码至少{MIN_PASSWORD}位。", fields={"password": "太短了"})


def may_use_console(person: Person) -> bool:
    """Staff use the whole console; a charity's admins use its referrals page."""
    return is_staff(person) or person.has_role("charity_admin")


def create_staff_account(
    session: Session, *, person_id: int, username: str, password: str
) -> StaffAccount:
    """Give a staff member a console username and a hashed password."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound()
    if not may_use_console(person):
        raise ValidationFailed("只有社工、站长或慈善组织的管理员可以开通工作台账号。")
    name = username.strip().lower()
    if not name or len(name) > 64:
        raise ValidationFailed(fields={"username": "格式不对"})
    _check_password(password)
    taken = session.scalar(select(StaffAccount.id).where(
        (StaffAccount.username == name) | (StaffAccount.person_id == person_id)))
    if taken is not None:
        raise Conflict("这个用户名或这位社工已经有账号了。")
    account = StaffAccount(person_id=person_id, username=name, failed_attempts=0,
                           password_hash=generate_password_hash(password, method=HASH_METHOD))
    session.add(account)
    session.flush()
    return account


def set_staff_password(session: Session, *, username: str, password: str) -> StaffAccount:
    """Replace an account's password and reset its failure tally (address locks lapse in 15 minutes)."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username.lower()))
    if account is None:
        raise NotFound()
    _check_password(password)
    account.password_hash = generate_password_hash(password, method=HASH_METHOD)
    account.failed_attempts, account.locked_until = 0, None
    session.flush()
    return account


def _address_key(address: str) -> str:
    """One key per IPv4 address or IPv6 /64 (one household's or one host's worth of addresses)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


class _Limits:
    """The failure counters and locks for one attempt, in the shared store."""

    def __init__(self, kv: KV, *, username: str, address: str, now: datetime) -> None:
        self.kv, self.now = kv, now
        window = int(now.timestamp() // LOCKOUT.total_seconds())
        address = _address_key(address)
        self.scopes = [  # (counter key, lock key, failures allowed)
            (f"console:login:fail:{name}:{window}", f"console:login:lock:{name}", limit)
            for name, limit in ((f"pair:{_digest(username, address)}", MAX_FAILURES),
                                (f"addr:{_digest(address)}", MAX_ADDRESS_FAILURES))
        ]

    def locked_minutes(self) -> int | None:
        """Minutes left on a lock over this username here or this address, or None."""
        until = max((float(v) for _c, lock, _n in self.scopes if (v := self.kv.get(lock))),
                    default=0.0)
        left = until - self.now.timestamp()
        return None if left <= 0 else max(1, int(left // 60) + 1)

    def count_failure(self) -> bool:
        """Count one failure everywhere; True when that started a lock."""
        ttl = LOCKOUT.total_seconds()
        locked = False
        for counter, lock, limit in self.scopes:
            if self.kv.incr(counter, ttl=ttl) >= limit:
                self.kv.set(lock, str((self.now + LOCKOUT).timestamp()), ttl=ttl)
                locked = True
        return locked


def _too_many(minutes: int) -> LoginOutcome:
    return LoginOutcome(None, None, f"尝试次数太多，请{minutes}分钟后再试。")


def _note_account_failure(account: StaffAccount) -> None:
    """Keep a tally per account for the log: a spray from many addresses shows up there."""
    account.failed_attempts += 1
    if account.failed_attempts % ACCOUNT_ALARM_EVERY == 0:
        logger.warning("console account %d: %d failed sign-ins since its last success",
                       account.id, account.failed_attempts)


def _is_demo_login(username: str, password: str) -> bool:
    from services.access.published_logins import (
        is_published_login,  # demo data: loaded only when asked
    )

    return is_published_login(username, password)


def check_staff_login(session: Session, *, kv: KV, username: str, password: str,
                      address: str) -> LoginOutcome:
    """Check a username and password from an address; limit failures per (username, address) and per address."""
    if get_settings().is_production and _is_demo_login(username, password):
        logger.warning("console: refused a demo account's published password in production")
        return LoginOutcome(None, None, DEMO_REFUSED)
    name = username.strip().lower()
    limits = _Limits(kv, username=name, address=address, now=clock.now())
    minutes = _with_store(limits.locked_minutes)
    if minutes is not None:
        return _too_many(minutes)
    outcome = _check_password_for(session, name=name, password=password)
    if outcome.person_id is None and outcome.message == WRONG and _with_store(limits.count_failure):
        return _too_many(int(LOCKOUT.total_seconds() // 60))
    return outcome


def _with_store(step: Callable[[], T]) -> T:
    try:
        return step()
    except Exception as exc:  # the store is down: console sessions live there, so sign-in waits
        raise ServiceUnavailable("系统有点忙，请稍后再试。") from exc


def _check_password_for(session: Session, *, name: str, password: str) -> LoginOutcome:
    account = session.scalar(
        select(StaffAccount).where(StaffAccount.username == name).with_for_update())
    if account is None:
        check_password_hash(_dummy_hash(), password)  # the same time as a real check
        return LoginOutcome(None, None, WRONG)
    if not check_password_hash(account.password_hash, password):
        _note_account_failure(account)
        session.flush()
        return LoginOutcome(None, None, WRONG)
    person = session.get(Person, account.person_id)
    if account.disabled or person is None or not may_use_console(person):
        return LoginOutcome(None, None, "这个账号已停用，请联系站长。")
    account.failed_attempts, account.locked_until, account.last_login_at = 0, None, clock.now()
    session.flush()
    return LoginOutcome(person.id, account.id)


def get_staff_account(session: Session, *, account_id: int) -> StaffAccount | None:
    """Return a console account by id."""
    return session.get(StaffAccount, account_id)
