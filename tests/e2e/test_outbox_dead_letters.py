import pytest

from core.db import session_scope
from models.messaging import Notification
from services.messaging.notifications import enqueue_notification

pytestmark = pytest.mark.e2e


def _dead(person_id, key, error="template_send 47003 argument invalid"):
    with session_scope() as s:
        n = enqueue_notification(s, person_id=person_id, template="help_status",
                                 text="您的求助已受理", dedupe_key=key)
        n.status, n.attempts, n.last_error = "dead", 1, error
        return n.id


def test_staff_see_their_communitys_dead_letters_and_send_one_again(client, demo_people,
                                                                   token_for):
    wang, li = demo_people["demo_elder_wang"], demo_people["demo_elder_li"]
    mine, theirs = _dead(wang, "d1"), _dead(li, "d2")
    headers = {"Authorization": f"Bearer {token_for(demo_people['demo_staff_liu'])}"}
    listed = client.get("/api/v1/staff/notifications?status=dead", headers=headers).get_json()
    assert [(i["id"], i["last_error"]) for i in listed["items"]] == [
        (mine, "template_send 47003 argument invalid")]
    assert client.post(f"/api/v1/staff/notifications/{theirs}/retry",
                       headers=headers).status_code == 404
    again = client.post(f"/api/v1/staff/notifications/{mine}/retry", headers=headers)
    assert again.status_code == 200
    assert (again.get_json()["status"], again.get_json()["attempts"]) == ("pending", 0)
    with session_scope() as s:
        assert s.get(Notification, mine).status == "pending"
    twice = client.post(f"/api/v1/staff/notifications/{mine}/retry", headers=headers)
    assert twice.status_code == 409 and twice.get_json()["message"] == "只有发送失败的消息才能重发。"
    assert client.get("/api/v1/staff/notifications", headers=headers).get_json()["items"] == []


def test_residents_cannot_read_the_outbox(client, demo_people, token_for):
    headers = {"Authorization": f"Bearer {token_for(demo_people['demo_elder_wang'])}"}
    assert client.get("/api/v1/staff/notifications", headers=headers).status_code == 403
