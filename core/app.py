"""The door-agnostic Flask application: settings, database, store, error contract, health.

The doors are registered on it above core, in `app.py`.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from flask import Flask, Response, g, jsonify, request
from flask.sessions import NullSession, SessionInterface
from werkzeug.exceptions import HTTPException

from core import db as core_db
from core.bodies import StalledBodyGuard
from core.config import Settings, get_settings, use_settings
from core.errors import LinliError, ServiceUnavailable
from core.kv import KV, build_kv, use_kv
from core.logs import configure_logging

logger = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-_.]{8,64}$")
_HTTP_CODES = {
    400: ("BAD_REQUEST", "请求有误，请检查后重试。"),
    401: ("UNAUTHENTICATED", "请先登录。"),
    403: ("FORBIDDEN", "您没有权限做这件事。"),
    404: ("NOT_FOUND", "没有找到要找的内容。"),
    405: ("METHOD_NOT_ALLOWED", "不支持这种请求方式。"),
    409: ("CONFLICT", "操作冲突，请刷新后重试。"),
    413: ("PAYLOAD_TOO_LARGE", "提交的内容太大了。"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请用 JSON 格式提交。"),
    429: ("RATE_LIMITED", "操作太频繁，请稍后再试。"),
}


def request_id() -> str:
    """Return this request's id (from X-Request-ID when well-formed)."""
    return str(g.get("request_id", "-"))


def envelope(status: int, code: str, message: str, **extra: Any) -> Response:
    """Render the one error envelope."""
    body = {"code": code, "message": message, "request_id": request_id(), **extra}
    response = jsonify(body)
    response.status_code = status
    return response


def render_error(error: LinliError) -> Response:
    """Render a domain error with its status, code and Chinese message."""
    body = error.to_dict()
    response = envelope(error.status, body.pop("code"), body.pop("message"), **body)
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _render_http(error: HTTPException) -> Response:
    status = error.code or 500
    code, message = _HTTP_CODES.get(status, ("HTTP_ERROR", "请求无法完成。"))
    response = envelope(status, code, message)
    if status == 405 and error.get_headers():
        for name, value in error.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


def _render_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _render_http(error)
    if core_db.is_unavailable(error):  # one line, no traceback: an outage would flood the log
        cause = getattr(error, "orig", None) or error
        logger.warning("database unavailable (%s); answered 503", type(cause).__name__)
        return render_error(ServiceUnavailable("系统正在恢复，请过一会儿再试。"))
    logger.exception("unhandled error")
    return envelope(500, "INTERNAL_ERROR", "系统出了点问题，请稍后再试。")


def _install_request_hooks(app: Flask) -> None:
    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id()
        return response


class NoCookieSessions(SessionInterface):
    """No state in Flask's signed cookie: the console keeps its own sessions server-side.

    Flask would otherwise build a signing serializer for every request,
    WeChat's messages included.
    """

    def open_session(self, app: Flask, request: Any) -> NullSession:
        return NullSession()

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


def _install_error_handlers(app: Flask) -> None:
    app.register_error_handler(LinliError, render_error)
    app.register_error_handler(HTTPException, _render_http)
    app.register_error_handler(Exception, _render_unexpected)


def _install_health(app: Flask, kv: KV) -> None:
    @app.get("/healthz")
    def healthz() -> Any:
        """Report whether the database and the shared store answer."""
        db_state = core_db.check_database()
        try:
            kv_state = "ok" if kv.ping() else "error"
        except Exception:  # health checks report, never raise
            kv_state = "error"
        status = "ok" if db_state == kv_state == "ok" else "degraded"
        body = {"status": status, "db": db_state, "kv": kv_state}
        return jsonify(body), 200 if status == "ok" else 503


def build_app(settings: Settings | None = None, *, kv: KV | None = None) -> Flask:
    """Build the door-agnostic web application: settings, database, store, errors, health.

    It serves no door: `app.create_app` registers the doors' blueprints and commands on it.
    """
    settings = use_settings(settings or get_settings())
    configure_logging(settings.log_level)
    core_db.configure_database(settings.database_url)
    store = use_kv(kv or build_kv(settings.redis_url, settings.kv_prefix))
    app = Flask("linli")
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=1024 * 1024)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.session_interface = NoCookieSessions()
    app.extensions["linli.settings"] = settings
    app.extensions["linli.kv"] = store
    # A body that stalls is cut off before it can hold a worker thread (core/bodies.py).
    app.wsgi_app = StalledBodyGuard(  # type: ignore[method-assign]
        app.wsgi_app, max_length=app.config["MAX_CONTENT_LENGTH"])
    _install_request_hooks(app)
    _install_error_handlers(app)
    _install_health(app, store)
    return app
