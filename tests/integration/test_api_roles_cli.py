"""`flask roles grant|revoke|show`: operators give and take roles by openid."""

import pytest

from core.db import session_scope
from models.person import Person

pytestmark = pytest.mark.integration


@pytest.fixture
def cli(make_app, db, memory_kv):
    return make_app(db, memory_kv).test_cli_runner()


def _roles(person_id):
    with session_scope(readonly=True) as s:
        return sorted((r.role, r.community_id) for r in s.get(Person, person_id).roles)


def test_grant_by_community_code_then_revoke(cli, demo_people):
    li = demo_people["demo_elder_li"]
    granted = cli.invoke(args=["roles", "grant", "--openid", "demo_elder_li", "--role", "staff",
                               "--community", "330100001002"])
    assert granted.exit_code == 0 and "已授予" in granted.output
    assert ("staff", 2) in _roles(li)
    shown = cli.invoke(args=["roles", "show", "--openid", "mp_demo_elder_li"])
    assert "staff\t社区 2" in shown.output
    revoked = cli.invoke(args=["roles", "revoke", "--openid", "demo_elder_li", "--role", "staff",
                               "--community", "2"])
    assert revoked.exit_code == 0 and ("staff", 2) not in _roles(li)


def test_grant_scoped_to_an_organisation_and_bad_input(cli, demo_people):
    result = cli.invoke(args=["roles", "grant", "--openid", "demo_elder_li", "--role",
                              "canteen_operator", "--organisation", "ORG-ZC2"])
    assert result.exit_code == 0
    unknown = cli.invoke(args=["roles", "grant", "--openid", "nobody", "--role", "staff"])
    assert unknown.exit_code != 0 and "没有找到 openid 为 nobody 的用户" in unknown.output
    bad_community = cli.invoke(args=["roles", "grant", "--openid", "demo_elder_li", "--role",
                                     "staff", "--community", "X9"])
    assert bad_community.exit_code != 0 and "没有找到社区 X9" in bad_community.output
    nothing = cli.invoke(args=["roles", "revoke", "--openid", "demo_elder_li", "--role", "staff"])
    assert nothing.exit_code != 0
