"""Idempotency-Key under concurrency: one effect, one stored answer, on SQLite and PostgreSQL."""

import threading
import uuid

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import func, select

from core.db import session_scope
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.uow import close_unit_of_work, finish_unit_of_work
from miniprogram_api.uow import db as request_db
from miniprogram_api.validation import Body, parse_body
from models.messaging import Notification
from services.notifications import enqueue_notification
from tests.factories import make_person

pytestmark = pytest.mark.integration


class NoteBody(Body):
    text: str


@pytest.fixture
def notes_app(make_app, db, memory_kv):
    """The real app plus one creating route whose every call would add a row."""
    bp = Blueprint("notes", __name__, url_prefix="/test")
    bp.after_request(finish_unit_of_work)
    bp.teardown_request(close_unit_of_work)

    @bp.post("/notes")
    @login_required
    @idempotent
    def create_note():
        body = parse_body(NoteBody)
        note = enqueue_notification(request_db(), person_id=current_person().id, template="note",
                                    text=body.text, dedupe_key=uuid.uuid4().hex)
        return jsonify({"id": note.id, "text": note.text}), 201

    app = make_app(db, memory_kv)
    app.register_blueprint(bp)
    return app


def _race(app, headers, bodies):
    results = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def post(i):
        client = app.test_client()
        barrier.wait()
        response = client.post("/test/notes", json=bodies[i], headers=headers)
        results[i] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_concurrent_retries_make_one_row_and_one_answer(notes_app, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    headers = {"Authorization": f"Bearer {token_for(person_id)}", "Idempotency-Key": "race-0001"}
    results = _race(notes_app, headers, [{"text": "同一个"}] * 8)
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    with session_scope(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 1


def test_concurrent_different_bodies_under_one_key_get_409(notes_app, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    headers = {"Authorization": f"Bearer {token_for(person_id)}", "Idempotency-Key": "race-0002"}
    results = _race(notes_app, headers, [{"text": "甲"}, {"text": "乙"}] * 3)
    statuses = sorted(status for status, _ in results)
    winners = {body["text"] for status, body in results if status == 201}
    assert len(winners) == 1 and statuses.count(409) == 3 and statuses.count(201) == 3
    with session_scope(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_same_key_is_separate_for_each_person(notes_app, token_for):
    with session_scope() as s:
        ids = [make_person(s).id, make_person(s).id]
    for person_id in ids:
        client = notes_app.test_client()
        headers = {"Authorization": f"Bearer {token_for(person_id)}", "Idempotency-Key": "shared-01"}
        assert client.post("/test/notes", json={"text": "x"}, headers=headers).status_code == 201
    with session_scope(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 2
