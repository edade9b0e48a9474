"""WeChat retries: four copies of one booking message → one booking, four identical replies."""

import threading
import time

import pytest
from sqlalchemy import func, select

from bot import dedupe, pipeline
from bot.dialogue_state import user_lock_key
from bot.message import Inbound
from bot.simulator import WeChatSimulator, text_xml
from core import serving
from core.db import session_scope
from models.bot import InboundMessage
from models.meals import MealBooking
from models.messaging import Notification

pytestmark = pytest.mark.integration


@pytest.fixture
def wechat(make_app, db, kv, frozen_clock, demo_people):
    app = make_app(db, kv)
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"])


def bookings() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(MealBooking))


def _ready_to_confirm(wechat) -> str:
    first = wechat.say("demo_elder_wang", "帮我订明天中午的饭，两份，送到家")
    assert "回复数字" in first.content and "1 确认" in first.content
    return text_xml("demo_elder_wang", "1", msg_id="7700001", create_time=1795914000)


def test_four_copies_in_sequence_book_once_and_answer_the_same(wechat):
    confirm = _ready_to_confirm(wechat)
    replies = [wechat.post(confirm) for _ in range(4)]
    assert "订好了" in replies[0].content
    assert len({r.body for r in replies}) == 1
    assert bookings() == 1


def test_four_copies_at_once_book_once_and_answer_the_same(wechat):
    confirm = _ready_to_confirm(wechat)
    replies: list = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        replies.append(wechat.post(confirm))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(replies) == 4 and len({r.body for r in replies}) == 1
    assert "订好了" in replies[0].content
    assert bookings() == 1


def test_the_database_key_guards_even_when_the_store_forgets(wechat, kv, frozen_clock):
    confirm = _ready_to_confirm(wechat)
    first = wechat.post(confirm)
    dedupe.release(kv, Inbound(openid="demo_elder_wang", account="gh", msg_type="text",
                               create_time="1795914000", msg_id="7700001"))
    frozen_clock.advance(seconds=5)  # WeChat retries 5 s later
    again = wechat.post(confirm)
    assert again.body == first.body and bookings() == 1
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)
                        .where(InboundMessage.dedupe_key.like("%7700001"))) == 1


def test_a_slow_reply_answers_success_and_goes_out_as_a_customer_service_message(
        wechat, monkeypatch):
    real = pipeline._converse

    def slow(*args, **kwargs):
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_converse", slow)
    monkeypatch.setattr(pipeline, "BUDGET_SECONDS", 0.2)
    reply = wechat.say("demo_elder_wang", "低保怎么申请")
    assert reply.body == "success"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with session_scope() as s:
            sent = s.scalars(select(Notification).where(Notification.template == "cs_reply")).all()
            if sent:
                break
        time.sleep(0.05)
    assert len(sent) == 1 and "低保" in sent[0].text


def _cs_replies(wait: float = 10) -> list[Notification]:
    deadline = time.monotonic() + wait
    while True:
        with session_scope() as s:
            sent = s.scalars(select(Notification).where(Notification.template == "cs_reply")).all()
        if sent or time.monotonic() > deadline:
            return list(sent)
        time.sleep(0.05)


def test_a_message_that_queued_in_a_rush_answers_success_at_once_and_the_reply_follows(
        wechat, monkeypatch):
    # The message waited in gunicorn's queue longer than a quiet server ever makes one wait.
    monkeypatch.setattr(serving, "waited", lambda: pipeline.SHED_AFTER_QUEUED + 0.5)
    reply = wechat.say("demo_elder_wang", "低保怎么申请")
    assert reply.body == "success"
    sent = _cs_replies()
    assert len(sent) == 1 and "低保" in sent[0].text


def test_time_spent_queued_shortens_the_wait_for_a_passive_reply(wechat, monkeypatch):
    real = pipeline._converse

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_converse", slow)
    monkeypatch.setattr(pipeline, "BUDGET_SECONDS", 3.0)
    monkeypatch.setattr(pipeline, "SHED_AFTER_QUEUED", 10.0)  # not a rush: only the budget shrinks
    # At least 0.3 s of work cannot fit the 0.2 s left of a 3 s budget after 2.8 s in the
    # queue; with no time queued it has 2.7 s of slack, so a slow CI machine does not flip it.
    monkeypatch.setattr(serving, "waited", lambda: 2.8)
    assert wechat.say("demo_elder_wang", "低保怎么申请").body == "success"
    assert len(_cs_replies()) == 1
    monkeypatch.setattr(serving, "waited", lambda: 0.0)  # the same work, no time queued
    assert wechat.say("demo_elder_wang", "助餐补贴标准是多少").body != "success"


def test_a_message_behind_a_busy_sender_is_answered_through_the_outbox_not_dropped(
        wechat, kv, monkeypatch):
    monkeypatch.setattr(pipeline, "BUDGET_SECONDS", 0.3)
    openid = "demo_elder_wang"
    token = kv.acquire_lock(user_lock_key(openid), 30)  # the sender's previous turn is still running
    assert wechat.say(openid, "低保怎么申请").body == "success"
    time.sleep(0.5)  # longer than the turn may wait for the lock
    kv.release_lock(user_lock_key(openid), token)
    sent = _cs_replies()
    assert len(sent) == 1 and "低保" in sent[0].text


def test_a_turn_that_only_reads_leaves_no_message_in_the_database(wechat):
    reply = wechat.say("demo_elder_wang", "你好")
    assert reply.status == 200 and reply.content
    wechat.say("demo_elder_wang", "帮助")
    with session_scope() as s:
        logged = s.scalars(select(InboundMessage.msg_type)
                           .where(InboundMessage.openid == "demo_elder_wang")).all()
    assert len(logged) <= 1  # at most the first message, which opened the 48-hour window


def test_a_late_copy_gets_the_logged_reply_even_when_the_store_lost_everything(wechat, kv,
                                                                             frozen_clock):
    confirm = _ready_to_confirm(wechat)
    first = wechat.post(confirm)
    kv.clear()  # the store restarted: no reply, no dialogue state, no marks
    frozen_clock.advance(seconds=10)
    again = wechat.post(confirm)
    assert again.body == first.body and bookings() == 1
