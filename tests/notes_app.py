"""A test-only creating route on the real app, to exercise the shared API conventions.

Every successful call adds one outbox row, so tests can count effects; the text
"boom" raises an unexpected error after the row is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, jsonify

from core.uow import close_unit_of_work, db, finish_unit_of_work
from core.validation import Body, parse_body
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from services.messaging.notifications import enqueue_notification


class NoteBody(Body):
    text: str


def build_notes_app(make_app: Callable[..., Flask], database: Any, store: Any) -> Flask:
    """Return the real app with POST /test/notes (login, idempotency, validation)."""
    bp = Blueprint("notes", __name__, url_prefix="/test")
    bp.after_request(finish_unit_of_work)
    bp.teardown_request(close_unit_of_work)

    @bp.post("/notes")
    @login_required
    @idempotent
    def create_note() -> Any:
        body = parse_body(NoteBody)
        note = enqueue_notification(db(), person_id=current_person().id, template="note",
                                    text=body.text, dedupe_key=uuid.uuid4().hex)
        if body.text == "boom":
            raise RuntimeError("unexpected")
        return jsonify({"id": note.id, "text": note.text}), 201

    app = make_app(database, store)
    app.register_blueprint(bp)
    return app
