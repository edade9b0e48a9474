"""Home addresses in the usual spellings reduce to the same building key."""

import pytest

from nlp.address import building_part, key_at, normalise_address


@pytest.mark.parametrize("typed", [
    "3号楼", "三号楼", "3栋", "三栋", "3幢", "３号楼", "3号楼2单元301", "三栋二单元301室",
    "3幢2-301", "3-2-301", "阳光社区 3 号 楼 2单元101", "3号2单元1号",
])
def test_every_usual_spelling_of_building_three_carries_its_key(typed):
    assert key_at(building_part(typed), "3栋") >= 0


@pytest.mark.parametrize("typed", ["13号楼", "33栋", "3楼", "13-2-301", "和平路31号"])
def test_other_numbers_do_not_carry_building_three(typed):
    assert key_at(building_part(typed), "3栋") == -1


def test_an_alias_with_a_word_before_the_number_normalises_alike():
    assert normalise_address("老三栋") == normalise_address("老3号楼") == "老3栋"


def test_unit_and_room_are_dropped_from_the_building_part():
    assert building_part("阳光花园十二号楼三单元502室") == "阳光花园12栋"
