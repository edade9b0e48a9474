"""Each conversation end to end through /wechat: what the person reads, what the database holds."""

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.simulator import text_xml
from core import clock
from core.db import session_scope
from models.activities import ActivitySignup
from models.help_requests import HelpRequest
from models.meals import MealBooking
from models.person import Person
from models.volunteers import Redemption, Reward, ServiceRecord, VolunteerProfile
from services.volunteers import get_points_balance
from tests.e2e.chat import chat, rows
from tests.volunteer_factories import give_points

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).parent / "fixtures" / "wechat"
WANG, LI, ZHANG = "demo_elder_wang", "demo_elder_li", "demo_volunteer_zhang"


def test_one_message_with_every_slot_reads_back_and_books_on_yes(wechat):
    fixture = (FIXTURES / "text__book_tomorrow.xml").read_text(encoding="utf-8")
    readback = wechat.post(fixture).content
    assert "11月30日（明天） 午餐 2份 送餐上门" in readback and "共" in readback
    assert "1 确认" in readback and rows(MealBooking) == []
    done = wechat.say(WANG, "1").content
    assert "订好了" in done
    [booking] = rows(MealBooking)
    assert (booking.count, booking.delivery, booking.meal, str(booking.day)) == (
        2, True, "lunch", "2026-11-30")


def test_one_question_at_a_time_with_numbered_choices(wechat):
    asks = chat(wechat, WANG, "我要订餐", "2", "1", "2", "2")
    assert "订哪天的饭" in asks[0] and "2 11月30日（明天）" in asks[0]
    assert "订哪一顿" in asks[1] and "1 早餐" in asks[1]
    assert "要几份" in asks[2]
    assert "送到家" in asks[3]
    assert "11月30日（明天） 早餐 2份 到助餐点吃" in asks[4]
    assert "订好了" in wechat.say(WANG, "好").content
    assert len(rows(MealBooking)) == 1


def test_nothing_is_booked_when_the_person_says_no(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    assert "没有提交" in wechat.say(WANG, "3").content
    assert rows(MealBooking) == []


def test_a_changed_answer_at_the_readback_updates_it(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    changed = wechat.say(WANG, "改成3份").content
    assert "3份" in changed and "1 确认" in changed


def test_an_ambiguous_date_is_read_back_as_a_concrete_date_to_check(wechat):
    readback = wechat.say(WANG, "订下周三午饭一份，在食堂吃").content
    assert "12月2日（周三）" in readback and "请核对日期" in readback


def test_cancel_restart_help_work_in_every_state(wechat):
    assert "订哪天" in wechat.say(WANG, "订餐").content
    help_text = wechat.say(WANG, "帮助").content
    assert "您正在订餐" in help_text and "订哪天" in help_text
    assert "订哪天" in wechat.say(WANG, "重新开始").content
    assert "已经取消" in wechat.say(WANG, "取消").content
    assert "不好意思" in wechat.say(WANG, "2").content or "您是想" in wechat.say(WANG, "2").content


def test_human_handoff_from_inside_a_flow_creates_a_request_for_staff(wechat):
    chat(wechat, WANG, "订餐")
    reply = wechat.say(WANG, "转人工").content
    assert "已经通知社区工作人员" in reply
    [request] = rows(HelpRequest, HelpRequest.needs_human.is_(True))
    assert request.needs_human and "订餐" in request.description


def test_a_flow_left_for_15_minutes_is_dropped_and_the_person_told(wechat, frozen_clock):
    chat(wechat, WANG, "订餐")
    frozen_clock.advance(minutes=16)
    reply = wechat.say(WANG, "2").content
    assert "超过15分钟" in reply and rows(MealBooking) == []


def test_two_misses_in_a_flow_offer_a_person(wechat):
    chat(wechat, WANG, "订餐")
    first = wechat.say(WANG, "嗯这个那个").content
    assert "没听明白" in first and "订哪天" in first
    assert "转人工" in wechat.say(WANG, "哦哦哦").content


def test_a_service_refusal_is_said_in_its_own_words(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家", "1")
    again = chat(wechat, WANG, "订明天午饭一份送到家", "1")
    assert "已经" in again[-1] or "订过" in again[-1]
    assert len(rows(MealBooking)) == 1


def test_a_full_meal_is_said_at_the_readback_not_after_yes(wechat):
    from datetime import date

    from models.meals import CanteenMeal, MealSlot

    with session_scope() as s:  # every lunch tomorrow is fully booked
        for served in s.scalars(select(CanteenMeal).where(CanteenMeal.meal == "lunch")):
            s.add(MealSlot(canteen_id=served.canteen_id, day=date(2026, 11, 30), meal="lunch",
                           capacity=served.capacity, booked=served.capacity))
    readback = wechat.say(WANG, "订明天午饭一份送到家").content
    assert "11月30日（明天）午餐已经订满了" in readback and "1 确认" not in readback
    wechat.say(WANG, "1")
    assert rows(MealBooking) == []


def _sell_out_lunch_tomorrow():
    from datetime import date

    from models.meals import CanteenMeal, MealSlot

    with session_scope() as s:
        for served in s.scalars(select(CanteenMeal).where(CanteenMeal.meal == "lunch")):
            slot = s.scalar(select(MealSlot).where(MealSlot.canteen_id == served.canteen_id,
                                                   MealSlot.day == date(2026, 11, 30),
                                                   MealSlot.meal == "lunch"))
            if slot is None:
                s.add(MealSlot(canteen_id=served.canteen_id, day=date(2026, 11, 30),
                               meal="lunch", capacity=served.capacity, booked=served.capacity))
            else:
                slot.booked = slot.capacity


@pytest.mark.parametrize("wrote_before", [False, True], ids=["nothing-before", "window-touched"])
def test_a_meal_sold_out_between_readback_and_yes_books_nothing(wechat, app, frozen_clock,
                                                                  wrote_before):
    from datetime import timedelta

    from bot.turnstore import seen_key

    assert "1 确认" in wechat.say(WANG, "订明天午饭一份送到家").content
    _sell_out_lunch_tomorrow()
    if wrote_before:  # a minute on: the yes first opens a fresh 48-hour window
        frozen_clock.set(clock.now() + timedelta(minutes=2))
        app.extensions["linli.kv"].delete(seen_key(WANG))
    reply = wechat.say(WANG, "1").content
    assert "11月30日（明天）午餐已经订满了" in reply
    assert rows(MealBooking) == []
    [wang] = rows(Person, Person.oa_openid == WANG)
    assert wang.last_interaction_at == clock.now()  # what the turn wrote before the yes stays
    assert "订哪天" in wechat.say(WANG, "订餐").content  # the conversation goes on


def test_cancel_a_meal_reads_it_back_and_cancels_on_yes(wechat):
    chat(wechat, WANG, "订明天午饭两份送到家", "1")
    readback = wechat.say(WANG, "明天的午饭不要了").content
    assert "要取消的是" in readback and "2份" in readback
    assert "已取消" in wechat.say(WANG, "确认").content
    [booking] = rows(MealBooking)
    assert booking.status == "cancelled"


def test_the_yes_cancels_the_booking_read_back_not_one_made_since(wechat):
    from services import meals

    chat(wechat, WANG, "订明天午饭两份送到家", "1")
    readback = wechat.say(WANG, "明天的午饭不要了").content
    assert "2份" in readback
    with session_scope() as s:  # meanwhile, in the mini-program: cancelled, and one portion booked
        [shown] = s.scalars(select(MealBooking))
        wang = s.get(Person, shown.person_id)
        meals.cancel_meal_booking(s, actor=wang, booking_id=shown.id)
        meals.book_meal(s, actor=wang, person_id=wang.id, canteen_id=shown.canteen_id,
                        day=shown.day, meal="lunch", count=1, delivery=False)
    assert "已经取消" in wechat.say(WANG, "1").content
    assert sorted((b.count, b.status) for b in rows(MealBooking)) == [(1, "booked"),
                                                                     (2, "cancelled")]


def test_menu_click_starts_the_booking_flow(wechat):
    reply = wechat.post((FIXTURES / "event__click_meal_book.xml").read_text(encoding="utf-8"))
    assert "订哪天的饭" in reply.content


def test_nearby_uses_the_last_location_sent(wechat):
    reply = wechat.post((FIXTURES / "location__message.xml").read_text(encoding="utf-8"))
    assert reply.content.splitlines()[1].startswith("1 和睦社区")
    assert "和睦社区" in wechat.say(LI, "附近的助餐点").content.splitlines()[1]


def test_help_request_flow_submits_once_on_yes(wechat, demo_people):
    asks = chat(wechat, LI, "我想申请帮助", "3", "想找人每周帮我打扫一次卫生")
    assert "哪方面" in asks[0] and "什么情况" in asks[1] and "打扫一次卫生" in asks[2]
    done = wechat.say(LI, "是").content
    assert "已经提交，编号QZ-" in done
    [request] = [r for r in rows(HelpRequest, HelpRequest.requester_id == demo_people[LI])
                 if "打扫" in r.description]
    assert request.category == "care" and request.urgency == "normal"
    assert "求助" in wechat.say(LI, "我上次求助的事怎么样了").content


def test_register_a_newcomer(wechat):
    who = "oNewResident000000000000001"
    asks = chat(wechat, who, "我要登记", "1", "我叫赵大妈", "1948年3月8日",
                "幺三八 一二三四 五六七八", "1", "阳光社区7号楼101")
    assert "同意吗" in asks[0] and "名字" in asks[1] and "哪年出生" in asks[2]
    assert "手机号" in asks[3] and "哪个社区" in asks[4] and "住址" in asks[5]
    assert "赵大妈" in asks[6] and "1948年3月8日" in asks[6] and "138****5678" in asks[6]
    assert "登记好了" in wechat.say(who, "1").content
    [person] = rows(Person, Person.oa_openid == who)
    assert person.name == "赵大妈" and person.phone == "13812345678"
    assert str(person.birth_date) == "1948-03-08"
    assert "订哪天" in wechat.say(who, "订餐").content
    assert person.address == "阳光社区7号楼101" and person.community_id is not None


def test_register_refused_consent_saves_nothing(wechat):
    who = "oNewResident000000000000002"
    chat(wechat, who, "我要登记")
    assert "没有登记" in wechat.say(who, "2").content
    [person] = rows(Person, Person.oa_openid == who)
    assert person.name is None


def test_volunteer_check_in_and_out(wechat):
    assert "现在签到" in wechat.say(ZHANG, "签到").content
    assert "签到成功" in wechat.say(ZHANG, "1").content
    assert "现在签退" in wechat.say(ZHANG, "签退").content
    assert "签退成功" in wechat.say(ZHANG, "1").content
    [record] = rows(ServiceRecord)
    assert record.ended_at is not None


def test_volunteer_logs_a_service_in_one_sentence(wechat):
    readback = wechat.say(ZHANG, "今天帮李奶奶买菜两个小时").content
    assert "11月29日（今天） 服务2小时" in readback
    assert "记好了" in wechat.say(ZHANG, "1").content
    [record] = rows(ServiceRecord)
    assert record.minutes == 120


def test_volunteer_signs_up_for_an_activity(wechat):
    ask = wechat.say(ZHANG, "报名活动").content
    assert "报名哪个活动" in ask and "1 " in ask
    assert "请核对" in wechat.say(ZHANG, "1").content
    assert "报名成功" in wechat.say(ZHANG, "1").content
    assert len(rows(ActivitySignup)) == 1


def test_residents_are_told_how_to_become_volunteers(wechat):
    assert "还不是志愿者" in wechat.say(LI, "签到").content
    chat(wechat, LI, "我想当志愿者")
    assert "请核对" in wechat.say(LI, "1").content
    assert "报名成功" in wechat.say(LI, "1").content
    assert len(rows(VolunteerProfile)) >= 1


def test_policy_answers_come_from_the_staff_edited_knowledge_base(wechat):
    reply = wechat.say(LI, "助餐补贴标准是多少").content
    assert "老年助餐补贴" in reply and "0571-88880002" in reply


def test_menu_and_smalltalk(wechat):
    assert "我能帮您" in wechat.say(LI, "菜单").content
    assert "邻里帮" in wechat.say(LI, "你好").content


def test_bookings_and_points_queries(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家", "1")
    assert "您订的餐" in wechat.say(WANG, "查一下我的订餐").content
    assert "积分" in wechat.say(ZHANG, "我的积分还有多少").content
    assert "最近的活动" in wechat.say(ZHANG, "最近有什么活动").content


def test_low_confidence_offers_the_parse_alternatives_as_numbers(wechat):
    offer = wechat.say(ZHANG, "积分活动").content
    assert offer.startswith("您是想：") and "1 报名活动" in offer
    assert "报名哪个活动" in wechat.say(ZHANG, "1").content


def points_for(demo_people, openid, points):
    with session_scope() as s:
        volunteer = s.get(Person, demo_people[openid])
        while points > 0:
            give_points(s, volunteer=volunteer, points=min(points, 120))
            points -= 120


def balance_of(demo_people, openid):
    with session_scope() as s:
        return get_points_balance(s, person_id=demo_people[openid])


def rice_stock():
    [rice] = rows(Reward, Reward.code == "RW-RICE")
    return rice.stock


def test_redeem_points_names_the_reward_asks_how_many_and_redeems_on_yes(wechat, demo_people):
    points_for(demo_people, ZHANG, 250)
    ask = wechat.say(ZHANG, "我要用积分兑换大米").content
    assert "大米一袋（5斤）每件100积分" in ask and "最多能换2件" in ask and "2 2件" in ask
    readback = wechat.say(ZHANG, "两袋").content
    assert "用200积分兑换 大米一袋（5斤）×2，兑换后剩余50积分" in readback and "1 确认" in readback
    assert rows(Redemption) == []
    done = wechat.say(ZHANG, "1").content
    assert "兑换成功" in done and "还剩50积分" in done
    [redemption] = rows(Redemption)
    assert (redemption.quantity, redemption.points, redemption.person_id) == (2, 200, demo_people[ZHANG])
    assert balance_of(demo_people, ZHANG) == 50 and rice_stock() == 48


def test_redeem_points_lists_balance_and_rewards_one_question_at_a_time(wechat, demo_people):
    points_for(demo_people, ZHANG, 120)
    ask = wechat.say(ZHANG, "积分兑换").content
    assert "您现在有120积分" in ask and "1 毛巾两条，20积分，还剩200件" in ask
    assert "3 大米一袋（5斤），100积分，还剩50件" in ask
    readback = wechat.say(ZHANG, "3").content  # balance allows one: no quantity question
    assert "用100积分兑换 大米一袋（5斤）×1，兑换后剩余20积分" in readback
    assert "兑换成功" in wechat.say(ZHANG, "确认").content
    assert balance_of(demo_people, ZHANG) == 20 and len(rows(Redemption)) == 1


def test_a_retried_confirmation_redeems_once(wechat, demo_people):
    points_for(demo_people, ZHANG, 120)
    chat(wechat, ZHANG, "积分兑换", "3")
    confirm = text_xml(ZHANG, "1", msg_id="7200000000000000001", create_time=int(clock.now().timestamp()))
    replies = [wechat.post(confirm) for _ in range(3)]
    assert "兑换成功" in replies[0].content
    assert {r.body for r in replies} == {replies[0].body}  # byte for byte
    [redemption] = rows(Redemption)
    assert redemption.points == 100 and balance_of(demo_people, ZHANG) == 20 and rice_stock() == 49


def test_redeem_points_refuses_what_the_balance_cannot_cover(wechat, demo_people):
    points_for(demo_people, ZHANG, 50)
    chat(wechat, ZHANG, "积分兑换")
    refusal = wechat.say(ZHANG, "3").content
    assert "积分不够了" in refusal and "您现在有50积分" in refusal and "攒积分" in refusal
    assert "您正在" not in wechat.say(ZHANG, "帮助").content  # the flow ended
    named = wechat.say(ZHANG, "我要用积分兑换大米").content
    assert "积分不够了" in named and "要100积分" in named
    assert rows(Redemption) == [] and balance_of(demo_people, ZHANG) == 50 and rice_stock() == 50


def test_redeem_points_cancelled_mid_flow_and_refused_to_non_volunteers(wechat, demo_people):
    points_for(demo_people, ZHANG, 250)
    chat(wechat, ZHANG, "我要用积分兑换大米")
    assert "您正在积分兑换" in wechat.say(ZHANG, "帮助").content
    assert "已经取消" in wechat.say(ZHANG, "取消").content
    chat(wechat, ZHANG, "积分兑换", "3")
    assert "已经取消" in wechat.say(ZHANG, "取消").content
    assert rows(Redemption) == [] and balance_of(demo_people, ZHANG) == 250
    assert "还不是志愿者" in wechat.say(LI, "积分兑换").content
