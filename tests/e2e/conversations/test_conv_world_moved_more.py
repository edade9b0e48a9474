"""The world moves between two turns, continued: pauses, activities, rewards, requests, standing orders.

Like test_conv_world_moved.py: between two messages someone else (staff, a
charity, the mini-program, the clock) changes what the bot read a moment ago,
and the next message gets a sentence that says what happened and what to do
next — never the generic 系统有点忙, never a yes spent on something else.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.activities import Activity
from models.help_requests import HelpRequest
from models.person import Person
from models.standing import StandingOrder
from models.volunteers import Reward, ServiceRecord

from .talk import (
    SON,
    WANG,
    ZHANG,
    Chat,
    bookings,
    give_points_to,
    help_filed,
    resolved_by_staff,
    rows,
    service_for,
)
from .test_conv_world_moved import (
    ORDER,
    Change,
    _canteen,
    _staff,
    lunch_withdrawn,
    play,
    proxy_revoked,
)

pytestmark = pytest.mark.e2e


def _person(s, openid: str) -> Person:  # type: ignore[no-untyped-def]
    return s.scalars(select(Person).where(Person.oa_openid == openid)).one()


def first_activity_filled(chat: Chat) -> None:
    """The charity cuts the first activity to one place and another volunteer takes it."""
    from services.volunteers import sign_up_for_activity
    from tests.volunteer_factories import make_volunteer

    with session_scope() as s:
        first = s.scalars(select(Activity).where(Activity.status == "open")
                          .order_by(Activity.starts_at, Activity.id)).first()
        first.capacity = 1
        from models.region import Community

        other = make_volunteer(s, community=s.get(Community, _person(s, ZHANG).community_id))
        sign_up_for_activity(s, actor=other, activity_id=first.id)


def rewards_ran_out(chat: Chat) -> None:
    """The service station hands out the last of every reward."""
    with session_scope() as s:
        for reward in s.scalars(select(Reward)):
            reward.stock = 0


def standing_lunch_for(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.meals.standing import create_standing_order

        with session_scope() as s:
            create_standing_order(s, actor=_person(s, who), person_id=chat.id(who), canteen_id=_canteen(s).id,
                                  meal="lunch", days="daily", count=1, delivery=False, channel="miniprogram")

    return change


def standing_ended_elsewhere(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.meals.standing import end_standing_order

        [order] = rows(StandingOrder, StandingOrder.person_id == chat.id(who))
        with session_scope() as s:
            end_standing_order(s, actor=_person(s, who), order_id=order.id)

    return change


def resumed_elsewhere(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.meals.standing import resume_standing_order

        [order] = rows(StandingOrder, StandingOrder.person_id == chat.id(who))
        with session_scope() as s:
            resume_standing_order(s, actor=_person(s, who), order_id=order.id)

    return change


def request_reopened_by_staff(requester: str) -> Change:
    """Staff take a resolved request back to 办理中 (it was not really done)."""

    def change(chat: Chat) -> None:
        from services.help_requests import transition_help_request

        [request] = rows(HelpRequest, HelpRequest.requester_id == chat.id(requester),
                         HelpRequest.status == "resolved")
        with session_scope() as s:
            transition_help_request(s, actor=_staff(s), request_id=request.id, to="in_progress",
                                    note="老人说灯还是不亮")

    return change


def charity_asked(requester: str) -> Change:
    """Staff ask the requester whether a charity may see their request."""

    def change(chat: Chat) -> None:
        from models.region import Organisation
        from services.help_requests.consent import ask_charity_consent

        [request] = rows(HelpRequest, HelpRequest.requester_id == chat.id(requester),
                         HelpRequest.status == "submitted")
        with session_scope() as s:
            charity = s.scalars(select(Organisation).where(Organisation.kind == "charity")).first()
            ask_charity_consent(s, actor=_staff(s), request_id=request.id, organisation_id=charity.id)

    return change


def request_closed_by_staff(requester: str, to: str) -> Change:
    def change(chat: Chat) -> None:
        from services.help_requests import transition_help_request

        [request] = [r for r in rows(HelpRequest, HelpRequest.requester_id == chat.id(requester))
                     if r.status not in ("closed", "cancelled", "rejected")]
        with session_scope() as s:
            transition_help_request(s, actor=_staff(s), request_id=request.id, to=to,
                                    note="已电话联系，情况已解决")

    return change


def registered_and_verified_elsewhere(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.volunteers import register_volunteer, verify_volunteer

        with session_scope() as s:
            person = _person(s, who)
            profile = register_volunteer(s, actor=person, skills=["打扫卫生"])
            verify_volunteer(s, actor=_staff(s), volunteer_id=profile.person_id, approve=True)

    return change


def parent_erased(chat: Chat) -> None:
    """The elder's account is erased (staff carried out her request) while her son books for her."""
    from core import clock
    from services.rights.erasure import erase_person

    with session_scope() as s:
        erase_person(s, person=_person(s, WANG), now=clock.now())


# ------------------------------------------------------------------ a pause


def test_a_read_back_is_remembered_long_enough_to_say_it_timed_out(chat: Chat) -> None:
    """Which flow was unfinished is kept a day, so a late "1" hears what happened; what was said is not."""
    import json

    from bot.dialogue_state import TIMEOUT_SECONDS, lapsed_key, state_key
    from core.kv import get_kv

    play(chat, WANG, "订明天午饭一份送到家，地址是阳光社区3号楼201")
    kv = get_kv()
    left = kv.ttl(lapsed_key(WANG))
    assert left is not None and left > 2 * 3600 > TIMEOUT_SECONDS
    assert json.loads(kv.get(lapsed_key(WANG))) == {"flow": "meal_book", "updated_at": 0}
    said = kv.ttl(state_key(WANG))  # the slots: gone a minute after the timeout
    assert said is not None and TIMEOUT_SECONDS - 5 < said <= TIMEOUT_SECONDS + 60


def test_a_late_yes_after_the_store_forgot_what_was_said(chat: Chat) -> None:
    """The dialogue's slots lapsed in the store; the flow's name still says the read-back timed out."""
    from bot.dialogue_state import state_key
    from core.kv import get_kv

    replies = play(chat, WANG, ORDER)
    get_kv().delete(state_key(WANG))  # what the store does by itself 16 minutes later
    replies += play(chat, WANG, "1")
    assert "超过15分钟" in replies[-1] and "订好了" not in replies[-1]
    assert bookings(chat.id(WANG)) == []


def test_a_late_yes_to_a_timed_out_read_back_confirms_nothing_else(chat: Chat, frozen_clock) -> None:  # type: ignore[no-untyped-def]
    """A volunteer's service waits for 王秀英's "1"; her "1" two hours late was for the booking."""
    service_for(WANG)(chat)
    replies = play(chat, WANG, ORDER)
    frozen_clock.advance(hours=2)
    replies += play(chat, WANG, "1")
    assert "超过15分钟" in replies[-1] and "订餐" in replies[-1]
    assert "确认了" not in replies[-1] and "订好了" not in replies[-1]
    assert bookings(chat.id(WANG)) == []
    [record] = rows(ServiceRecord, ServiceRecord.beneficiary_id == chat.id(WANG))
    assert record.status == "pending_confirmation"


def test_a_late_score_to_a_timed_out_question_rates_nothing(chat: Chat, frozen_clock) -> None:  # type: ignore[no-untyped-def]
    """A rating waits; the person was picking a day in a booking, left, and answers "2" an hour later."""
    help_filed(WANG, text="想找人帮忙换灯泡")(chat)
    resolved_by_staff(WANG)(chat)
    replies = play(chat, WANG, "订餐")
    frozen_clock.advance(hours=1)
    replies += play(chat, WANG, "2")
    assert "超过15分钟" in replies[-1] and "打了" not in replies[-1]
    [request] = rows(HelpRequest, HelpRequest.requester_id == chat.id(WANG), HelpRequest.channel == "miniprogram")
    assert request.rating is None


# ------------------------------------------------------------------ volunteering and points


def test_activity_filled_since_the_read_back_then_help(chat: Chat) -> None:
    replies = play(chat, ZHANG, "报名活动", "1", first_activity_filled, "帮助")
    assert "请核对" in replies[1]
    assert "满" in replies[-1] and "请核对" not in replies[-1]


def test_activity_filled_since_the_read_back_then_yes(chat: Chat) -> None:
    replies = play(chat, ZHANG, "报名活动", "1", first_activity_filled, "1")
    assert "满" in replies[-1] and "报名成功" not in replies[-1]


def test_reward_ran_out_since_the_read_back(chat: Chat) -> None:
    give_points_to(ZHANG, 300)(chat)
    replies = play(chat, ZHANG, "积分兑换", "3", rewards_ran_out, "1")
    assert "请核对" in replies[1] or "换几件" in replies[1]
    assert "兑换成功" not in replies[-1] and "兑完" in replies[-1] and "少换几件" not in replies[-1]


def test_registered_and_verified_elsewhere_before_the_yes(chat: Chat) -> None:
    replies = play(chat, WANG, "我想当志愿者", "陪伴聊天", registered_and_verified_elsewhere(WANG), "1")
    assert "请核对" in replies[1]
    assert "已经是志愿者" in replies[-1] and "报名成功" not in replies[-1]


# ------------------------------------------------------------------ requests


def test_request_reopened_by_staff_before_the_score(chat: Chat) -> None:
    help_filed(WANG, text="想找人帮忙换灯泡")(chat)
    resolved_by_staff(WANG)(chat)
    replies = play(chat, WANG, request_reopened_by_staff(WANG), "5")
    assert "办理" in replies[-1] and "没有要您回复数字" not in replies[-1]


def test_request_closed_before_the_charity_answer(chat: Chat) -> None:
    help_filed(WANG, text="想找人帮忙换灯泡")(chat)
    replies = play(chat, WANG, charity_asked(WANG), request_closed_by_staff(WANG, "cancelled"), "1")
    assert "会联系您" not in replies[-1] and "取消" in replies[-1]


def test_help_for_a_parent_after_the_proxy_was_revoked(chat: Chat) -> None:
    replies = play(chat, SON, "帮我妈求助，家里灯泡坏了", proxy_revoked(agent=SON, principal=WANG), "1")
    assert "代办" in replies[-1] and "已经提交" not in replies[-1]


def test_booking_for_a_parent_whose_account_was_erased(chat: Chat) -> None:
    replies = play(chat, SON, "给我妈订明天午饭一份送到家", parent_erased, "1")
    assert "注销" in replies[-1] and "订好了" not in replies[-1] and "同意代办" not in replies[-1]
    assert bookings() == []


def test_help_in_a_booking_for_a_parent_whose_account_was_erased(chat: Chat) -> None:
    replies = play(chat, SON, "给我妈订明天午饭一份送到家", parent_erased, "帮助")
    assert "注销" in replies[-1] and "请核对" not in replies[-1]


def test_help_request_for_a_parent_whose_account_was_erased(chat: Chat) -> None:
    replies = play(chat, SON, "帮我妈求助，家里灯泡坏了", parent_erased, "1")
    assert "注销" in replies[-1] and "已经提交" not in replies[-1]


# ------------------------------------------------------------------ standing orders


def test_standing_order_read_back_after_lunch_withdrawn(chat: Chat) -> None:
    replies = play(chat, WANG, "以后每天中午给我送一份", lunch_withdrawn, "帮助", "1")
    assert "请核对" in replies[0]
    assert "午餐" in replies[1] and "请核对" not in replies[1]


def test_standing_order_read_back_after_lunch_withdrawn_then_yes(chat: Chat) -> None:
    replies = play(chat, WANG, "以后每天中午给我送一份", lunch_withdrawn, "1")
    assert "设好了" not in replies[-1] and "午餐" in replies[-1]


def test_pause_read_back_after_the_order_ended_elsewhere(chat: Chat) -> None:
    standing_lunch_for(WANG)(chat)
    replies = play(chat, WANG, "长期订餐这周先停", standing_ended_elsewhere(WANG), "帮助", "长期订餐这周先停")
    assert "暂停" in replies[0]
    assert "停了" in replies[1] or "没有长期订餐" in replies[1]


def test_pause_after_the_order_ended_elsewhere_then_yes(chat: Chat) -> None:
    standing_lunch_for(WANG)(chat)
    replies = play(chat, WANG, "长期订餐这周先停", standing_ended_elsewhere(WANG), "1")
    assert "暂停了" not in replies[-1] and "停了" in replies[-1]


def test_resume_read_back_after_resumed_elsewhere(chat: Chat) -> None:
    standing_lunch_for(WANG)(chat)
    play(chat, WANG, "长期订餐这周先停", "1")
    replies = play(chat, WANG, "恢复长期订餐", resumed_elsewhere(WANG), "帮助")
    assert "要恢复" in replies[0]
    assert "已经恢复了" in replies[-1] and "要恢复" not in replies[-1]


def test_resume_read_back_after_the_canteen_stopped_lunch(chat: Chat) -> None:
    standing_lunch_for(WANG)(chat)
    play(chat, WANG, "长期订餐这周先停", "1")
    replies = play(chat, WANG, "恢复长期订餐", lunch_withdrawn, "帮助", "恢复长期订餐", "1")
    assert "要恢复" in replies[0]
    for said in replies[1:3]:
        assert "不供应午餐" in said and "接下来会订" not in said
    assert "恢复了，照常订" not in replies[-1]
    [order] = rows(StandingOrder, StandingOrder.person_id == chat.id(WANG))
    assert order.paused_from is not None


def test_resume_after_the_canteen_stopped_lunch_then_yes(chat: Chat) -> None:
    standing_lunch_for(WANG)(chat)
    play(chat, WANG, "长期订餐这周先停", "1")
    replies = play(chat, WANG, "恢复长期订餐", lunch_withdrawn, "1")
    assert "不供应午餐" in replies[-1] and "恢复了，照常订" not in replies[-1]


def test_end_read_back_after_the_order_ended_elsewhere(chat: Chat) -> None:
    standing_lunch_for(WANG)(chat)
    replies = play(chat, WANG, "长期订餐不要了", standing_ended_elsewhere(WANG), "帮助")
    assert "已经停了" in replies[-1] or "没有长期订餐" in replies[-1]

