"""Staff console accounts: create, set passwords, check a login with lockout after repeated failures."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core import clock
from core.config import get_settings
from core.errors import Conflict, NotFound, ValidationFailed
from models.console import StaffAccount
from models.person import Person
from services.access import is_staff

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
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
    """Replace an account's password and lift any lockout."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username.lower()))
    if account is None:
        raise NotFound()
    _check_password(password)
    account.password_hash = generate_password_hash(password, method=HASH_METHOD)
    account.failed_attempts, account.locked_until = 0, None
    session.flush()
    return account


def _refuse(account: StaffAccount) -> LoginOutcome:
    account.failed_attempts += 1
    if account.failed_attempts >= MAX_FAILURES:
        account.failed_attempts = 0
        account.locked_until = clock.now() + LOCKOUT
        return LoginOutcome(None, None, "密码错误次数太多，账号已锁定15分钟。")
    left = MAX_FAILURES - account.failed_attempts
    return LoginOutcome(None, None, f"用户名或密码不对，还可以再试{left}次。")


def _is_demo_login(username: str, password: str) -> bool:
    from services.demo.console import is_published_login  # the demo imports this module

    return is_published_login(username, password)


def check_staff_login(session: Session, *, username: str, password: str) -> LoginOutcome:
    """Check a username and password; count failures and lock the account after five."""
    if get_settings().is_production and _is_demo_login(username, password):
        logger.warning("console: refused a demo account's published password in production")
        return LoginOutcome(None, None, DEMO_REFUSED)
    account = session.scalar(
        select(StaffAccount).where(StaffAccount.username == username.strip().lower())
        .with_for_update()
    )
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return LoginOutcome(None, None, "用户名或密码不对。")
    now = clock.now()
    if account.locked_until is not None and account.locked_until > now:
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        return LoginOutcome(None, None, f"账号已锁定，请{minutes}分钟后再试。")
    if not check_password_hash(account.password_hash, password):
        outcome = _refuse(account)
        session.flush()
        return outcome
    person = session.get(Person, account.person_id)
    if account.disabled or person is None or not may_use_console(person):
        return LoginOutcome(None, None, "这个账号已停用，请联系站长。")
    account.failed_attempts, account.locked_until, account.last_login_at = 0, None, now
    session.flush()
    return LoginOutcome(person.id, account.id)


def get_staff_account(session: Session, *, account_id: int) -> StaffAccount | None:
    """Return a console account by id."""
    return session.get(StaffAccount, account_id)
