from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.auth import ApiToken, IdempotencyRecord
from models.messaging import Notification
from scheduler.jobs import JOBS
from services.messaging.notifications import enqueue_notification
from tests.factories import make_person

pytestmark = pytest.mark.integration


def test_cleanup_job_removes_only_what_has_expired(db, frozen_clock):
    now = clock.now()
    with session_scope() as s:
        person = make_person(s)
        for key, age in (("old", 25), ("fresh", 23)):
            s.add(IdempotencyRecord(person_id=person.id, key=key, request_hash="h",
                                    status_code=201, response={}, created_at=now - timedelta(hours=age)))
        for hash_, expires, revoked in (("expired", -1, None), ("revoked", 5, now - timedelta(days=2)),
                                        ("live", 5, None)):
            s.add(ApiToken(token_hash=hash_, person_id=person.id, created_at=now, last_used_at=now,
                           expires_at=now + timedelta(days=expires), revoked_at=revoked))
        for key in ("sent-old", "sent-new", "dead-old"):
            n = enqueue_notification(s, person_id=person.id, template="t", text="您好", dedupe_key=key)
            n.status = "dead" if key.startswith("dead") else "sent"
    with session_scope() as s:
        s.get(Notification, 1).updated_at = now - timedelta(days=91)
        s.get(Notification, 3).updated_at = now - timedelta(days=91)
    frozen_clock.advance(seconds=1)
    job = next(j for j in JOBS if j.id == "cleanup")
    assert job.func() == {"idempotency_records": 1}
    with session_scope() as s:
        assert s.scalars(select(IdempotencyRecord.key)).all() == ["fresh"]
        # Logins and sent messages are network logs now kept 180 days (tests/integration/test_retention.py).
        assert len(s.scalars(select(ApiToken.token_hash)).all()) == 3
        assert len(s.scalars(select(Notification.dedupe_key)).all()) == 3
