import pytest

from core.db import session_scope
from core.errors import InvalidTransition, NotAllowed, NotFound
from services.access import checks
from services.messaging import alerts
from services.messaging.notifications import enqueue_notification
from tests.factories import make_community, make_person, make_proxy

pytestmark = pytest.mark.integration


def test_proxy_must_be_accepted_to_act_for_someone(db):
    with session_scope() as s:
        elder = make_person(s)
        son = make_person(s)
        stranger = make_person(s)
        make_proxy(s, principal=elder, agent=son)
        make_proxy(s, principal=elder, agent=stranger, status="invited")
        assert checks.can_act_for(s, agent=son, principal_id=elder.id)
        assert checks.can_act_for(s, agent=elder, principal_id=elder.id)
        with pytest.raises(NotAllowed):
            checks.require_act_for(s, agent=stranger, principal_id=elder.id)


def test_alert_is_raised_once_per_key_and_seen_only_by_its_community(db, frozen_clock):
    with session_scope() as s:
        here, there = make_community(s), make_community(s)
        staff_here = make_person(s, roles=("staff",), community=here)
        staff_there = make_person(s, roles=("staff",), community=there)
        resident = make_person(s, community=here)
        first = alerts.raise_alert(s, kind="emergency", level="critical", summary="老人摔倒",
                                   dedupe_key="em:1", person_id=resident.id, community_id=here.id)
        again = alerts.raise_alert(s, kind="emergency", level="critical", summary="老人摔倒",
                                   dedupe_key="em:1", person_id=resident.id, community_id=here.id)
        assert first.id == again.id
        assert [a.id for a in alerts.list_alerts(s, actor=staff_here)] == [first.id]
        assert alerts.list_alerts(s, actor=staff_there) == []
        with pytest.raises(NotFound):
            alerts.acknowledge_alert(s, actor=staff_there, alert_id=first.id)
        with pytest.raises(NotAllowed):
            alerts.list_alerts(s, actor=resident)
        alerts.acknowledge_alert(s, actor=staff_here, alert_id=first.id)
        with pytest.raises(InvalidTransition):
            alerts.acknowledge_alert(s, actor=staff_here, alert_id=first.id)


def test_notification_dedupe_key_queues_once(db):
    with session_scope() as s:
        person = make_person(s)
        a = enqueue_notification(s, person_id=person.id, template="t", text="您好", dedupe_key="k1")
        b = enqueue_notification(s, person_id=person.id, template="t", text="您好", dedupe_key="k1")
        assert a.id == b.id
