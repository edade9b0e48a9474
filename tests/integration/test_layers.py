"""Layers, the rule's staff changes, matching and the 回访 claim on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest

from core import clock
from core.db import session_scope
from core.errors import NotAllowed
from services.assistance import layers, resources
from services.help_requests import followup, layering, transition_help_request
from services.help_requests.queries import count_open_by_layer
from services.people.persons import grant_role
from tests.factories import make_person
from tests.help_factories import make_world, submit

pytestmark = pytest.mark.integration


def test_a_rule_change_layers_what_comes_next_and_the_queue_counts_by_layer(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        county_staff = make_person(s, roles=(), community=w.here, name="县民政")
        grant_role(s, person=county_staff, role="staff")
        before = submit(s, w.resident, category="care", description="想请人照看")
        with pytest.raises(NotAllowed):
            layers.set_rule_layer(s, actor=w.staff, rule_key="category:care", layer="medical")
        rule = layers.set_rule_layer(s, actor=county_staff, rule_key="category:care",
                                     layer="medical")
        assert (rule.default, rule.layer) == ("basic", "medical")
        after = submit(s, w.neighbour, category="care", description="想请人陪护")
        assert (before.layer, after.layer) == ("basic", "medical")
        assert count_open_by_layer(s, actor=w.staff, community_id=w.here.id) == {
            "basic": 1, "medical": 1}


def test_matching_filters_by_layer_place_and_verified_tier(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        need = submit(s, w.resident, category="housing", description="屋顶漏雨")
        for name, tiers in (("危房改造", ["dibao"]), ("住房应急修缮", None)):
            resources.create_resource(s, actor=w.staff, kind="project", name=name, offers="修房",
                                      eligibility="困难家庭", category="housing",
                                      eligible_tiers=tiers, organisation_id=w.civil.id)
        resources.create_resource(s, actor=w.staff, kind="project", name="医疗救助", offers="报销",
                                  eligibility="困难家庭", layer="medical")
        found = layering.match_resources(s, actor=w.staff, request_id=need.id)
        assert [m.resource.name for m in found] == ["住房应急修缮"]
        assert found[0].reasons == ["专项救助·住房", "管住房", "全县", "不限身份"]
        with pytest.raises(NotAllowed):
            layering.match_resources(s, actor=w.resident, request_id=need.id)


def test_the_followup_claim_asks_each_request_once(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident, category="living", description="家里没米了")
        for to in ("accepted", "in_progress", "resolved"):
            transition_help_request(s, actor=w.staff, request_id=made.id, to=to)
    later = clock.now() + timedelta(days=30, hours=1)
    with session_scope() as s:
        assert followup.ask_followups(s, now=later) == 1
    with session_scope() as s:
        assert followup.ask_followups(s, now=later + timedelta(hours=1)) == 0
        pending = followup.pending_followup(s, person_id=w.resident.id, since=later - timedelta(1))
        assert pending is not None and pending.help_request_id == made.id
