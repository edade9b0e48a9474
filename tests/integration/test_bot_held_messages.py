"""A message put off in a rush is held in the database before `success`, and answered once even if its worker stops."""

import threading

import pytest
from sqlalchemy import select

from bot import pipeline, turnstore
from bot.dialogue_state import user_lock_key
from bot.simulator import WeChatSimulator
from core import serving
from core.db import session_scope
from models.bot import InboundMessage
from models.messaging import Notification

pytestmark = pytest.mark.integration


@pytest.fixture
def wechat(make_app, db, kv, frozen_clock, demo_people):
    app = make_app(db, kv)
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"])


class _StoppedPool:
    """The later pool of a worker that stops before it runs what it was given."""

    class _Queue:
        def qsize(self) -> int:
            return 0

    _work_queue = _Queue()

    def submit(self, *args, **kwargs) -> None:
        return None


def _cs_replies() -> list[Notification]:
    with session_scope() as s:
        return list(s.scalars(select(Notification).where(Notification.template == "cs_reply")))


def _logged(openid: str) -> list[tuple[str, str | None]]:
    with session_scope() as s:
        rows = s.execute(select(InboundMessage.reply_mode, InboundMessage.content)
                         .where(InboundMessage.openid == openid))
        return [(mode, content) for mode, content in rows]


def _shed_and_stop(wechat, monkeypatch, openid: str, text: str) -> None:
    """Send a message in a rush to a worker whose later pool is lost."""
    monkeypatch.setattr(serving, "waited", lambda: pipeline.SHED_AFTER_QUEUED + 0.5)
    monkeypatch.setattr(pipeline, "_later", lambda: _StoppedPool())
    assert wechat.say(openid, text).body == "success"
    monkeypatch.undo()


def test_a_held_message_whose_worker_stopped_is_answered_through_the_outbox_once(
        wechat, kv, frozen_clock, monkeypatch):
    openid = "demo_elder_wang"
    _shed_and_stop(wechat, monkeypatch, openid, "低保怎么申请")
    assert _logged(openid) == [("pending", "低保怎么申请")]  # held before `success` was answered
    assert pipeline.answer_held_messages() == 0  # not held too long yet: its worker may be busy
    kv.delete(user_lock_key(openid))  # the stopped worker's lock on the sender lapses
    frozen_clock.advance(seconds=pipeline.HELD_TOO_LONG.total_seconds() + 1)
    assert pipeline.answer_held_messages() == 1
    sent = _cs_replies()
    assert len(sent) == 1 and "低保" in sent[0].text
    assert [mode for mode, _ in _logged(openid)] == ["outbox"]
    assert pipeline.answer_held_messages() == 0  # settled: nothing runs again
    assert len(_cs_replies()) == 1


def test_a_held_message_run_by_its_own_worker_is_settled_and_not_run_again(
        wechat, kv, frozen_clock, monkeypatch):
    openid = "demo_elder_wang"
    monkeypatch.setattr(serving, "waited", lambda: pipeline.SHED_AFTER_QUEUED + 0.5)
    assert wechat.say(openid, "低保怎么申请").body == "success"
    pipeline._later().shutdown(wait=True)  # the later pool ran it (a new pool starts on demand)
    pipeline._later.cache_clear()
    assert [mode for mode, _ in _logged(openid)] == ["outbox"]
    frozen_clock.advance(seconds=pipeline.HELD_TOO_LONG.total_seconds() + 1)
    assert pipeline.answer_held_messages() == 0
    assert len(_cs_replies()) == 1


def test_two_recoverers_at_once_send_one_reply(wechat, db, kv, frozen_clock, monkeypatch):
    if db.url.startswith("sqlite"):
        pytest.skip("two writers at once: PostgreSQL")
    openid = "demo_elder_wang"
    _shed_and_stop(wechat, monkeypatch, openid, "低保怎么申请")
    frozen_clock.advance(seconds=pipeline.HELD_TOO_LONG.total_seconds() + 1)
    # The store lost the sender's lock: both recoverers get it, and both run the turn.
    monkeypatch.setattr(turnstore, "wait_for_lock",
                        lambda kv, message, wait: turnstore.Opened(lock_token="lost"))
    both_in = threading.Barrier(2)
    real = pipeline._send_later

    def meet_then_send(*args, **kwargs):
        both_in.wait(timeout=10)  # each is inside its own transaction, the reply not yet queued
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_send_later", meet_then_send)
    ran: list[int] = []
    threads = [threading.Thread(target=lambda: ran.append(pipeline.answer_held_messages()))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert ran == [1, 1]
    sent = _cs_replies()
    assert len(sent) == 1 and "低保" in sent[0].text
    assert [mode for mode, _ in _logged(openid)] == ["outbox"]


def test_a_put_off_turn_waits_while_requests_queue_for_a_thread(wechat, monkeypatch):
    """In a rush the threads that must answer within 5 s go first; the put-off turn runs after."""
    openid = "demo_elder_wang"
    monkeypatch.setattr(serving, "waited", lambda: pipeline.SHED_AFTER_QUEUED + 0.5)
    monkeypatch.setattr(pipeline, "LATER_YIELDS_AT_MOST", 30.0)
    serving.request_queued()  # another message waits for a handler thread
    try:
        assert wechat.say(openid, "低保怎么申请").body == "success"
        threading.Event().wait(0.3)
        assert _logged(openid) == [("pending", "低保怎么申请")]  # held, not run yet
        assert _cs_replies() == []
    finally:
        serving.request_taken()  # that request got its thread: the queue is empty
    pipeline._later().shutdown(wait=True)
    pipeline._later.cache_clear()
    assert [mode for mode, _ in _logged(openid)] == ["outbox"]
    assert len(_cs_replies()) == 1
