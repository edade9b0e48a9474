"""Acting for someone in chat: a family member books, cancels, asks and checks for an elder.

Each conversation goes through /wechat (signed XML in, reply and database
out). 王小明 (demo_family_wang) is 王秀英's accepted proxy (子女).
"""

from datetime import date

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.help_requests import HelpRequest
from models.meals import MealBooking
from models.messaging import Notification
from models.person import Person, Proxy
from tests.e2e.chat import chat, rows

pytestmark = pytest.mark.e2e
WANG, LI, ZHANG = "demo_elder_wang", "demo_elder_li", "demo_volunteer_zhang"
SON = "demo_family_wang"  # 王秀英's accepted proxy (子女)
NEWCOMER = "oBrandNewFamily00000000001"


def say(wechat, openid, line):
    """Say a line; should the bot ask "您是不是遇到危险了？" first, answer no, as a person would."""
    reply = wechat.say(openid, line).content
    if "您是不是遇到危险了" in reply:
        reply = wechat.say(openid, "2").content
    return reply


def also_proxy_for(demo_people, principal, agent, relation="子女", status="accepted"):
    with session_scope() as s:
        s.add(Proxy(principal_id=demo_people[principal], agent_id=demo_people[agent],
                    relation=relation, status=status, created_at=clock.now(),
                    decided_at=clock.now() if status == "accepted" else None))


def test_a_son_books_dinner_for_his_mother_at_her_subsidy_and_home(wechat, demo_people):
    ask = wechat.say(SON, "帮我妈订明天的晚饭一份").content
    assert "送到家" in ask
    readback = wechat.say(SON, "1").content
    assert "给王秀英订" in readback and "11月30日（明天） 晚餐 1份 送餐上门" in readback
    assert "补贴" in readback and rows(MealBooking) == []
    assert "订好了" in wechat.say(SON, "1").content
    [booking] = rows(MealBooking)
    assert booking.person_id == demo_people[WANG] and booking.booked_by_id == demo_people[SON]
    assert booking.delivery and booking.subsidy_fen > 0 and booking.meal == "dinner"
    [told] = rows(Notification, Notification.person_id == demo_people[WANG],
                  Notification.template == "meal_booking")
    assert "为您订了" in told.text


def test_a_name_in_the_message_books_for_that_person(wechat, demo_people):
    readback = wechat.say(SON, "给王秀英订明天午饭一份，到食堂吃").content
    assert "给王秀英订" in readback and "午餐 1份 到助餐点吃" in readback
    wechat.say(SON, "确认")
    [booking] = rows(MealBooking)
    assert booking.person_id == demo_people[WANG] and booking.booked_by_id == demo_people[SON]


def test_saying_for_whom_at_the_readback_changes_the_person(wechat, demo_people):
    first = wechat.say(SON, "订明天午饭一份到食堂吃").content
    assert "给王秀英" not in first
    again = wechat.say(SON, "是给我妈订的").content
    assert "给王秀英订" in again and "1 确认" in again
    wechat.say(SON, "1")
    [booking] = rows(MealBooking)
    assert booking.person_id == demo_people[WANG]


def test_a_daughter_cancels_her_fathers_lunch_not_her_own(wechat, demo_people):
    chat(wechat, SON, "给我妈订明天午饭两份送到家", "1")
    readback = wechat.say(SON, "我爸明天的午饭不要了").content
    assert "替王秀英取消" in readback and "2份" in readback
    assert "已替王秀英取消" in wechat.say(SON, "1").content
    [booking] = rows(MealBooking)
    assert booking.status == "cancelled" and booking.person_id == demo_people[WANG]


def test_cancel_for_someone_with_nothing_booked_says_so(wechat):
    said = wechat.say(SON, "我妈明天的午饭不要了").content
    assert "王秀英没有订餐" in said


def test_my_bookings_for_mother(wechat):
    chat(wechat, SON, "给我妈订明天午饭一份送到家", "1")
    listed = wechat.say(SON, "查一下我妈订的餐").content
    assert "王秀英订的餐" in listed and "11月30日（明天）午餐 1份" in listed
    assert "您最近没有订餐" in wechat.say(SON, "查一下我的订餐").content


def test_two_parents_are_asked_by_number(wechat, demo_people):
    also_proxy_for(demo_people, LI, SON)
    ask = wechat.say(SON, "给我爸订明天午饭一份到食堂吃").content
    assert "替哪一位办" in ask and "1 王秀英" in ask and "2 李建国" in ask
    readback = wechat.say(SON, "2").content
    assert "给李建国订" in readback
    wechat.say(SON, "1")
    [booking] = rows(MealBooking)
    assert booking.person_id == demo_people[LI] and booking.booked_by_id == demo_people[SON]
    with session_scope() as s:  # her own community's canteen, not the son's
        assert s.get(MealBooking, booking.id).canteen.community_id == s.get(
            Person, demo_people[LI]).community_id


def test_a_relation_the_proxy_does_not_fit_is_not_guessed(wechat, demo_people):
    said = wechat.say(SON, "给老伴订明天午饭一份到食堂吃").content
    assert "邀请老人" in said and rows(MealBooking) == []


def test_a_newcomer_is_told_in_one_sentence_how_to_become_a_proxy(wechat):
    said = wechat.say(NEWCOMER, "帮我妈订明天的晚饭一份").content
    assert "小程序" in said and "邀请老人" in said and "同意" in said
    assert rows(MealBooking) == []
    assert "您是不是" not in said and "订哪" not in said


def test_a_help_request_for_mother_is_made_on_her_behalf(wechat, demo_people):
    readback = say(wechat, SON, "我妈家里没米了")
    assert "替王秀英求助" in readback and "没米" in readback
    assert "已经提交" in wechat.say(SON, "1").content
    [request] = rows(HelpRequest, HelpRequest.requester_id == demo_people[SON])
    assert request.on_behalf_of_id == demo_people[WANG] and request.category == "living"
    assert request.address == "阳光社区3号楼2单元101"
    status = wechat.say(SON, "我妈的求助怎么样了").content
    assert request.code in status


def test_a_help_request_by_a_newcomer_about_family_is_still_filed(wechat):
    readback = say(wechat, NEWCOMER, "我妈家里没米了")
    assert "您要求助" in readback
    wechat.say(NEWCOMER, "1")
    [newcomer] = rows(Person, Person.oa_openid == NEWCOMER)
    [request] = rows(HelpRequest, HelpRequest.requester_id == newcomer.id)
    assert request.on_behalf_of_id is None and "没米" in request.description


@pytest.mark.parametrize(("answer", "status"), [("同意", "accepted"), ("1", "accepted"),
                                                  ("不同意", "declined"), ("2", "declined")])
def test_the_elder_answers_an_invitation_in_chat(wechat, demo_people, answer, status):
    from services.people.proxies import invite_proxy

    with session_scope() as s:
        invite_proxy(s, agent=s.get(Person, demo_people[ZHANG]), phone="13800138002", relation="邻居")
        [notice] = s.scalars(select(Notification).where(Notification.template == "proxy_invited"))
        assert "1 同意 2 不同意" in notice.text
    said = wechat.say(LI, answer).content
    assert ("已同意张*" if status == "accepted" else "已婉拒张*") in said
    [proxy] = rows(Proxy, Proxy.principal_id == demo_people[LI])
    assert proxy.status == status
    if status == "accepted":
        readback = wechat.say(ZHANG, "给李建国订明天午饭一份到食堂吃").content
        assert "给李建国订" in readback


def test_with_no_invitation_a_yes_is_just_a_yes(wechat, demo_people):
    said = wechat.say(LI, "同意").content
    assert "已同意" not in said
    assert rows(Proxy, Proxy.principal_id == demo_people[LI]) == []


def test_for_myself_after_all(wechat, demo_people):
    chat(wechat, SON, "帮我妈订明天午饭一份到食堂吃")
    with session_scope() as s:
        son = s.get(Person, demo_people[SON])
        son.birth_date = date(1975, 5, 20)
    again = wechat.say(SON, "给我自己订").content
    assert "给王秀英" not in again and "1 确认" in again


def test_an_elder_booking_for_herself_and_her_husband_books_for_herself(wechat, demo_people):
    readback = wechat.say(WANG, "我和老伴订明天午饭两份送到家").content
    assert "2份" in readback and "给" not in readback.splitlines()[0]
    wechat.say(WANG, "1")
    [booking] = rows(MealBooking)
    assert booking.person_id == demo_people[WANG] == booking.booked_by_id


def test_a_sons_emergency_for_his_mother_keeps_where_she_is(wechat, demo_people):
    alerted = wechat.say(SON, "我妈在菜市场门口晕倒了").content
    assert "120" in alerted and "人现在在哪里" not in alerted
    [request] = rows(HelpRequest, HelpRequest.requester_id == demo_people[SON])
    assert request.urgency == "emergency" and request.on_behalf_of_id == demo_people[WANG]
    assert request.place == "菜市场门口" and request.address == "阳光社区3号楼2单元101"


def test_starting_over_at_the_readback_still_books_for_mother(wechat, demo_people):
    chat(wechat, SON, "帮我妈订明天的晚饭一份送到家")
    again = wechat.say(SON, "2").content
    assert "订哪天" in again
    readback = chat(wechat, SON, "2", "3", "1", "1")[-1]
    assert "给王秀英订" in readback and "晚餐 1份 送餐上门" in readback
    wechat.say(SON, "1")
    [booking] = rows(MealBooking)
    assert booking.person_id == demo_people[WANG]


def test_help_for_one_of_two_parents_is_asked_by_number(wechat, demo_people):
    also_proxy_for(demo_people, LI, SON)
    ask = say(wechat, SON, "我爸家里没米了")
    assert "替哪一位办" in ask and "2 李建国" in ask
    readback = wechat.say(SON, "李建国").content
    assert "替李建国求助" in readback and "情况：我爸家里没米了" in readback
    wechat.say(SON, "1")
    [request] = rows(HelpRequest, HelpRequest.requester_id == demo_people[SON])
    assert request.on_behalf_of_id == demo_people[LI] and request.address == "和睦社区5号楼301"
    both = wechat.say(SON, "家里老人的求助怎么样了").content
    assert request.code in both and "王秀英现在没有在办的求助" in both
