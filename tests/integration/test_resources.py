"""The county catalogue of help: add, list per county, pick for a referral."""

import pytest

from core.db import session_scope
from core.errors import NotAllowed, NotFound, ValidationFailed
from services.assistance import resources
from tests.factories import make_community, make_organisation, make_person

pytestmark = pytest.mark.integration


def test_staff_add_and_list_their_county_catalogue(db):
    with session_scope() as s:
        here, there = make_community(s), make_community(s)
        staff = make_person(s, roles=("staff",), community=here)
        other = make_person(s, roles=("staff",), community=there)
        charity = make_organisation(s, kind="charity", community=here)
        fund = resources.create_resource(
            s, actor=staff, kind="named_charity_fund", name="暖心冠名基金",
            offers="大病救助每人最高5000元", eligibility="低保、特困家庭",
            contact="0571-88880000", organisation_id=charity.id)
        resources.create_resource(s, actor=staff, kind="project", name="助浴服务",
                                  offers="每月两次上门助浴", eligibility="失能老人")
        assert [r.name for r in resources.list_resources(s, actor=staff)] == ["暖心冠名基金", "助浴服务"]
        assert resources.list_resources(s, actor=other) == []
        with pytest.raises(NotFound):
            resources.get_resource(s, actor=other, resource_id=fund.id)
        assert resources.get_resource(s, actor=staff, resource_id=fund.id).county_id == here.street.county_id
        resources.retire_resource(s, actor=staff, resource_id=fund.id)
        assert [r.name for r in resources.list_resources(s, actor=staff)] == ["助浴服务"]


def test_bad_entries_and_non_staff_are_refused(db):
    with session_scope() as s:
        here = make_community(s)
        staff = make_person(s, roles=("staff",), community=here)
        elsewhere = make_organisation(s, community=make_community(s))
        with pytest.raises(ValidationFailed) as info:
            resources.create_resource(s, actor=staff, kind="cash", name="", offers="x",
                                      eligibility="y")
        assert set(info.value.details["fields"]) == {"kind", "name"}
        with pytest.raises(ValidationFailed):
            resources.create_resource(s, actor=staff, kind="project", name="n", offers="o",
                                      eligibility="e", organisation_id=elsewhere.id)
        with pytest.raises(NotAllowed):
            resources.list_resources(s, actor=make_person(s, community=here))
