"""The bot can receive every question it asks; ways out and answers are read without I/O.

The first two tests read the code: every prompt that asks for a number
("回复1到5分", "回复1确认，2不对", "回复：1 同意 2 不同意") — sent by the outbox or in
a one-shot answer — must have a flow registered to receive it (`ASKED`), and
every command the bot tells people to send ("回复“积分兑换”") must be understood.
"""

import ast
import re
from datetime import datetime
from pathlib import Path

import pytest

import nlp
from bot.dialogue import engine
from bot.dialogue.flows import ASKED, FLOWS
from bot.dialogue.flows.confirmations import read_answer
from bot.dialogue.flows.ratings import read_rating
from core.clock import LOCAL_TZ
from nlp.standing import read_command

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=LOCAL_TZ)
ASKS_FOR_A_NUMBER = re.compile(r"回复[：:]?\s*[0-9一二三四五]")
COMMAND = re.compile(r"回复“([^”]+)”")


def literals(*folders: str) -> list[tuple[str, str]]:
    """Every string constant in the code (f-strings' fixed parts joined), with its file."""
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr):
                    text = "".join(v.value for v in node.values
                                   if isinstance(v, ast.Constant) and isinstance(v.value, str))
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value
                else:
                    continue
                found.append((str(path.relative_to(ROOT)), text))
    return found


def in_flow_questions() -> set[str]:
    """Texts a flow asks in its own states, or a one-message step of the dialogue state asks
    (the policy list and offer, received by bot.dialogue.policy through the engine; the
    menu's numbers, by bot.dialogue.main_menu through the engine)."""
    flows = {"bot/dialogue/flows/" + p.name for p in (ROOT / "bot/dialogue/flows").glob("*.py")}
    return flows | {"bot/dialogue/policy.py", "bot/dialogue/main_menu.py"}


def test_every_question_that_asks_for_a_number_has_a_receiving_flow():
    fragments = [fragment for question in ASKED for fragment in question.asks]
    asked = [(where, text) for where, text in literals("services", "bot", "scheduler")
             if ASKS_FOR_A_NUMBER.search(text) and where not in in_flow_questions()
             and not where.startswith("bot/dialogue/engine")]
    assert asked, "the scan found no prompts: the pattern is wrong"
    unreceived = [(where, text) for where, text in asked
                  if not any(fragment in text or text in fragment for fragment in fragments)]
    assert unreceived == []


def test_every_question_sent_names_a_flow_with_the_step_it_fills():
    for question in ASKED:
        flow = FLOWS[question.flow]
        assert flow.step_named(f"ask_{question.slot}") is not None, question.flow
        assert not flow.confirm, question.flow  # the question was the read-back


def test_every_command_the_bot_tells_people_to_send_is_understood():
    commands = {c for _, text in literals("services", "bot", "scheduler")
                for c in COMMAND.findall(text)}
    assert {"转人工", "积分兑换", "登记", "取消订餐"} <= commands
    for command in sorted(commands):
        word = engine.bare(command)
        if word in engine.CANCEL | engine.HELP | engine.HUMAN | engine.RESTART:
            continue
        if "长期" in command and read_command(command):  # the standing-order flows (not LABELS)
            continue
        intent, confidence = engine.intent_of(command, nlp.parse(command, NOW))
        assert intent != "unknown" and confidence >= engine.LOW_CONFIDENCE, command
        assert intent in FLOWS or intent in engine.answers.ANSWERS or intent == "human_agent", command


@pytest.mark.parametrize(("said", "score"), [
    ("5", 5), ("5分", 5), ("五分", 5), ("打5分", 5), ("给4星", 4), ("1", 1), ("很满意", 5),
    ("非常满意！", 5), ("满意", 4), ("挺好的", 4), ("一般", 3), ("还行吧", 3), ("不满意", 2),
    ("很不满意", 1), ("太差了", 1), ("服务挺好的，给5分", 5), ("打五星", 5),
    ("6", None), ("等了5分钟", None), ("谢谢", None), ("不好意思", None), ("差不多", None), ("今天天气怎么样", None),
    ("满意是满意，就是来得太晚了，下次早点", None),
])
def test_ratings_are_read_from_numbers_and_words(said, score):
    assert read_rating(said) == score


@pytest.mark.parametrize(("said", "answer"), [
    ("1", True), ("对", True), ("对的", True), ("是的", True), ("确认", True), ("没错", True),
    ("2", False), ("不对", False), ("没有", False), ("没这回事", False), ("不是", False),
    ("3", None), ("你好", None), ("明天午饭", None),
])
def test_yes_and_no_to_a_confirmation(said, answer):
    assert read_answer(said) is answer


@pytest.mark.parametrize("said", [
    "取消", "算了", "不要了", "退出", "算了，不要了", "算了吧，先不订", "那就不用了", "不用了，谢谢",
    "先不订了", "我不要了", "那算了吧", "算了不订了", "不办了。",
])
def test_ways_out_are_recognised(said):
    assert engine.is_abandon(said)


@pytest.mark.parametrize("said", [
    "明天的午饭不要了", "取消明天的午饭", "我不要辣的", "不用送，我自己去吃", "谢谢", "不", "算账",
])
def test_what_is_not_a_way_out(said):
    assert not engine.is_abandon(said)


@pytest.mark.parametrize(("said", "intent"), [
    ("我要记录志愿服务", "service_log"), ("记录服务", "service_log"), ("我的求助", "help_status"),
    ("我的求助怎么样了", "help_status"), ("求助进度", "help_status"),
    ("我存下的分还有几个", "points_query"), ("积分还剩多少", "points_query"),
    ("订餐", "meal_book"), ("签退", "service_checkout"),
])
def test_what_people_say_for_what_they_want(said, intent):
    assert engine.intent_of(said, nlp.parse(said, NOW))[0] == intent


def test_a_day_is_picked_by_the_word_in_its_label():
    choices = [["2026-11-29", "11月29日（今天）"], ["2026-11-28", "11月28日（昨天）"]]
    assert engine.pick(choices, "昨天") == "2026-11-28"
    assert engine.pick(choices, "第一个") == "2026-11-29" and engine.pick(choices, "前天") is None


@pytest.mark.parametrize(("said", "answer"), [
    ("不对，今天没人来过", False), ("没人来过", False), ("对，张芳来过", True),
])
def test_a_yes_or_no_with_a_reason(said, answer):
    assert read_answer(said) is answer


def test_a_reward_is_found_by_the_thing_itself():
    from types import SimpleNamespace

    from bot.dialogue.flows.points import named_reward

    offer = [SimpleNamespace(id=n, name=name) for n, name in
             enumerate(["大米一袋（5斤）", "食用油一桶", "理发券一张", "毛巾两条"])]
    assert named_reward(offer, "俺想拿积分换桶油") == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("said", ["没事了", "以后再说吧", "算了，改天再说", "算了不换了", "我不去了",
                                  "不参加了"])
def test_never_mind_is_a_way_out(said):
    assert engine.is_abandon(said)


def test_a_score_first_then_a_comment():
    from bot.dialogue.flows.ratings import _comment

    assert read_rating("5分，小王很耐心") == 5 and _comment("5分，小王很耐心") == "小王很耐心"
    assert read_rating("1分，根本没人来") == 1


def test_a_plain_yes_and_a_yes_with_a_change():
    from bot.dialogue.words import says_yes_first

    assert says_yes_first("是的麻烦你们了", plainly=True)
    assert not says_yes_first("好的改成晚饭", plainly=True) and says_yes_first("好的改成晚饭")


def test_a_choice_is_picked_by_part_of_its_label_when_only_one_has_it():
    choices = [[1, "阳光社区"], [2, "和睦社区"]]
    assert engine.pick(choices, "阳光") == 1 and engine.pick(choices, "社区") is None


def test_a_birth_date_in_chinese_numerals():
    from bot.dialogue.flows.register import read_birth

    assert read_birth(None, "1948年三月八号", None) == "1948-03-08"  # type: ignore[arg-type]
