import threading
from datetime import timedelta

import pytest

from core import clock
from core.db import session_scope
from core.wechat import AppCredentials, WeChatClient
from models.messaging import Notification
from scheduler.dispatcher import dispatch_due_notifications
from services.messaging import channels, outbox
from services.messaging.channel_ladder import ChannelPlanner, deliver
from services.messaging.notifications import enqueue_notification
from tests.factories import make_person

pytestmark = pytest.mark.integration
CUSTOM = "/cgi-bin/message/custom/send"
SUBSCRIBE = "/cgi-bin/message/subscribe/bizsend"
TEMPLATE = "/cgi-bin/message/template/send"


@pytest.fixture
def client(fake_wechat, memory_kv):
    return WeChatClient(base_url=fake_wechat.url, official=AppCredentials("wx_oa", "s"),
                        miniprogram=AppCredentials("wx_mp", "s"), kv=memory_kv,
                        timeout=2.0, backoff=0.01)


def _person(*, wrote_hours_ago=None, credits=()):
    with session_scope() as s:
        person = make_person(s)
        if wrote_hours_ago is not None:
            channels.touch_interaction(s, person_id=person.id,
                                       at=clock.now() - timedelta(hours=wrote_hours_ago))
        channels.record_subscribe_credits(s, person_id=person.id, template_ids=list(credits))
        return person.id, person.oa_openid


def _enqueue(person_id, key, *, template="meal_reminder", text="明天午餐别忘了", **payload):
    with session_scope() as s:
        return enqueue_notification(s, person_id=person_id, template=template, text=text,
                                    dedupe_key=key, payload=payload).id


def _row(nid):
    with session_scope() as s:
        return s.get(Notification, nid)


def test_inside_the_window_a_customer_service_message_goes_out(db, frozen_clock, client,
                                                               fake_wechat):
    pid, openid = _person(wrote_hours_ago=47)
    nid = _enqueue(pid, "n1")
    assert dispatch_due_notifications(client) == 1
    sent = fake_wechat.requests_to(CUSTOM)
    assert [(r["body"]["touser"], r["body"]["text"]["content"]) for r in sent] == [
        (openid, "明天午餐别忘了")]
    row = _row(nid)
    assert (row.status, row.channel, row.sent_at) == ("sent", "cs", clock.now())
    assert dispatch_due_notifications(client) == 0
    assert len(fake_wechat.requests_to(CUSTOM)) == 1


@pytest.mark.parametrize("errcode", [45015, 45047])
def test_a_closed_window_falls_to_a_subscribe_message_spending_one_credit(
        db, frozen_clock, client, fake_wechat, errcode):
    pid, _ = _person(wrote_hours_ago=1, credits=["sub_meal_reminder"])
    fake_wechat.script(CUSTOM, {"errcode": errcode})
    first, second = _enqueue(pid, "n1"), _enqueue(pid, "n2")
    dispatch_due_notifications(client)
    assert _row(first).channel == "subscribe"
    assert _row(second).channel == "template"  # window closed, credit spent
    assert len(fake_wechat.requests_to(CUSTOM)) == 1
    assert len(fake_wechat.requests_to(SUBSCRIBE)) == 1
    with session_scope() as s:
        assert not channels.has_subscribe_credit(s, person_id=pid, template_id="sub_meal_reminder")


def test_no_credit_answer_spends_the_credit_and_falls_to_a_template(db, frozen_clock, client,
                                                                   fake_wechat):
    pid, _ = _person(credits=["sub_meal_reminder", "sub_meal_reminder"])
    fake_wechat.script(SUBSCRIBE, {"errcode": 43101})
    nid = _enqueue(pid, "n1", meal="午餐·阳光社区助餐点", menu="红烧鱼、青菜豆腐汤、米饭、蒸南瓜和一份时令水果拼盘")
    dispatch_due_notifications(client)
    assert _row(nid).channel == "template"
    with session_scope() as s:
        assert not channels.has_subscribe_credit(s, person_id=pid, template_id="sub_meal_reminder")
    data = fake_wechat.requests_to(TEMPLATE)[0]["body"]["data"]
    assert data["thing1"]["value"] == "午餐·阳光社区助餐点"
    assert len(data["thing3"]["value"]) == 20 and data["thing3"]["value"].endswith("…")
    assert data["date2"]["value"] == "2026年11月29日 09:00"  # no meal date given: when it is due


def test_with_no_channel_it_waits_for_the_persons_next_message(db, frozen_clock, client,
                                                               fake_wechat):
    pid, openid = _person(wrote_hours_ago=50)
    reply = _enqueue(pid, "n1", template="cs_reply", text="您问的助餐点在3号楼。")
    fake_wechat.script(TEMPLATE, {"errcode": 43004})
    notice = _enqueue(pid, "n2", template="help_status", text="您的求助已受理")
    dispatch_due_notifications(client)
    assert _row(reply).status == _row(notice).status == "waiting"
    assert dispatch_due_notifications(client) == 0
    with session_scope() as s:  # what the bot does when the person writes
        channels.touch_interaction(s, person_id=pid, at=clock.now())
        assert outbox.release_waiting_notifications(s, person_id=pid) == 2
    dispatch_due_notifications(client)
    assert _row(reply).status == _row(notice).status == "sent"
    texts = sorted(r["body"]["text"]["content"] for r in fake_wechat.requests_to(CUSTOM))
    assert texts == ["您的求助已受理", "您问的助餐点在3号楼。"]


def test_busy_wechat_is_retried_later_then_given_up_as_dead(db, frozen_clock, client,
                                                           fake_wechat):
    pid, _ = _person(wrote_hours_ago=1)
    nid = _enqueue(pid, "n1")
    fake_wechat.script(CUSTOM, *[{"errcode": -1}] * 3 * outbox.MAX_ATTEMPTS)
    dispatch_due_notifications(client)
    row = _row(nid)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == clock.now() + outbox.RETRY_BASE
    assert dispatch_due_notifications(client) == 0  # not before its next attempt
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        frozen_clock.advance(hours=2)
        dispatch_due_notifications(client)
    row = _row(nid)
    assert (row.status, row.attempts) == ("dead", outbox.MAX_ATTEMPTS)
    assert "-1" in row.last_error


def test_a_permanent_error_is_dead_at_once(db, frozen_clock, client, fake_wechat):
    pid, _ = _person(wrote_hours_ago=1)
    nid = _enqueue(pid, "n1")
    fake_wechat.script(CUSTOM, {"errcode": 47003, "errmsg": "argument invalid"})
    dispatch_due_notifications(client)
    row = _row(nid)
    assert (row.status, row.attempts) == ("dead", 1)
    assert "47003" in row.last_error


def test_quota_exceeded_postpones_without_spending_an_attempt(db, frozen_clock, client,
                                                              fake_wechat):
    pid, _ = _person(wrote_hours_ago=1)
    nid = _enqueue(pid, "n1")
    fake_wechat.script(CUSTOM, {"errcode": 45009})
    dispatch_due_notifications(client)
    row = _row(nid)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == clock.now() + outbox.QUOTA_DELAY


def test_a_crash_between_send_and_mark_sends_at_most_one_duplicate(db, frozen_clock, client,
                                                                   fake_wechat):
    pid, _ = _person(wrote_hours_ago=1)
    nid = _enqueue(pid, "n1")
    with session_scope() as s:
        [claim] = outbox.claim_due_notifications(s, now=clock.now())
    with session_scope() as s:
        planner = ChannelPlanner.load(s, person_ids={pid}, now=clock.now())
    outcome = deliver(client, claim, planner.rungs(claim))  # ...and the dispatcher dies here
    assert dispatch_due_notifications(client) == 0  # the claim is still live
    frozen_clock.advance(seconds=outbox.CLAIM_LEASE.total_seconds() + 1)
    assert dispatch_due_notifications(client) == 1
    with session_scope() as s:
        assert not outbox.mark_outcome(s, claim=claim, outcome=outcome, now=clock.now())
    assert _row(nid).status == "sent"
    assert len(fake_wechat.requests_to(CUSTOM)) == 2


def test_parallel_dispatchers_send_each_notification_once(db, client, fake_wechat):
    people = [_person(wrote_hours_ago=1)[0] for _ in range(12)]
    with session_scope() as s:
        for i in range(120):
            enqueue_notification(s, person_id=people[i % 12], template="cs_reply",
                                 text=f"第{i}条", dedupe_key=f"p{i}")
    threads = [threading.Thread(target=dispatch_due_notifications, args=(client,),
                                kwargs={"batch_size": 7}) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    texts = [r["body"]["text"]["content"] for r in fake_wechat.requests_to(CUSTOM)]
    assert sorted(texts) == sorted(f"第{i}条" for i in range(120))
    with session_scope() as s:
        assert all(_row(n).status == "sent" for n in range(1, 121))


def test_the_window_cap_holds_within_one_batch(db, frozen_clock, client, fake_wechat):
    pid, _ = _person(wrote_hours_ago=1)
    for i in range(channels.SERVICE_WINDOW_LIMIT + 3):
        _enqueue(pid, f"w{i}")
    dispatch_due_notifications(client, batch_size=100)
    assert len(fake_wechat.requests_to(CUSTOM)) == channels.SERVICE_WINDOW_LIMIT
    assert len(fake_wechat.requests_to(TEMPLATE)) == 3


def test_a_reminder_whose_moment_passed_is_cancelled_not_sent_late(db, frozen_clock, client,
                                                                    fake_wechat):
    pid, _ = _person()
    fake_wechat.script(TEMPLATE, {"errcode": 43004}, {"errcode": 43004})
    meal = _enqueue(pid, "m1", text="今天午餐别忘了")
    notice = _enqueue(pid, "h1", template="help_status", text="您的求助已受理")
    dispatch_due_notifications(client)
    frozen_clock.advance(days=1)
    with session_scope() as s:
        assert outbox.release_waiting_notifications(s, person_id=pid) == 1
    assert (_row(meal).status, _row(notice).status) == ("cancelled", "pending")
