"""Dialogue pieces without I/O: state timeout, numbered choices, the ticket, menu and knowledge."""

import json
from datetime import UTC, datetime, timedelta

from bot.dialogue.engine import bare, pick
from bot.dialogue.flows import FLOWS
from bot.dialogue_state import DialogueState, decode_state, encode_state
from bot.menu import CLICK_INTENTS, MENU, intent_for_click
from bot.pipeline import Ticket

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def test_state_survives_14_minutes_and_times_out_after_15():
    state = DialogueState(flow="meal_book", step="ask_date", slots={"count": 2})
    raw = encode_state(state, NOW)
    kept, timed_out = decode_state(raw, NOW + timedelta(minutes=14))
    assert kept.slots == {"count": 2} and timed_out is None
    fresh, timed_out = decode_state(raw, NOW + timedelta(minutes=15, seconds=1))
    assert fresh.flow is None and timed_out == "meal_book"


def test_an_idle_state_is_not_kept_and_a_garbled_one_starts_afresh():
    assert encode_state(DialogueState(), NOW) is None
    assert decode_state("{not json", NOW) == (DialogueState(), None)


def test_numbered_choices_accept_digits_and_labels():
    choices = [["lunch", "午餐"], ["dinner", "晚餐"]]
    assert pick(choices, "2") == "dinner" and pick(choices, "第1个") == "lunch"
    assert pick(choices, bare("晚餐。")) == "dinner"
    assert pick(choices, "3") is None and pick(choices, "随便") is None


def test_the_ticket_settles_once():
    passive = Ticket()
    assert passive.take_passive() and not passive.abandon()
    late = Ticket()
    assert late.abandon() and not late.take_passive()


def test_every_menu_key_stands_for_an_intent_and_fits_wechat_limits():
    keys = [b["key"] for top in MENU["button"] for b in top["sub_button"]]
    assert set(keys) <= set(CLICK_INTENTS)
    assert len(MENU["button"]) <= 3 and all(len(t["sub_button"]) <= 5 for t in MENU["button"])
    assert intent_for_click("meal_book") == "meal_book" and intent_for_click("NOPE") is None


def test_knowledge_base_covers_every_labelled_topic_and_every_layer_of_assistance():
    from bot.dialogue.policy import OFFERS
    from services.assistance.policies import DEFAULTS

    entries = {e["code"]: e for e in json.loads(DEFAULTS.read_text(encoding="utf-8"))["entries"]}
    labelled = ("dibao", "tekun", "temporary_aid", "meal_subsidy", "medical_aid", "disability",
                "volunteer_points", "other")
    layers = ("dibao_edge", "rigid_expense", "return_poverty", "recently_exited", "education_aid",
              "housing_aid", "employment_aid")
    for code in (*labelled, *layers):
        entry = entries[code]
        assert entry["title"] and entry["who"] and entry["bring"] and entry["window"]
        assert entry["action"] in OFFERS or (code == "other" and not entry["action"])


def test_every_flow_ends_in_confirm():
    for flow in FLOWS.values():
        assert flow.states()[-1] == "confirm"
        assert len({s.slot for s in flow.steps}) == len(flow.steps)


def test_a_reward_is_recognised_by_what_people_call_it():
    from types import SimpleNamespace

    from bot.dialogue.flows.points import named_reward

    offer = [SimpleNamespace(id=n, name=name) for n, name in
             enumerate(["大米一袋（5斤）", "食用油一桶", "理发券一张", "毛巾两条"])]
    said = ["我要用积分兑换大米", "积分兑换 食用油", "我想用积分换理发券", "换两条毛巾", "积分兑换"]
    assert [named_reward(offer, text) for text in said] == [0, 1, 2, 3, None]  # type: ignore[arg-type]
