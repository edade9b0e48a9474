"""The console tells staff when a restore holds the outbox, and how many messages wait."""

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import session_scope
from models.messaging import Notification
from services.messaging.notifications import enqueue_notification
from services.messaging.outbox_hold import hold_dispatch, release_outbox_hold
from tests.console_client import login

pytestmark = pytest.mark.e2e
BANNER = "自动消息暂停发送"


def test_every_page_shows_the_hold_until_it_is_released(client, demo_people):
    login(client)
    assert BANNER not in client.get("/console/").get_data(as_text=True)
    with session_scope() as s:
        for n in range(2):
            enqueue_notification(s, person_id=demo_people["demo_elder_li"], template="generic",
                                 text="您好", dedupe_key=f"banner:{n}")
        hold_dispatch(s, backup_taken_at=clock.now(), now=clock.now())
        waiting = s.scalar(select(func.count()).select_from(Notification).where(
            Notification.status.in_(("pending", "sending", "waiting"))))
    assert waiting >= 2
    for path in ("/console/", "/console/alerts"):
        page = client.get(path).get_data(as_text=True)
        assert BANNER in page and f"{waiting} 条未发" in page
    with session_scope() as s:
        release_outbox_hold(s, now=clock.now(), released_by="值班员")
    assert BANNER not in client.get("/console/alerts").get_data(as_text=True)
