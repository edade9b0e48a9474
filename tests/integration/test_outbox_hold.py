"""After a restore the outbox is held: nothing leaves until an operator releases it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from core import clock
from core.db import session_scope
from core.migrate import alembic_config
from core.wechat import AppCredentials, WeChatClient
from models.messaging import Notification, OutboxHold
from scheduler.dispatcher import dispatch_due_notifications
from services.messaging.notifications import enqueue_notification
from services.messaging.outbox_hold import SKIPPED_NOTE, hold_dispatch, release_outbox_hold
from tests.factories import make_person

HEAD = ScriptDirectory.from_config(alembic_config("")).get_current_head()

pytestmark = pytest.mark.integration
TEMPLATE = "/cgi-bin/message/template/send"


@pytest.fixture
def wechat(fake_wechat, memory_kv) -> WeChatClient:
    return WeChatClient(base_url=fake_wechat.url, official=AppCredentials("wx_oa", "s"),
                        miniprogram=AppCredentials("wx_mp", "s"), kv=memory_kv,
                        timeout=2.0, backoff=0.01)


@pytest.fixture
def held_outbox(db, frozen_clock) -> dict[str, int]:
    """A restored outbox: the backup is a day old; rows due before it, after it, stale, later."""
    now = clock.now()
    taken = now - timedelta(days=1)
    with session_scope() as s:
        person = make_person(s, name="钱大妈")

        def queue(key: str, due, template: str = "generic") -> int:
            return enqueue_notification(s, person_id=person.id, template=template, text=f"消息{key}",
                                        dedupe_key=f"hold:{key}", due_at=due).id

        ids = {"before_backup": queue("before", taken - timedelta(minutes=5)),
               "stale_reminder": queue("stale", taken + timedelta(hours=1), "meal_reminder"),
               "after_backup": queue("after", now - timedelta(hours=1)),
               "later": queue("later", now + timedelta(hours=1))}
        hold_dispatch(s, backup_taken_at=taken, now=now)
    return ids


def _statuses(ids: dict[str, int]) -> dict[str, str]:
    with session_scope(readonly=True) as s:
        return {name: s.get(Notification, nid).status for name, nid in ids.items()}


def test_a_hold_stops_every_dispatcher_and_the_release_sends_only_what_had_not_gone(
        held_outbox, wechat, fake_wechat, frozen_clock):
    assert dispatch_due_notifications(wechat) == 0
    assert fake_wechat.requests_to(TEMPLATE) == []
    with session_scope() as s:
        report = release_outbox_hold(s, now=clock.now(), released_by="值班员小李")
    assert (report.skipped, report.stale, report.to_send) == (1, 1, 2)
    assert dispatch_due_notifications(wechat) == 1
    frozen_clock.advance(hours=2)
    assert dispatch_due_notifications(wechat) == 1
    assert len(fake_wechat.requests_to(TEMPLATE)) == 2
    assert _statuses(held_outbox) == {"before_backup": "dead", "stale_reminder": "cancelled",
                                      "after_backup": "sent", "later": "sent"}
    with session_scope(readonly=True) as s:
        skipped = s.get(Notification, held_outbox["before_backup"])
        assert skipped.last_error == SKIPPED_NOTE  # staff find it among dead letters and may resend


def test_the_operator_says_until_when_the_old_system_sent(held_outbox, wechat, fake_wechat):
    with session_scope() as s:
        report = release_outbox_hold(s, now=clock.now(), released_by="值班员小李",
                                     sent_until=clock.now() - timedelta(minutes=30))
    assert (report.skipped, report.to_send) == (3, 1)
    assert dispatch_due_notifications(wechat) == 0
    assert _statuses(held_outbox)["after_backup"] == "dead"


def test_the_cli_shows_the_hold_releases_it_once_and_seals_the_operator_name(
        held_outbox, make_app, db, memory_kv):
    cli = make_app(db, memory_kv).test_cli_runner()
    shown = cli.invoke(args=["outbox", "status"])
    assert shown.exit_code == 0 and "已暂停" in shown.output and "4 条未发" in shown.output
    bad = cli.invoke(args=["outbox", "release", "--sent-until", "昨天"])
    assert bad.exit_code != 0 and "时间格式不对" in bad.output and "Traceback" not in bad.output
    done = cli.invoke(args=["outbox", "release", "--by", "值班员小李"])
    assert done.exit_code == 0, done.output
    assert "不再发送" in done.output and "其余 2 条按时发送" in done.output
    again = cli.invoke(args=["outbox", "release"])
    assert again.exit_code != 0 and "没有暂停" in again.output
    assert "正常发送" in cli.invoke(args=["outbox", "status"]).output
    with session_scope(readonly=True) as s:
        raw = s.execute(text("SELECT released_by FROM outbox_holds")).scalar()
        assert raw and "小李" not in raw
        assert s.scalars(select(OutboxHold)).one().released_by == "值班员小李"


def test_backup_and_restore_commands_speak_plainly(db, make_app, memory_kv, tmp_path):
    with session_scope() as s:
        make_person(s)
    cli = make_app(db, memory_kv).test_cli_runner()
    path = tmp_path / "b.backup"
    made = cli.invoke(args=["backup", "create", str(path)])
    assert made.exit_code == 0 and "备份完成" in made.output and HEAD in made.output
    assert "备份完好" in cli.invoke(args=["backup", "verify", str(path)]).output
    into_self = cli.invoke(args=["backup", "restore", str(path), "--into", db.url])
    assert into_self.exit_code != 0 and "目标数据库不是空的" in into_self.output
    missing = cli.invoke(args=["backup", "verify", str(tmp_path / "none.backup")])
    assert missing.exit_code != 0 and "找不到备份文件" in missing.output


def test_an_operator_can_hold_the_outbox_by_hand(db, make_app, memory_kv, wechat, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        enqueue_notification(s, person_id=person.id, template="generic", text="您好",
                             dedupe_key="by-hand")
    cli = make_app(db, memory_kv).test_cli_runner()
    held = cli.invoke(args=["outbox", "hold", "--data-until", "2026-11-29T08:00:00+08:00"])
    assert held.exit_code == 0 and "已暂停" in held.output
    assert dispatch_due_notifications(wechat) == 0
    released = cli.invoke(args=["outbox", "release"])
    assert released.exit_code == 0 and "0 条不再发送" in released.output
    assert dispatch_due_notifications(wechat) == 1
