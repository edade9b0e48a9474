"""A number sent after the menu picks that item (bot/dialogue/main_menu.py).

The menu is numbered; an elderly reader answers it with a number. Before,
"1" after the menu was told "nothing asks you for a number" and shown the
same menu again, for ever. Through the real /wechat endpoint.
"""

import pytest

from core import clock
from models.help_requests import HelpRequest
from tests.e2e.chat import chat, rows
from tests.e2e.test_chat_readback import resolve_a_request

pytestmark = pytest.mark.e2e
WANG, ZHANG = "demo_elder_wang", "demo_volunteer_zhang"
NEWCOMER = "oBrandNewPersonMenuNumbers0001"


def test_a_number_after_the_menu_starts_that_item(wechat):
    replies = chat(wechat, WANG, "菜单", "1")
    assert "1 订餐" in replies[0]
    assert "订哪" in replies[1] and "没有要您回复数字" not in replies[1]


def test_a_number_that_answered_nothing_then_picks_from_the_menu_shown_with_it(wechat):
    replies = chat(wechat, NEWCOMER, "1", "3")
    assert "没有要您回复数字" in replies[0] and "3 求助" in replies[0]
    assert "哪方面的帮助" in replies[1]


def test_seven_lists_what_a_volunteer_can_do_and_a_number_there_starts_it(wechat):
    replies = chat(wechat, ZHANG, "帮助", "7", "1")
    assert "志愿者要办哪一样" in replies[1] and "1 签到" in replies[1]
    assert "现在签到" in replies[2]


def test_a_number_not_on_the_menu_says_which_numbers_are_and_the_next_one_counts(wechat):
    replies = chat(wechat, WANG, "菜单", "9", "4")
    assert "请回复1到7" in replies[1] and "4 查附近的助餐点" in replies[1]
    assert "助餐点" in replies[2] and "没有这一项" not in replies[2]


def test_a_new_followers_welcome_is_answered_by_a_number(wechat):
    welcome = wechat.event(NEWCOMER, "subscribe").content
    assert "6 登记个人信息" in welcome
    assert "您同意吗" in wechat.say(NEWCOMER, "6").content  # registration starts with consent


def test_a_second_miss_after_the_menu_offers_a_person_not_the_menu_again(wechat):
    replies = chat(wechat, NEWCOMER, "啊啊啊", "哦哦哦哦", "1")
    assert "没听明白" in replies[0] and "1 订餐" in replies[0]
    assert "转人工" in replies[1] and "1 订餐" not in replies[1]
    assert "没有要您回复数字" in replies[2]  # the menu it no longer shows is not picked from


def test_words_after_the_menu_are_read_as_words(wechat):
    replies = chat(wechat, ZHANG, "菜单", "签到")
    assert "现在签到" in replies[1]  # not item 7 because its line mentions 签到


def test_a_rating_asked_meanwhile_takes_the_number_before_the_menu(wechat, frozen_clock):
    request_id = resolve_a_request(WANG)
    frozen_clock.advance(hours=5)
    replies = chat(wechat, WANG, "菜单", "5")
    assert "谢谢您" in replies[1] and "5分" in replies[1]
    [request] = rows(HelpRequest, HelpRequest.id == request_id)
    assert request.rating == 5 and clock.now() >= request.resolved_at
