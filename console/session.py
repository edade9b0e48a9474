"""Console sign-in: a random session id in an HttpOnly, SameSite=Lax cookie, state in the shared store.

The store keeps the signed-in staff member and a per-session CSRF token;
every POST must carry that token. Before sign-in, a separate short-lived
cookie carries the login form's token (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, redirect, request, url_for

from core.config import get_settings
from core.errors import ErrorCode, NotAllowed
from core.kv import get_json, set_json
from core.uow import db
from models.person import Person
from services.access.checks import is_staff
from services.people.persons import find_person

F = TypeVar("F", bound=Callable[..., Any])
COOKIE = "linli_console"
LOGIN_COOKIE = "linli_console_login"
SESSION_TTL = 8 * 3600
LOGIN_TTL = 30 * 60


class CsrfFailed(NotAllowed):
    error = ErrorCode.CSRF_FAILED


@dataclass
class ConsoleSession:
    """What the store holds for one signed-in browser."""

    sid: str
    person_id: int
    account_id: int
    csrf: str
    flash: str | None = None


def _kv() -> Any:
    return current_app.extensions["linli.kv"]


def _key(sid: str) -> str:
    return "console:session:" + hashlib.sha256(sid.encode()).hexdigest()


def _set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True,
                        samesite="Lax", secure=get_settings().is_production)


def _save(sess: ConsoleSession) -> None:
    data = {k: v for k, v in asdict(sess).items() if k != "sid"}
    set_json(_kv(), _key(sess.sid), data, ttl=SESSION_TTL)


def start_session(response: Response, *, person_id: int, account_id: int) -> None:
    """Sign a browser in with a fresh session id (never reuse one from before sign-in)."""
    sess = ConsoleSession(secrets.token_urlsafe(32), person_id, account_id,
                          secrets.token_urlsafe(32))
    _save(sess)
    _set_cookie(response, COOKIE, sess.sid, SESSION_TTL)
    response.delete_cookie(LOGIN_COOKIE, path="/console")


def load_session() -> ConsoleSession | None:
    """Return this browser's console session, if it is signed in."""
    if "console_session" in g:
        return cast(ConsoleSession | None, g.console_session)
    sid = request.cookies.get(COOKIE, "")
    data = get_json(_kv(), _key(sid)) if sid else None
    g.console_session = ConsoleSession(sid=sid, **data) if data else None
    return cast(ConsoleSession | None, g.console_session)


def end_session(response: Response) -> None:
    """Sign the browser out and forget its session."""
    sess = load_session()
    if sess is not None:
        _kv().delete(_key(sess.sid))
    response.delete_cookie(COOKIE, path="/console")


def flash(message: str) -> None:
    """Keep a one-time message for the next page this browser opens."""
    sess = load_session()
    if sess is not None:
        sess.flash = message
        _save(sess)


def pop_flash() -> str | None:
    """Take the one-time message, if any."""
    sess = load_session()
    if sess is None or sess.flash is None:
        return None
    message, sess.flash = sess.flash, None
    _save(sess)
    return message


def csrf_token() -> str:
    """Return the token the page's forms must send back."""
    sess = load_session()
    if sess is not None:
        return sess.csrf
    token = g.get("login_csrf") or request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    g.login_csrf = token
    return str(token)


def remember_login_csrf(response: Response) -> None:
    """Store the login form's token in its own cookie (double submit)."""
    if "login_csrf" in g:
        _set_cookie(response, LOGIN_COOKIE, g.login_csrf, LOGIN_TTL)


def check_csrf() -> None:
    """Refuse a POST whose form token does not match this browser's token."""
    sent = request.form.get("csrf_token", "")
    sess = load_session()
    expected = sess.csrf if sess is not None else request.cookies.get(LOGIN_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()


def current_staff() -> Person:
    """Return the signed-in staff member (loaded once per request)."""
    person: Person | None = g.get("console_person")
    if person is None:
        sess = load_session()
        person = find_person(db(), person_id=sess.person_id) if sess else None
        if person is None or not is_staff(person):
            if sess is not None:  # no longer staff: this sign-in is over
                _kv().delete(_key(sess.sid))
                g.console_session = None
            raise NotAllowed()
        g.console_person = person
    return person


def current_member() -> Person:
    """Return the signed-in charity admin or staff member (the referrals pages)."""
    sess = load_session()
    person = find_person(db(), person_id=sess.person_id) if sess else None
    if person is None or not (is_staff(person) or person.has_role("charity_admin")):
        if sess is not None:  # no longer allowed in: this sign-in is over
            _kv().delete(_key(sess.sid))
            g.console_session = None
        raise NotAllowed()
    return person


def staff_page(view: F) -> F:
    """Send strangers to the sign-in page; check CSRF on every POST."""
    return _signed_in(view, staff_only=True)


def member_page(view: F) -> F:
    """Like staff_page, for pages a charity's admins use too (their referrals)."""
    return _signed_in(view, staff_only=False)


def _signed_in(view: F, *, staff_only: bool) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        sess = load_session()
        if sess is None:
            return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
        if request.method == "POST":
            check_csrf()
        member = current_member()
        if staff_only and not is_staff(member):
            return redirect(url_for("console.referrals"))  # a charity's admin: their page
        g.console_person = member
        return view(*args, **kwargs)

    return cast(F, wrapper)
