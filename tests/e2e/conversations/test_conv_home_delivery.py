"""Home delivery for a brand-new resident: registration locates the home, a meal comes to the door.

Each walk starts from an openid never seen before and ends with the canteen
marking the delivered meal served the next day (the demo 阳光社区 canteen
delivers within 1.5 km; its address book lists 1–6号楼, 阳光花园 …).
"""

import pytest

from models.meals import MealBooking
from models.person import Person

from .talk import TOMORROW, Chat, Where, rows

pytestmark = pytest.mark.e2e
REGISTER = ["登记", "1", "张桂芳", "1946年5月2日", "13912345678", "1"]


def _person(openid: str) -> Person:
    [person] = rows(Person, Person.oa_openid == openid)
    return person


def _deliver_tomorrow(chat: Chat, app, frozen_clock, token_for, openid: str) -> MealBooking:
    [booking] = rows(MealBooking, MealBooking.person_id == _person(openid).id)
    assert (booking.day, booking.delivery, booking.status) == (TOMORROW, True, "booked")
    frozen_clock.advance(days=1, hours=2)
    token = token_for(chat.ids["demo_canteen_sun"])
    answer = app.test_client().post(f"/api/v1/canteen/bookings/{booking.id}/served",
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    [served] = rows(MealBooking, MealBooking.id == booking.id)
    return served


def test_a_new_resident_whose_address_is_in_the_book_gets_a_meal_delivered(
        chat, app, frozen_clock, token_for):
    who = "oNewResidentAddressBook00001"
    replies = chat.say(who, *REGISTER, "阳光社区三栋二单元301", "1")
    assert "地址：阳光社区三栋二单元301（3号楼）" in replies[-2]
    assert "可以送餐上门" in replies[-1]
    assert _person(who).home_source == "address_book"
    readback, done = chat.say(who, "明天中午订一份饭 送到家", "1")
    assert "送餐上门" in readback and "订好了" in done
    assert _deliver_tomorrow(chat, app, frozen_clock, token_for, who).status == "served"


def test_an_unknown_address_is_kept_and_a_sent_location_makes_delivery_possible(
        chat, app, frozen_clock, token_for):
    who = "oNewResidentSendsLocation001"
    replies = chat.say(who, *REGISTER, "幸福里小区8号院", "1")
    assert "社区工作人员会核对位置" in replies[-1] and "发给我" in replies[-1]
    assert _person(who).address == "幸福里小区8号院" and _person(who).home_lat_lng is None
    asked = chat.last(who, "明天中午订一份饭 送到家")
    assert "还没有您家的位置" in asked and "1 改成到助餐点吃" in asked
    readback = chat.last(who, Where(30.2747, 120.1560, "幸福里小区8号院"))
    assert "送到：您发的位置（幸福里小区8号院），以后按这里送" in readback
    assert _person(who).home_lat_lng is None  # nothing kept before the yes
    assert "订好了" in chat.last(who, "1")
    assert _person(who).home_source == "wechat"
    assert _deliver_tomorrow(chat, app, frozen_clock, token_for, who).status == "served"


def test_a_location_sent_while_registering_is_read_back_and_kept(chat):
    who = "oNewResidentPinRegister0001"
    replies = chat.say(who, *REGISTER, Where(30.2747, 120.1560, "幸福街道幸福里"))
    assert "收到您的位置" in replies[-1]
    readback = chat.last(who, "幸福里小区8号院")
    assert "家的位置：您发的位置（幸福街道幸福里）" in readback
    assert "可以送餐上门" in chat.last(who, "1")
    assert _person(who).home_lat_lng == (30.2747, 120.156)


def test_a_registered_person_without_a_location_confirms_a_sent_one(chat):
    who = "oNewResidentPinLater000001"
    chat.say(who, *REGISTER, "幸福里小区8号院", "1")
    readback = chat.last(who, Where(30.2747, 120.1560, "幸福里小区"))
    assert "要记为您家的位置吗" in readback and _person(who).home_lat_lng is None
    assert "记好了" in chat.last(who, "1")
    assert _person(who).home_source == "wechat"


def test_at_the_location_question_the_person_may_eat_at_the_canteen_instead(chat):
    who = "oNewResidentEatsIn00000001"
    chat.say(who, *REGISTER, "幸福里小区8号院", "1")
    chat.last(who, "明天中午订一份饭 送到家")
    readback = chat.last(who, "1")
    assert "到助餐点吃" in readback
    assert "订好了" in chat.last(who, "1")
    [booking] = rows(MealBooking, MealBooking.person_id == _person(who).id)
    assert booking.delivery is False


def test_an_unregistered_person_is_told_to_register_in_chat_words(chat):
    reply = chat.last("oNeverRegistered0000000001", "明天中午订一份饭 送到家")
    assert "回复“登记”" in reply or "登记" in reply
    assert "小程序" not in reply


def test_a_location_far_outside_the_delivery_area_is_not_kept(chat):
    who = "oNewResidentFarAway0000001"
    chat.say(who, *REGISTER, "幸福里小区8号院", "1")
    chat.last(who, "明天中午订一份饭 送到家")
    reply = chat.last(who, Where(30.3200, 120.2000, "很远的地方"))
    assert "超出送餐范围" in reply
    assert _person(who).home_lat_lng is None
