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
from core.envelope import envelope, render_error, render_http, request_id
from core.errors import ErrorCode, LinliError, ServiceUnavailable
from core.kv import KV, build_kv, use_kv
from core.logs import configure_logging

logger = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-_.]{8,64}$")


def _render_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return render_http(error)
    if core_db.is_unavailable(error):  # one line, no traceback: an outage would flood the log
        cause = getattr(error, "orig", None) or error
        logger.warning("database unavailable (%s); answered 503", type(cause).__name__)
        return render_error(ServiceUnavailable("系统正在恢复，请过一会儿再试。"))
    logger.exception("unhandled error")
    internal = ErrorCode.INTERNAL_ERROR
    return envelope(500, internal.name, internal.message)


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
    app.register_error_handler(HTTPException, render_http)
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
