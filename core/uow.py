"""One unit of work per HTTP request (the API and the console): the session commits on success."""

from __future__ import annotations

import logging

from flask import Response, g
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.db import is_unavailable, new_session
from core.errors import Conflict, LinliError, ServiceUnavailable

logger = logging.getLogger(__name__)


def db() -> Session:
    """Return this request's session, opening it on first use."""
    session: Session | None = g.get("_db")
    if session is None:
        session = g._db = new_session()
    return session


def finish_unit_of_work(response: Response) -> Response:
    """Commit when the response is a success, roll back otherwise (after_request)."""
    session: Session | None = g.pop("_db", None)
    if session is None:
        return response
    try:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    except IntegrityError:
        session.rollback()
        logger.info("commit refused by a constraint")
        return error_response(Conflict())
    except OperationalError as exc:
        session.rollback()
        if is_unavailable(exc):  # one line per request during an outage, no traceback
            logger.warning("commit failed: database unavailable (%s)", type(exc.orig).__name__)
        else:
            logger.exception("commit failed")
        return error_response(ServiceUnavailable())
    finally:
        session.close()
    return response


def close_unit_of_work(_exc: BaseException | None) -> None:
    """Close a session left open by an aborted request (teardown)."""
    session: Session | None = g.pop("_db", None)
    if session is not None:
        session.rollback()
        session.close()


def error_response(error: LinliError) -> Response:
    """Render a domain error in the one envelope."""
    from core.app import render_error

    return render_error(error)
