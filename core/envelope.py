"""The one error envelope: every refusal rendered from the catalogue in core/errors.py.

`{"code", "message", "request_id"}` (plus `fields` or `scopes` where a domain
error carries them) with the entry's HTTP status, whether the error was raised by
a service or refused by the framework (no route, wrong method); core/app.py
answers the unexpected ones through `envelope` too.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify
from werkzeug.exceptions import HTTPException

from core.errors import HTTP_STATUS_CODES, ErrorCode, LinliError


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


def render_http(error: HTTPException) -> Response:
    """Render a refusal from the framework (404 no route, 405 wrong method, ...)."""
    status = error.code or 500
    entry = HTTP_STATUS_CODES.get(status, ErrorCode.HTTP_ERROR)
    response = envelope(status, entry.name, entry.message)
    if status == 405 and error.get_headers():
        for name, value in error.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response
