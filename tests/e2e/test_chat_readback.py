"""A read-back is not a trap, and the bot receives the questions it asks (issue 18, items 4–6).

Through the real /wechat endpoint: signed XML in, the reply and the database out.
"""

from datetime import date

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.help_requests import HelpRequest
from models.meals import MealBooking
from models.messaging import Notification
from models.person import Person
from models.volunteers import ServiceRecord, VolunteerProfile
from services.help_requests.intake import submit_help_request
from services.volunteers import get_points_balance, log_service
from tests.e2e.chat import chat, rows

pytestmark = pytest.mark.e2e
WANG, LI, ZHANG = "demo_elder_wang", "demo_elder_li", "demo_volunteer_zhang"
NEWCOMER = "oBrandNewPerson000000000018"


def person_id(openid):
    with session_scope() as s:
        return s.scalar(select(Person.id).where(Person.oa_openid == openid))


# ------------------------------------------------------------ read-backs


def test_checkout_said_at_the_checkin_readback_leaves_no_open_record(wechat):
    replies = chat(wechat, ZHANG, "签到", "签退", "1")
    assert "现在签到" in replies[0]
    assert "刚才的签到没有办" in replies[1] and "没有在进行的服务" in replies[1]
    assert "签到成功" not in replies[2]
    assert [r for r in rows(ServiceRecord) if r.status == "open"] == []


def test_a_checked_in_volunteer_who_says_checkout_at_a_readback_is_checked_out(wechat, frozen_clock):
    assert "签到成功" in chat(wechat, ZHANG, "签到", "1")[-1]
    frozen_clock.advance(minutes=90)
    replies = chat(wechat, ZHANG, "签到", "签退", "1")
    assert "已经签到了" in replies[0]  # no second check-in read back for a yes
    assert "现在签退" in replies[1] and "09:00签到" in replies[1]
    assert "签退成功" in replies[2] and "90分钟" in replies[2]
    [record] = rows(ServiceRecord)
    assert record.status == "pending_confirmation" and record.minutes == 90


def test_a_new_flow_at_the_meal_readback_closes_it_and_starts(wechat):
    assert "1 确认" in wechat.say(WANG, "订明天午饭一份送到家").content
    switched = wechat.say(WANG, "我要求助").content
    assert "刚才的订餐没有办" in switched and "哪方面的帮助" in switched
    assert "您正在求助" in wechat.say(WANG, "帮助").content
    assert rows(MealBooking) == []


def test_a_question_at_the_readback_is_answered_and_the_readback_kept(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    parked = wechat.say(WANG, "明天午饭有什么菜").content
    assert "午餐" in parked and "刚才的订餐还没办完" in parked and "1 确认" in parked
    assert "订好了" in wechat.say(WANG, "1").content
    [booking] = rows(MealBooking)
    assert (booking.day, booking.meal, booking.count) == (date(2026, 11, 30), "lunch", 1)


def test_a_correction_at_the_readback_reads_back_again_and_books_the_corrected(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    again = wechat.say(WANG, "改成后天").content
    assert "12月1日（后天）" in again and "1 确认" in again
    assert "订好了" in wechat.say(WANG, "1").content
    [booking] = rows(MealBooking)
    assert booking.day == date(2026, 12, 1)


def test_a_correction_that_starts_with_no_is_a_correction(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    again = wechat.say(WANG, "不对，改成晚饭").content
    assert "晚餐" in again and "1 确认" in again
    assert "订好了" in wechat.say(WANG, "好的").content
    [booking] = rows(MealBooking)
    assert booking.meal == "dinner"


def test_a_free_answer_that_mentions_a_meal_stays_an_answer(wechat):
    replies = chat(wechat, ZHANG, "记录服务", "今天", "2", "帮王奶奶订了午饭送到家里")
    assert "内容：帮王奶奶订了午饭送到家里" in replies[-1] and "刚才的" not in replies[-1]
    assert "记好了" in wechat.say(ZHANG, "1").content and rows(MealBooking) == []


def test_a_menu_word_leaves_a_free_answer(wechat):
    replies = chat(wechat, ZHANG, "记录服务", "今天", "2", "签退")
    assert "刚才的记录志愿服务没有办" in replies[-1] and rows(ServiceRecord) == []


def test_a_refusal_at_the_readback_writes_nothing(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    assert "没有提交" in wechat.say(WANG, "不对").content
    assert "不好意思" in wechat.say(WANG, "1").content  # nothing is waiting for a yes any more
    assert rows(MealBooking) == []


def test_cancelling_a_meal_said_at_the_booking_readback_looks_for_that_meal(wechat):
    chat(wechat, WANG, "订明天午饭一份送到家")
    switched = wechat.say(WANG, "明天的午饭不要了").content
    assert "刚才的订餐没有办" in switched and "没有订餐" in switched
    assert rows(MealBooking) == []


def test_a_new_intent_at_a_question_starts_it(wechat):
    assert "订哪天" in wechat.say(WANG, "订餐").content
    parked = wechat.say(WANG, "附近有助餐点吗").content
    assert "刚才的订餐还没办完" in parked and "订哪天" in parked
    switched = wechat.say(WANG, "我想求助，家里没米了").content
    assert "刚才的订餐没有办" in switched and "家里没米了" in switched


# ------------------------------------------------------------ volunteers


def test_a_verified_volunteer_logs_a_service_and_keeps_her_skills(wechat, demo_people):
    [before] = rows(VolunteerProfile, VolunteerProfile.person_id == demo_people[ZHANG])
    replies = chat(wechat, ZHANG, "我要记录志愿服务", "昨天", "两个小时", "陪李奶奶聊天读报")
    assert "哪天的服务" in replies[0] and "多长时间" in replies[1] and "做了什么" in replies[2]
    assert "11月28日（周六） 服务2小时" in replies[3] and "陪李奶奶聊天读报" in replies[3]
    assert "记好了" in wechat.say(ZHANG, "1").content
    [record] = rows(ServiceRecord)
    assert (record.service_day, record.minutes) == (date(2026, 11, 28), 120)
    [after] = rows(VolunteerProfile, VolunteerProfile.person_id == demo_people[ZHANG])
    assert after.skills == before.skills and after.status == "verified"


@pytest.mark.parametrize(("said", "day"), [("今天", date(2026, 11, 29)), ("昨天", date(2026, 11, 28)),
                                           ("前天", date(2026, 11, 27)), ("2", date(2026, 11, 28))])
def test_which_day_the_service_was_is_answered_in_words(wechat, said, day):
    replies = chat(wechat, ZHANG, "记录服务", said, "1", "帮王奶奶买菜", "1")
    assert "2 11月28日（昨天）" in replies[0] and "多长时间" in replies[1]
    assert "记好了" in replies[-1]
    [record] = rows(ServiceRecord)
    assert record.service_day == day


def test_a_verified_volunteer_is_not_registered_again(wechat, demo_people):
    [before] = rows(VolunteerProfile, VolunteerProfile.person_id == demo_people[ZHANG])
    replies = chat(wechat, ZHANG, "我想当志愿者", "陪同就医")
    assert "已经是志愿者了" in replies[0]
    [after] = rows(VolunteerProfile, VolunteerProfile.person_id == demo_people[ZHANG])
    assert after.skills == before.skills


# ------------------------------------------------------------ answers to the bot's questions


def resolve_a_request(openid, *, description="家里水管坏了"):
    with session_scope() as s:
        elder = s.scalar(select(Person).where(Person.oa_openid == openid))
        request = submit_help_request(s, actor=elder, category="living", urgency="normal",
                                      description=description, channel="chat")
        request.status, request.resolved_at = "resolved", clock.now()
        return request.id


@pytest.mark.parametrize(("said", "rating"), [("5", 5), ("五分", 5), ("很满意", 5), ("一般", 3),
                                              ("不满意", 2), ("打4分吧", 4)])
def test_a_rating_answers_the_question_sent_when_a_request_was_done(wechat, frozen_clock, said,
                                                                   rating):
    request_id = resolve_a_request(WANG)
    frozen_clock.advance(hours=5)
    reply = wechat.say(WANG, said).content
    assert "谢谢您" in reply and f"{rating}分" in reply
    [request] = rows(HelpRequest, HelpRequest.id == request_id)
    assert request.rating == rating and request.status == "closed"


def test_a_rating_with_nothing_to_rate_is_not_guessed_at(wechat):
    assert "没有要您回复数字的事" in wechat.say(WANG, "5").content


def log_for(demo_people, beneficiary):
    with session_scope() as s:
        zhang = s.get(Person, demo_people[ZHANG])
        record = log_service(s, actor=zhang, day=clock.today(), hours=2, description="陪聊天读报",
                             beneficiary_id=demo_people[beneficiary])
        return record.id


@pytest.mark.parametrize("said", ["1", "对的", "是的"])
def test_the_beneficiary_confirms_a_service_in_chat(wechat, demo_people, said):
    record_id = log_for(demo_people, WANG)
    [asked] = rows(Notification, Notification.template == "service_confirm")
    assert "回复1确认，2不对" in asked.text and asked.person_id == demo_people[WANG]
    assert "已经确认" in wechat.say(WANG, said).content
    [record] = rows(ServiceRecord, ServiceRecord.id == record_id)
    assert record.status == "verified" and record.decided_via == "beneficiary"
    with session_scope() as s:
        assert get_points_balance(s, person_id=demo_people[ZHANG]) == 20


@pytest.mark.parametrize("said", ["2", "不对", "没有"])
def test_the_beneficiary_says_no_and_staff_check(wechat, demo_people, said):
    record_id = log_for(demo_people, WANG)
    assert "工作人员会核实" in wechat.say(WANG, said).content
    [record] = rows(ServiceRecord, ServiceRecord.id == record_id)
    assert record.status == "pending_confirmation" and record.needs_staff


def test_the_answer_goes_to_the_question_asked_last(wechat, frozen_clock, demo_people):
    resolve_a_request(WANG)
    frozen_clock.advance(hours=1)
    record_id = log_for(demo_people, WANG)  # asked after the rating: "1" confirms it
    assert "已经确认" in wechat.say(WANG, "1").content
    assert rows(ServiceRecord, ServiceRecord.id == record_id)[0].status == "verified"
    assert "5分" in wechat.say(WANG, "5").content  # and the rating is still there to give


def test_a_flow_in_progress_keeps_its_numbers(wechat, demo_people):
    log_for(demo_people, WANG)
    chat(wechat, WANG, "订餐")
    assert "订哪一顿" in wechat.say(WANG, "1").content  # 1 = today, not "yes, confirmed"
    assert rows(ServiceRecord)[0].status == "pending_confirmation"


# ------------------------------------------------------------ a brand-new person


def test_a_brand_new_person_is_never_stuck(wechat):
    replies = chat(wechat, NEWCOMER, "你好", "1", "签到", "订餐")
    assert "邻里帮" in replies[0]
    assert "没有要您回复数字的事" in replies[1]
    assert "还不是志愿者" in replies[2]
    assert "登记" in replies[3]  # no community yet: say how to register
    asks = chat(wechat, NEWCOMER, "我要登记", "1", "我叫钱阿姨", "算了，不要了")
    assert "名字" in asks[1] and "哪年出生" in asks[2] and "已经取消" in asks[3]
    [newcomer] = rows(Person, Person.oa_openid == NEWCOMER)
    assert newcomer.name is None


def test_a_score_weeks_after_the_request_was_done_is_not_taken_as_one(wechat, frozen_clock):
    request_id = resolve_a_request(WANG)
    frozen_clock.advance(days=8)
    assert "谢谢您" not in wechat.say(WANG, "挺好的").content
    assert rows(HelpRequest, HelpRequest.id == request_id)[0].rating is None


def test_the_welcome_says_what_to_reply_and_that_reply_is_received(wechat):
    welcome = wechat.event(NEWCOMER, "subscribe").content
    assert "回复“登记”" in welcome
    assert "同意吗" in wechat.say(NEWCOMER, "登记").content


@pytest.mark.parametrize(("said", "shown"), [("不对，是三个小时", "服务3小时"),
                                             ("不对，是昨天", "11月28日")])
def test_a_correction_that_starts_with_no_reads_back_the_service_again(wechat, said, shown):
    chat(wechat, ZHANG, "今天帮李奶奶买菜两个小时")
    again = wechat.say(ZHANG, said).content
    assert shown in again and "1 确认" in again
    assert "记好了" in wechat.say(ZHANG, "1").content


def test_the_beneficiary_says_why_it_is_not_right(wechat, demo_people):
    record_id = log_for(demo_people, WANG)
    assert "工作人员会核实" in wechat.say(WANG, "不对，今天没人来过").content
    [record] = rows(ServiceRecord, ServiceRecord.id == record_id)
    assert record.needs_staff and "没人来过" in (record.disputed_reason or "")


def test_registration_keeps_what_each_message_says_and_takes_a_corrected_phone(wechat):
    asks = chat(wechat, NEWCOMER, "我要登记，我叫赵大妈，电话13812345678", "同意", "1948年3月8日",
                "阳光社区7号楼101")
    assert "哪年出生" in asks[1] and "哪个社区" in asks[2]
    assert "赵大妈" in asks[3] and "阳光社区7号楼101" in asks[3] and "138****5678" in asks[3]
    again = wechat.say(NEWCOMER, "不对，电话是13912345678").content
    assert "139****5678" in again and "1 确认" in again
    assert "登记好了" in wechat.say(NEWCOMER, "1").content
    [person] = rows(Person, Person.oa_openid == NEWCOMER)
    assert (person.name, person.phone, person.address) == ("赵大妈", "13912345678", "阳光社区7号楼101")


@pytest.mark.parametrize("said", ["确认订餐", "好的，就这样", "可以的", "中"])
def test_yes_in_many_words_books_at_the_readback(wechat, said):
    chat(wechat, WANG, "订明天午饭一份送到家")
    assert "订好了" in wechat.say(WANG, said).content
    assert len(rows(MealBooking)) == 1


def test_a_volunteer_in_review_is_told_so_not_asked_to_register_again(wechat, demo_people):
    assert "报名成功" in chat(wechat, LI, "我想当志愿者", "陪伴聊天", "1")[-1]
    assert "正在审核" in wechat.say(LI, "签到").content
    assert "正在审核" in wechat.say(LI, "我想当志愿者").content
    [profile] = rows(VolunteerProfile, VolunteerProfile.person_id == demo_people[LI])
    assert profile.skills == ["陪伴聊天"]
