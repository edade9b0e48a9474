"""Sign in and out of the console."""

from __future__ import annotations

from typing import Any

from flask import make_response, redirect, render_template, request, url_for

from console import bp
from console.session import check_csrf, end_session, load_session, start_session
from core.db import session_scope
from core.kv import get_kv
from services.access.staff_accounts import check_staff_login


def _safe_next(raw: str | None) -> str:
    """Only follow a `next` that stays inside the console."""
    if raw and raw.startswith("/console") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return url_for("console.dashboard")


@bp.get("/login")
def login() -> Any:
    """Show the sign-in form (or go on when already signed in)."""
    if load_session() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", message=None, username="",
                           next_url=request.args.get("next", ""))


@bp.post("/login")
def login_submit() -> Any:
    """Check the username and password; limit failures per (username, address) and per address."""
    check_csrf()
    username = request.form.get("username", "")[:64]
    # Its own unit of work, so a failed attempt is counted even though the page says no.
    with session_scope() as s:
        outcome = check_staff_login(s, kv=get_kv(), username=username,
                                    password=request.form.get("password", "")[:256],
                                    address=request.remote_addr or "")
    if outcome.person_id is None or outcome.account_id is None:
        page = render_template("console/login.html", message=outcome.message, username=username,
                               next_url=request.form.get("next", ""))
        return page, 200
    response = make_response(redirect(_safe_next(request.form.get("next"))))
    start_session(response, person_id=outcome.person_id, account_id=outcome.account_id)
    return response


@bp.post("/logout")
def logout() -> Any:
    """Sign out and return to the sign-in page."""
    check_csrf()
    response = make_response(redirect(url_for("console.login")))
    end_session(response)
    return response
