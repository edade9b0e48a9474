"""Retention rules enforced by the daily job: what expired goes, once, in batches; floors hold."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import session_scope
from core.errors import ValidationFailed
from models.auth import ApiToken
from models.bot import InboundMessage
from models.help_requests import HelpRequest, HelpRequestEvent
from models.messaging import Notification
from models.rights import RetentionRun
from scheduler.jobs import JOBS
from services.help_requests.events import record_event
from services.messaging.notifications import enqueue_notification
from services.rights import retention
from tests.factories import make_person
from tests.help_factories import submit

pytestmark = pytest.mark.integration


def _seed() -> dict[str, int]:
    """Rows of every kind the rules watch, all written today."""
    now = clock.now()
    with session_scope() as s:
        person = make_person(s, name="保存期限")
        for i in range(3):
            s.add(InboundMessage(dedupe_key=f"r{i}", openid="o", person_id=person.id, msg_type="text",
                                 content="原话私密", reply_xml="<xml/>", received_at=now))
        for key, status in (("sent", "sent"), ("pending", "pending"), ("dead", "dead")):
            n = enqueue_notification(s, person_id=person.id, template="t", text="您好", dedupe_key=key)
            n.status = status
        s.add(ApiToken(token_hash="old", person_id=person.id, created_at=now, last_used_at=now,
                       expires_at=now))
        done = submit(s, person, description="修水管私密", address="和睦路1号")
        record_event(s, help_request=done, actor_id=None, note="师傅说水管私密")
        done.status, done.closed_at = "closed", now
        open_one = submit(s, person, category="medical", description="还没办完")
        return {"done": done.id, "open": open_one.id, "person": person.id}


def _count(model: type) -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_nothing_goes_before_its_time_and_everything_after(db, frozen_clock):
    ids = _seed()
    job = next(j for j in JOBS if j.id == "retention")
    frozen_clock.advance(days=59)
    assert job.func() == {code: 0 for code in (r.code for r in retention.RULES)}
    frozen_clock.advance(days=2)  # day 61: the words of chat messages go, the log line stays
    assert job.func()["chat_message_text"] == 3
    with session_scope() as s:
        assert s.scalars(select(InboundMessage.content)).all() == [None, None, None]
    frozen_clock.advance(days=120)  # day 181: logs, delivered messages and old logins go
    counts = job.func()
    assert (counts["chat_message_log"], counts["notifications_done"], counts["login_records"]) == (3, 2, 1)
    assert _count(InboundMessage) == 0 and _count(ApiToken) == 0
    with session_scope() as s:
        assert "pending" in s.scalars(select(Notification.dedupe_key)).all()
        assert not {"sent", "dead"} & set(s.scalars(select(Notification.dedupe_key)))
        assert s.get_one(HelpRequest, ids["done"]).description == "修水管私密"
    frozen_clock.advance(days=3 * 365)
    assert job.func()["help_requests_closed"] == 1
    with session_scope() as s:
        done, still = s.get_one(HelpRequest, ids["done"]), s.get_one(HelpRequest, ids["open"])
        assert (done.description, done.address, done.code[:3]) == ("[已注销]", None, "QZ-")
        assert still.description == "还没办完"
        notes = s.scalars(select(HelpRequestEvent.note).where(HelpRequestEvent.request_id == done.id))
        assert set(notes) == {None}


def test_the_days_run_once_even_when_two_schedulers_fire(db, frozen_clock):
    _seed()
    frozen_clock.advance(days=200)
    job = next(j for j in JOBS if j.id == "retention")
    first = job.func()
    assert first is not None and first["chat_message_log"] == 3
    assert job.func() is None  # the second scheduler at the hand-over: already done today
    with session_scope() as s:
        run = s.scalars(select(RetentionRun)).one()
        assert run.finished_at is not None and run.counts == first


def test_batches_take_everything_in_several_units_of_work(db, frozen_clock):
    _seed()
    frozen_clock.advance(days=200)
    counts = retention.enforce_retention(session_scope, now=clock.now(), kind="manual", batch_size=2)
    assert counts is not None and counts["chat_message_log"] == 3 and _count(InboundMessage) == 0


def test_a_dry_run_counts_and_changes_nothing(db, frozen_clock):
    _seed()
    frozen_clock.advance(days=200)
    counts = retention.enforce_retention(session_scope, now=clock.now(), dry_run=True)
    assert counts is not None and counts["chat_message_log"] == 3
    assert _count(InboundMessage) == 3 and _count(RetentionRun) == 0


def test_configured_days_apply_but_never_below_the_legal_floor():
    days = {r.code: r.days for r in retention.rules("chat_message_text=30, help_requests_closed=730")}
    assert (days["chat_message_text"], days["help_requests_closed"]) == (30, 730)
    for bad in ("chat_message_log=90", "login_records=0", "nosuch=10", "chat_message_text=abc"):
        with pytest.raises(ValidationFailed):
            retention.rules(bad)


def test_the_cli_dry_run_reports_counts_and_the_run_applies_them(make_app, db, memory_kv, frozen_clock):
    _seed()
    frozen_clock.advance(days=200)
    cli = make_app(db, memory_kv).test_cli_runner()
    dry = cli.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "chat_message_log: 3" in dry.output and "试运行" in dry.output
    assert _count(InboundMessage) == 3
    done = cli.invoke(args=["retention", "run"])
    assert done.exit_code == 0 and "chat_message_log: 3" in done.output
    assert _count(InboundMessage) == 0
    rules = cli.invoke(args=["retention", "rules"])
    assert "网络安全法第21条" in rules.output
