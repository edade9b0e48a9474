"""The staff web console (民政服务站工作台) at /console: server-rendered pages in Chinese.

Each page lives in its own views module, and `console.routes` imports it;
importing it attaches its routes to `bp`, so the app registers `console.routes.bp`. One unit of work per request (the same as the mini-program API), an
HTML error page for domain errors, CSRF on every POST (console.session).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, redirect, render_template, url_for

from console.session import csrf_token, pop_flash, remember_login_csrf
from core import clock
from core.errors import LinliError
from core.uow import close_unit_of_work, finish_unit_of_work

bp = Blueprint("console", __name__, url_prefix="/console",
               template_folder="templates", static_folder="static")
bp.after_request(finish_unit_of_work)
bp.teardown_request(close_unit_of_work)

@bp.after_request
def _secure_headers(response: Response) -> Response:
    """Keep console pages out of frames and caches; allow only our own scripts and styles."""
    remember_login_csrf(response)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'",
    )
    return response


@bp.app_template_global("csrf_token")
def _csrf_token() -> str:
    return csrf_token()


@bp.app_template_global("console_flash")
def _console_flash() -> str | None:
    return pop_flash()


@bp.app_template_global("today")
def _today() -> date:
    return clock.today()


@bp.app_template_global("layer_names")
def _layer_names() -> dict[str, str]:
    """The assistance layers (分层分类救助) by code, in the policy's order."""
    from models.help_requests import LAYER_NAMES

    return LAYER_NAMES


@bp.app_template_filter("layer_name")
def _layer_name(layer: str | None) -> str:
    """Show a layer code as its Chinese name, or 未分层."""
    from models.help_requests import LAYER_NAMES

    return LAYER_NAMES.get(layer or "", "未分层")


@bp.app_template_filter("local_time")
def _local_time(value: datetime | None) -> str:
    """Show a time as Shanghai wall-clock time, e.g. 11月29日 09:05."""
    if value is None:
        return ""
    local = clock.as_aware(value).astimezone(clock.LOCAL_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


@bp.app_template_filter("iso_local")
def _iso_local(value: str | None) -> str:
    """Show an ISO timestamp as Shanghai wall-clock time."""
    return _local_time(datetime.fromisoformat(value)) if value else ""


@bp.app_template_filter("yuan")
def _yuan(fen: int | None) -> str:
    """Show fen as yuan with two decimals."""
    return f"{(fen or 0) / 100:.2f}"


def _render_error(error: LinliError) -> Any:
    """Render a domain error as a page in the console's look."""
    return render_template("console/error.html", error=error), error.status


bp.register_error_handler(LinliError, _render_error)


def _favicon() -> Any:
    """Answer a browser's /favicon.ico with the console's icon."""
    return redirect(url_for("console.static", filename="favicon.svg"), 301)


bp.record_once(lambda state: state.app.add_url_rule("/favicon.ico", "favicon", _favicon))
