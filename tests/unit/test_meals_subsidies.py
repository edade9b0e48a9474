"""Subsidy rules and price wording, without a database."""

from datetime import date

import pytest

from models.meals import SubsidyRule
from services.demo.meals import SUBSIDY_RULES
from services.meals.subsidies import Eligibility, best_rule, price_booking, rule_phrase
from services.meals.wording import day_text, yuan

RULES = [
    SubsidyRule(id=n, code=code, min_age=lo, max_age=hi, economic_tier=tier,
                requires_disability=disabled, requires_living_alone=alone, amount_fen=amount,
                monthly_cap_fen=cap, active=True)
    for n, (code, lo, hi, tier, disabled, alone, amount, cap) in enumerate(SUBSIDY_RULES, 1)
]


def who(age, tier=None, disabled=False, alone=False):
    return Eligibility(age=age, tier=tier, disabled=disabled, living_alone=alone)


@pytest.mark.parametrize(("person", "code", "amount"), [
    (who(59), None, 0),
    (who(65), "AGE60", 100),
    (who(75), "AGE70", 200),
    (who(85), "AGE80", 300),
    (who(72, alone=True), "AGE70_ALONE", 300),
    (who(62, disabled=True), "AGE60_DISABLED", 300),
    (who(66, tier="dibao_edge"), "DIBAO_EDGE", 300),
    (who(66, tier="dibao"), "DIBAO", 400),
    (who(84, tier="dibao", alone=True), "DIBAO_80", 600),
    (who(61, tier="tekun"), "TEKUN", 700),
    (who(55, tier="tekun"), None, 0),
    (who(66, tier="rigid_expense"), "AGE60", 100),
])
def test_the_most_favourable_rule_applies_for_each_tier(person, code, amount):
    rule = best_rule(RULES, person)
    assert (rule.code if rule else None, rule.amount_fen if rule else 0) == (code, amount)


def test_an_inactive_rule_never_applies():
    tekun = next(r for r in RULES if r.code == "TEKUN")
    assert best_rule(RULES, who(61, tier="tekun")) is tekun
    tekun.active = False
    try:
        assert best_rule(RULES, who(61, tier="tekun")).code == "AGE60"
    finally:
        tekun.active = True


def test_phrases_say_the_conditions():
    by_code = {r.code: r for r in RULES}
    assert rule_phrase(by_code["DIBAO_80"]) == "80岁以上且为低保对象"
    assert rule_phrase(by_code["AGE70"]) == "70至79岁"
    assert rule_phrase(by_code["AGE70_ALONE"]) == "70岁以上且独居"
    assert rule_phrase(by_code["AGE60_DISABLED"]) == "60岁以上且有残疾"


def test_subsidy_never_exceeds_the_price_or_the_cap():
    rule = next(r for r in RULES if r.code == "TEKUN")
    cheap = price_booking(subject="您", rule=rule, cap_left_fen=10_000, unit_price_fen=300,
                          count=1, delivery_fee_fen=0)
    assert (cheap.subsidy_fen, cheap.payable_fen) == (300, 0)
    capped = price_booking(subject="您", rule=rule, cap_left_fen=250, unit_price_fen=800,
                           count=1, delivery_fee_fen=0)
    assert capped.subsidy_fen == 250
    assert capped.reason == "您60岁以上且为特困对象，每餐补贴7元，本月额度只剩2.5元，实付5.5元。"


def test_no_rule_means_full_price_and_an_unverified_tier_is_named():
    pricing = price_booking(subject="您", rule=None, cap_left_fen=0, unit_price_fen=800, count=1,
                            delivery_fee_fen=200, unverified_tier="tekun")
    assert pricing.reason == "您暂不符合助餐补贴条件，按原价，送餐费2元，实付10元。特困身份需社区核对后才算，请联系社区。"


def test_dates_and_money_read_plainly():
    today = date(2026, 11, 29)
    assert day_text(today, today=today) == "11月29日（今天）"
    assert day_text(date(2026, 11, 30), today=today) == "11月30日（明天）"
    assert day_text(date(2026, 12, 3), today=today) == "12月3日（周四）"
    assert (yuan(600), yuan(250), yuan(5), yuan(0)) == ("6元", "2.5元", "0.05元", "0元")
