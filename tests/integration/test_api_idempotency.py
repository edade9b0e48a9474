"""Idempotency-Key under concurrency: one effect, one stored answer, on SQLite and PostgreSQL."""

import threading

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from models.messaging import Notification
from tests.factories import make_person
from tests.notes_app import build_notes_app

pytestmark = pytest.mark.integration


@pytest.fixture
def notes_app(make_app, db, memory_kv):
    """The real app plus one creating route whose every call would add a row."""
    return build_notes_app(make_app, db, memory_kv)


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
