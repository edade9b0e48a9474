"""Ways out in every state, and misses that never leave a person stuck (issue 18, items 7–8).

Each state is reached through the real /wechat endpoint; each way out must end
the flow with nothing written (and never cancel a meal), or do what it says.
"""

import pytest
from sqlalchemy import func, select

from bot.simulator import WeChatSimulator
from core.db import session_scope
from models.activities import ActivitySignup
from models.help_requests import HelpRequest
from models.meals import MealBooking
from models.person import Person
from models.volunteers import Redemption, ServiceRecord, VolunteerProfile
from tests.volunteer_factories import give_points

pytestmark = pytest.mark.e2e
WANG, LI, ZHANG = "demo_elder_wang", "demo_elder_li", "demo_volunteer_zhang"
NEWCOMER = "oBrandNewPerson000000000077"
EXITS = ["取消", "算了", "不要了", "退出", "算了，不要了", "算了吧，先不订", "那就不用了", "不用了，谢谢"]

# state name → (who, what gets them there, what the state asks)
STATES = {
    "book/ask_date": (WANG, ["订餐"], "订哪天"),
    "book/ask_count": (WANG, ["订餐", "明天中午"], "要几份"),
    "book/confirm": (WANG, ["订明天午饭一份送到家"], "1 确认"),
    "cancel/ask_meal": (WANG, ["订明天午饭一份送到家", "1", "取消订餐", "明天"], "取消哪一顿"),
    "cancel/confirm": (WANG, ["订明天午饭一份送到家", "1", "明天的午饭不要了"], "要取消的是"),
    "help/ask_category": (LI, ["我想申请帮助"], "哪方面"),
    "help/confirm": (LI, ["我想申请帮助", "3", "想找人每周帮我打扫一次卫生"], "1 确认"),
    "register/ask_name": (NEWCOMER, ["我要登记", "1"], "名字"),
    "register/ask_phone": (NEWCOMER, ["我要登记", "1", "我叫钱阿姨", "1950年5月1日"], "手机号"),
    "volunteer/ask_skills": (LI, ["我想当志愿者"], "能帮忙做什么"),
    "log/ask_hours": (ZHANG, ["我要记录志愿服务", "今天"], "多长时间"),
    "log/confirm": (ZHANG, ["今天帮李奶奶买菜两个小时"], "1 确认"),
    "checkin/confirm": (ZHANG, ["签到"], "现在签到"),
    "signup/ask_activity": (ZHANG, ["报名活动"], "报名哪个活动"),
    "redeem/ask_reward": (ZHANG, ["积分兑换"], "想换哪一样"),
}


@pytest.fixture
def wechat(app, frozen_clock, demo_people):
    with session_scope() as s:
        give_points(s, volunteer=s.get(Person, demo_people[ZHANG]), points=120)
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"])


def written():
    """What the database holds that a flow could have written."""
    with session_scope() as s:
        count = lambda model, *where: s.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
        return {
            "booked": count(MealBooking, MealBooking.status == "booked"),
            "cancelled": count(MealBooking, MealBooking.status == "cancelled"),
            "help": count(HelpRequest), "records": count(ServiceRecord),
            "volunteers": count(VolunteerProfile), "signups": count(ActivitySignup),
            "redeemed": count(Redemption),
            "registered": count(Person, Person.oa_openid == NEWCOMER, Person.name.is_not(None)),
        }


def reach(wechat, state):
    who, lines, asks = STATES[state]
    replies = [wechat.say(who, line).content for line in lines]
    assert asks in replies[-1], replies
    return who


@pytest.mark.parametrize("state", list(STATES))
def test_every_way_out_ends_the_flow_and_writes_nothing(wechat, state):
    for said in EXITS:
        who = reach(wechat, state)
        before = written()
        reply = wechat.say(who, said).content
        assert "好的" in reply, (said, reply)
        assert "您正在" not in wechat.say(who, "帮助").content, said  # no flow any more
        assert written() == before, said


@pytest.mark.parametrize("state", list(STATES))
def test_restart_help_and_a_person_work_in_every_state(wechat, state):
    who, lines, asks = STATES[state]
    reach(wechat, state)
    assert "您正在" in wechat.say(who, "帮助").content
    restarted = wechat.say(who, "重新开始").content
    assert restarted and "没听明白" not in restarted
    human = wechat.say(who, "转人工").content
    assert "已经通知社区工作人员" in human
    assert "您正在" not in wechat.say(who, "帮助").content


def test_abandoning_a_booking_is_not_a_meal_cancellation(wechat):
    replies = [wechat.say(WANG, line).content for line in
               ["订明天午饭一份送到家", "1", "订餐", "算了吧，先不订", "那就不用了"]]
    assert "订好了" in replies[1] and "刚才的订餐没有办" in replies[3]
    assert "取消哪" not in replies[4] and "要取消的是" not in replies[4]
    [booking] = [b for b in _bookings()]
    assert booking.status == "booked"


def _bookings():
    with session_scope() as s:
        return list(s.scalars(select(MealBooking)))


# ------------------------------------------------------------ misses


def test_the_second_miss_offers_a_person_and_asks_again(wechat):
    wechat.say(WANG, "订餐")
    first = wechat.say(WANG, "嗯这个那个").content
    assert first.startswith("不好意思") and "订哪天" in first
    second = wechat.say(WANG, "哦哦哦").content
    assert "转人工" in second and "订哪天" in second
    third = wechat.say(WANG, "呃呃呃").content
    assert "转人工" in third and "订哪天" in third  # never stuck: the question is still there
    assert "订哪一顿" in wechat.say(WANG, "明天").content


def test_the_miss_counter_resets_when_something_is_understood(wechat):
    wechat.say(WANG, "订餐")
    assert wechat.say(WANG, "嗯这个那个").content.startswith("不好意思")
    assert "订哪一顿" in wechat.say(WANG, "明天").content
    assert wechat.say(WANG, "哦哦哦").content.startswith("不好意思")  # a first miss again


def test_after_two_misses_a_new_request_still_works(wechat):
    wechat.say(WANG, "订餐")
    wechat.say(WANG, "嗯这个那个")
    wechat.say(WANG, "哦哦哦")
    switched = wechat.say(WANG, "我想求助，家里没米了").content
    assert "刚才的订餐没有办" in switched and "家里没米了" in switched


def test_my_help_requests_shows_their_status(wechat):
    wechat.say(LI, "家里没米了")
    wechat.say(LI, "1")
    status = wechat.say(LI, "我的求助").content
    assert "求助QZ-" in status and "现在：" in status
    assert "哪方面" not in status


def test_points_said_plainly_give_the_balance(wechat):
    reply = wechat.say(ZHANG, "我存下的分还有几个").content
    assert "您现在有120积分" in reply
