"""Places as people say them, and when a message is about someone else (no I/O)."""

import pytest

from bot.dialogue.beneficiary import mention
from bot.dialogue.place import said_place


@pytest.mark.parametrize(("text", "place"), [
    ("人在菜市场门口", "菜市场门口"),
    ("在3号楼下", "3号楼下"),
    ("阳光社区3号楼2单元101", "阳光社区3号楼2单元101"),
    ("我住在和睦社区5号楼301", "和睦社区5号楼301"),
    ("就在小区门口呢", "小区门口"),
    ("我现在在人民路88号", "人民路88号"),
    ("我妈在菜市场门口晕倒了", "菜市场门口"),
    ("在家", "家里"),
    ("他在家里", "家里"),
    ("家里没米了", None),
    ("想找人每周帮我打扫一次卫生", None),
    ("好的", None),
    ("1", None),
    ("我腿脚不好，想找人陪我去医院复查", None),
])
def test_said_place(text, place):
    assert said_place(text) == place


@pytest.mark.parametrize(("text", "about_someone"), [
    ("帮我妈订明天的晚饭一份", True),
    ("我爸明天的午饭不要了", True),
    ("给王秀英订明天午饭", True),
    ("给老伴订明天午饭", True),
    ("帮家里老人订明天午饭", True),
    ("订明天午饭一份送到家", False),
    ("取消后天的午饭", False),
    ("我上次求助的事怎么样了", False),
    ("给我订明天午饭", False),
])
def test_mention_is_cheap_and_only_for_someone_else(text, about_someone):
    assert mention(text) is about_someone


@pytest.mark.parametrize(("text", "decision"), [
    ("1", "yes"), ("同意", "yes"), ("1 同意", "yes"), ("我同意我儿子替我办", "yes"),
    ("2", "no"), ("不同意", "no"), ("2 不同意", "no"), ("不同意他代办", "no"), ("不要他代办", "no"),
    ("谢谢", None), ("订餐", None),
])
def test_an_invitation_answer_in_the_elders_words(text, decision):
    from bot.dialogue.flows.proxy import read_decision

    assert read_decision(text) == decision
