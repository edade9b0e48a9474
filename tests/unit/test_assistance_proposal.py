"""The tier a household's figures point to, measured against a county's line."""

from models.assistance import AssistanceLine
from services.assistance.means_check import MemberFacts, propose_tier

LINE = AssistanceLine(dibao_month_fen=100000, edge_multiple_pct=150, tekun_month_fen=130000,
                      asset_limit_months=24, rigid_share_pct=50, source="测试")


def _one(**kw):
    return propose_tier(members=[MemberFacts(1, **kw)], line=LINE)


def test_income_below_the_line_is_dibao_and_below_the_edge_line_is_dibao_edge():
    assert _one(income={"pension": 99999}).tier == "dibao"
    assert _one(income={"pension": 100000}).tier == "dibao_edge"
    assert _one(income={"pension": 149999}).tier == "dibao_edge"
    assert _one(income={"pension": 150000}).tier is None


def test_per_capita_divides_by_every_member():
    two = propose_tier(members=[MemberFacts(1, income={"wage": 190000}), MemberFacts(2)], line=LINE)
    assert (two.tier, two.figures["per_capita_fen"]) == ("dibao", 95000)
    assert "人均月收入950元，低于低保标准1000元" in two.reason


def test_tekun_needs_an_elder_without_work_capacity_or_supporter():
    alone = frozenset({"no_work_capacity", "no_supporter"})
    assert _one(income={"pension": 30000}, situations=alone, age=75).tier == "tekun"
    assert _one(income={"pension": 30000}, situations=alone, age=45).tier == "dibao"
    assert _one(income={"pension": 30000}, situations=alone, age=45,
                disability_level=1).tier == "tekun"


def test_deposits_above_the_limit_rule_out_the_income_tiers():
    rich = _one(income={"pension": 50000}, assets={"deposit": 2400001})
    assert rich.tier is None and "超过本县上限24000元" in rich.reason


def test_medical_spending_above_the_share_of_income_is_rigid_expense():
    assert _one(income={"wage": 200000}, expenses={"medical": 1200001}).tier == "rigid_expense"
    assert _one(income={"wage": 200000}, expenses={"medical": 1200000}).tier is None
