"""The world moves between two turns: each conversation re-reads it and says, in words, what changed.

Between two messages staff, another device or another resident change what
the bot read a moment ago: a meal sells out, a canteen closes that day or is
withdrawn, a booking is cancelled in the mini-program, points are spent on
another phone, a service record is decided by staff, a request is rated or
closed elsewhere, a proxy or a consent is withdrawn. The next message —
帮助, a yes at the read-back, an answer — gets a sentence that says what
happened and what to do next, never the generic 系统有点忙.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.help_requests import HelpRequest
from models.meals import Canteen, CanteenMeal
from models.person import Person, Proxy
from models.volunteers import Reward, ServiceRecord

from .talk import (
    SON,
    TOMORROW,
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

pytestmark = pytest.mark.e2e
GENERIC = "系统有点忙"
Change = Callable[[Chat], None]


def play(chat: Chat, who: str, *steps: str | Change) -> list[str]:
    """Send the lines in turn; a callable between them changes the world as someone else would."""
    replies = []
    for step in steps:
        if callable(step):
            step(chat)
        else:
            replies.append(chat.send(who, step))
    for reply in replies:
        assert GENERIC not in reply, "\n---\n".join(replies)
    return replies


def _staff(s, code: str = "demo_staff_liu") -> Person:  # type: ignore[no-untyped-def]
    return s.scalars(select(Person).where(Person.oa_openid == code)).one()


def _canteen(s, code: str = "ZC-YG") -> Canteen:  # type: ignore[no-untyped-def]
    return s.scalars(select(Canteen).where(Canteen.code == code)).one()


def lunch_capacity(seats: int) -> Change:
    """The canteen serves only this many lunches a day (its own setting)."""

    def change(chat: Chat) -> None:
        with session_scope() as s:
            meal = next(m for m in _canteen(s).meals if m.meal == "lunch")
            meal.capacity = seats

    return change


def neighbour_takes_the_last_lunch(chat: Chat) -> None:
    """Another resident books tomorrow's last lunch in the mini-program."""
    from services.meals.bookings import book_meal

    with session_scope() as s:
        volunteer = s.get(Person, chat.id(ZHANG))
        book_meal(s, actor=volunteer, person_id=volunteer.id, canteen_id=_canteen(s).id, day=TOMORROW,
                  meal="lunch", count=1, delivery=False, channel="miniprogram")


def closed_on_mondays(chat: Chat) -> None:
    """Staff close the canteen on Mondays (tomorrow) from now on."""
    with session_scope() as s:
        _canteen(s).open_weekdays = "234567"


def canteen_withdrawn(chat: Chat) -> None:
    """The canteen stops taking orders altogether."""
    with session_scope() as s:
        _canteen(s).active = False


def lunch_withdrawn(chat: Chat) -> None:
    """The canteen stops serving lunch."""
    with session_scope() as s:
        meal = s.scalars(select(CanteenMeal).where(CanteenMeal.canteen_id == _canteen(s).id,
                                                   CanteenMeal.meal == "lunch")).one()
        s.delete(meal)


def booking_cancelled_elsewhere(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.meals.bookings import cancel_meal_booking

        [booking] = bookings(chat.id(who))
        with session_scope() as s:
            cancel_meal_booking(s, actor=s.get(Person, chat.id(who)), booking_id=booking.id)

    return change


def booked_in_miniprogram(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.meals.bookings import book_meal

        with session_scope() as s:
            book_meal(s, actor=s.get(Person, chat.id(who)), person_id=chat.id(who),
                      canteen_id=_canteen(s).id, day=TOMORROW, meal="lunch", count=1, delivery=False,
                      channel="miniprogram")

    return change


def points_spent_elsewhere(who: str, *, leaving: int) -> Change:
    """The volunteer spends points on another phone until only `leaving` are left."""

    def change(chat: Chat) -> None:
        from services.volunteers import get_points_balance, redeem_reward

        with session_scope() as s:
            person = s.get(Person, chat.id(who))
            rewards = list(s.scalars(select(Reward).where(Reward.stock > 0).order_by(Reward.points_cost)))
            n = 0
            while get_points_balance(s, person_id=person.id) - rewards[0].points_cost >= leaving:
                n += 1
                redeem_reward(s, actor=person, reward_id=rewards[0].id, client_key=f"other-phone-{n}")

    return change


def record_decided_by_staff(beneficiary: str, *, approve: bool) -> Change:
    def change(chat: Chat) -> None:
        from services.volunteers import verify_service_record

        [record] = rows(ServiceRecord, ServiceRecord.beneficiary_id == chat.id(beneficiary),
                        ServiceRecord.status == "pending_confirmation")
        with session_scope() as s:
            verify_service_record(s, actor=_staff(s), record_id=record.id, approve=approve,
                                  reason=None if approve else "时间对不上")

    return change


def rated_elsewhere(requester: str) -> Change:
    def change(chat: Chat) -> None:
        from services.help_requests.feedback import rate_help_request

        [request] = rows(HelpRequest, HelpRequest.requester_id == chat.id(requester),
                         HelpRequest.status == "resolved")
        with session_scope() as s:
            rate_help_request(s, actor=s.get(Person, chat.id(requester)), request_id=request.id, rating=4)

    return change


def request_moved_by_staff(requester: str, to: str) -> Change:
    def change(chat: Chat) -> None:
        from services.help_requests import transition_help_request

        [request] = [r for r in rows(HelpRequest, HelpRequest.requester_id == chat.id(requester))
                     if r.status not in ("closed", "cancelled", "rejected")]
        with session_scope() as s:
            transition_help_request(s, actor=_staff(s), request_id=request.id, to=to,
                                    note="已电话联系，情况已解决" if to != "accepted" else None)

    return change


def proxy_revoked(*, agent: str, principal: str) -> Change:
    def change(chat: Chat) -> None:
        from services.people.proxies import revoke_proxy

        [proxy] = rows(Proxy, Proxy.agent_id == chat.id(agent), Proxy.principal_id == chat.id(principal))
        with session_scope() as s:
            revoke_proxy(s, person=s.get(Person, chat.id(principal)), proxy_id=proxy.id)

    return change


def consent_withdrawn(who: str, scope: str = "sensitive_profile") -> Change:
    def change(chat: Chat) -> None:
        from services.people.consents import give_consent, has_consent, withdraw_consent

        with session_scope() as s:
            person = s.scalars(select(Person).where(Person.oa_openid == who)).one()
            if not has_consent(s, person_id=person.id, scope=scope):
                give_consent(s, person=person, scope=scope)
            withdraw_consent(s, person=person, scope=scope)

    return change


def checked_in_on_the_miniprogram(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.volunteers import check_in

        with session_scope() as s:
            check_in(s, actor=s.get(Person, chat.id(who)))

    return change


def checked_out_on_the_miniprogram(who: str) -> Change:
    def change(chat: Chat) -> None:
        from services.volunteers import check_out

        with session_scope() as s:
            check_out(s, actor=s.get(Person, chat.id(who)))

    return change


def first_activity_cancelled(chat: Chat) -> None:
    """The charity calls off the first activity the bot listed."""
    from models.activities import Activity
    from services.volunteers import cancel_activity

    with session_scope() as s:
        charity = s.scalars(select(Person).where(Person.oa_openid == "demo_charity_zhou")).one()
        first = s.scalars(select(Activity).where(Activity.status == "open")
                          .order_by(Activity.starts_at, Activity.id)).first()
        cancel_activity(s, actor=charity, activity_id=first.id, reason="下雨")


ORDER = "订明天午饭一份送到家"


# ------------------------------------------------------------------ meals


def test_sold_out_since_the_read_back_then_help(chat: Chat) -> None:
    lunch_capacity(1)(chat)
    replies = play(chat, WANG, ORDER, neighbour_takes_the_last_lunch, "帮助", "1")
    assert "请核对" in replies[0]
    assert "订满" in replies[1] and ("换一餐" in replies[1] or "其他助餐点" in replies[1])
    assert "订好了" not in replies[2]
    assert bookings(chat.id(WANG)) == []


def test_sold_out_since_the_read_back_then_yes(chat: Chat) -> None:
    lunch_capacity(1)(chat)
    replies = play(chat, WANG, ORDER, neighbour_takes_the_last_lunch, "1")
    assert "订满" in replies[-1] and "订好了" not in replies[-1]
    assert bookings(chat.id(WANG)) == []


def test_sold_out_while_answering_a_question(chat: Chat) -> None:
    lunch_capacity(1)(chat)
    replies = play(chat, WANG, "订明天午饭一份", neighbour_takes_the_last_lunch, "送到家")
    assert "送到家" in replies[0]
    assert "订满" in replies[-1]


def test_canteen_closed_that_day_since_the_read_back(chat: Chat) -> None:
    replies = play(chat, WANG, ORDER, closed_on_mondays, "帮助", ORDER, "1")
    assert "不营业" in replies[1]
    assert "不营业" in replies[2]
    assert bookings(chat.id(WANG)) == []


def test_canteen_withdrawn_since_the_read_back(chat: Chat) -> None:
    replies = play(chat, WANG, ORDER, canteen_withdrawn, "1")
    assert "暂停订餐" in replies[-1] and "订好了" not in replies[-1]
    assert bookings(chat.id(WANG)) == []


def test_meal_withdrawn_since_the_read_back(chat: Chat) -> None:
    replies = play(chat, WANG, ORDER, lunch_withdrawn, "帮助")
    assert "不供应午餐" in replies[-1]


def test_booked_in_the_miniprogram_since_the_read_back(chat: Chat) -> None:
    replies = play(chat, WANG, ORDER, booked_in_miniprogram(WANG), "1")
    assert "已经订" in replies[-1] and "订好了" not in replies[-1]
    assert len(bookings(chat.id(WANG))) == 1


def test_booking_cancelled_on_another_device_then_yes(chat: Chat) -> None:
    play(chat, WANG, ORDER, "1")
    replies = play(chat, WANG, "取消明天的午饭", booking_cancelled_elsewhere(WANG), "1")
    assert "取消的是" in replies[0]
    assert "已经取消" in replies[-1]


def test_booking_cancelled_on_another_device_then_help(chat: Chat) -> None:
    play(chat, WANG, ORDER, "1")
    replies = play(chat, WANG, "取消明天的午饭", booking_cancelled_elsewhere(WANG), "帮助")
    assert "没有订餐" in replies[-1]


# ------------------------------------------------------------------ proxy and consent


def test_proxy_revoked_since_the_read_back(chat: Chat) -> None:
    replies = play(chat, SON, "给我妈订明天午饭一份送到家", proxy_revoked(agent=SON, principal=WANG),
                   "帮助", "给我妈订明天午饭一份送到家")
    assert "请核对" in replies[0]
    for said in replies[1:]:
        assert "代办" in said
    assert bookings(chat.id(WANG)) == []


def test_proxy_revoked_then_yes(chat: Chat) -> None:
    replies = play(chat, SON, "给我妈订明天午饭一份送到家", proxy_revoked(agent=SON, principal=WANG), "1")
    assert "代办" in replies[-1] and "订好了" not in replies[-1]
    assert bookings(chat.id(WANG)) == []


def test_consent_withdrawn_before_the_registration_yes(chat: Chat) -> None:
    """王秀英 agreed long ago, so the flow does not ask; she withdraws it in the mini-program meanwhile."""
    replies = play(chat, WANG, "我要登记", "王秀英", "1942年5月1日", "13800138001", "1", "阳光社区3号楼201",
                   consent_withdrawn(WANG), "1")
    assert "请核对" in replies[-2]
    assert "登记好了" not in replies[-1] and "撤回" in replies[-1] and "同意" in replies[-1]
    from services.people.residents import has_registration_consent

    with session_scope() as s:
        assert not has_registration_consent(s, person_id=chat.id(WANG))


def test_a_domain_error_anywhere_in_a_turn_is_said_in_words(chat: Chat, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Whatever answer raises a domain error, the person reads it and the state is clean."""
    from bot.dialogue import answers
    from services.meals.errors import SoldOut

    def sold_out(turn, parse):  # type: ignore[no-untyped-def]
        raise SoldOut("明天午餐已经订满了。可以换一餐，或选附近其他助餐点。")

    monkeypatch.setitem(answers.ANSWERS, "points_query", sold_out)
    replies = play(chat, WANG, ORDER, "我有多少积分", "1")
    assert "订满" in replies[1] and "转人工" in replies[1]
    assert "没有要您回复数字" in replies[2]  # the read-back it interrupted is gone, not half-kept


# ------------------------------------------------------------------ points


def test_points_spent_on_another_phone_then_help(chat: Chat) -> None:
    give_points_to(ZHANG, 300)(chat)
    replies = play(chat, ZHANG, "积分兑换", "1", points_spent_elsewhere(ZHANG, leaving=0), "帮助")
    assert "积分" in replies[-1] and "请核对" not in replies[-1]


def test_points_spent_on_another_phone_then_yes(chat: Chat) -> None:
    give_points_to(ZHANG, 300)(chat)
    replies = play(chat, ZHANG, "积分兑换", "1", points_spent_elsewhere(ZHANG, leaving=0), "1")
    assert "积分" in replies[-1] and "兑换成功" not in replies[-1]


# ------------------------------------------------------------------ volunteering


def test_checked_out_on_the_miniprogram_since_the_read_back(chat: Chat) -> None:
    checked_in_on_the_miniprogram(ZHANG)(chat)
    replies = play(chat, ZHANG, "签退", checked_out_on_the_miniprogram(ZHANG), "1")
    assert "现在签退" in replies[0]
    assert "正在进行的服务" in replies[-1] and "签退成功" not in replies[-1]


def test_activity_called_off_since_the_read_back(chat: Chat) -> None:
    replies = play(chat, ZHANG, "报名活动", "1", first_activity_cancelled, "1")
    assert "请核对" in replies[1]
    assert "取消或截止" in replies[-1] and "报名成功" not in replies[-1]


# ------------------------------------------------------------------ service records and requests


def test_service_verified_by_staff_before_the_elder_answers(chat: Chat) -> None:
    service_for(WANG)(chat)
    replies = play(chat, WANG, record_decided_by_staff(WANG, approve=True), "1")
    assert "工作人员" in replies[-1] and "已经" in replies[-1]


def test_service_rejected_by_staff_before_the_elder_answers(chat: Chat) -> None:
    service_for(WANG)(chat)
    replies = play(chat, WANG, record_decided_by_staff(WANG, approve=False), "不对")
    assert "工作人员" in replies[-1]


def test_request_rated_on_another_device_before_the_score(chat: Chat) -> None:
    help_filed(WANG, text="想找人帮忙换灯泡")(chat)
    resolved_by_staff(WANG)(chat)
    replies = play(chat, WANG, rated_elsewhere(WANG), "5")
    assert "评" in replies[-1] or "分" in replies[-1]


def test_request_rejected_by_staff_between_two_status_questions(chat: Chat) -> None:
    help_filed(WANG, text="想找人帮忙换灯泡")(chat)
    replies = play(chat, WANG, "求助进度", request_moved_by_staff(WANG, "rejected"), "求助进度")
    assert "正在等工作人员受理" in replies[0]
    assert "没有受理" in replies[1] and "原因" in replies[1] and "正在等" not in replies[1]


def test_request_taken_on_by_staff_between_two_status_questions(chat: Chat) -> None:
    help_filed(WANG, text="想找人帮忙换灯泡")(chat)
    replies = play(chat, WANG, "求助进度", request_moved_by_staff(WANG, "accepted"), "求助进度")
    assert "工作人员已受理" in replies[1] and "保持电话畅通" in replies[1]


def test_canteen_withdrawn_before_a_registered_person_orders(chat: Chat) -> None:
    """Her community is known; it is the canteen that stopped: say that, not "register first"."""
    replies = play(chat, WANG, canteen_withdrawn, ORDER)
    assert "登记" not in replies[-1]
    assert "没有可以订餐的助餐点" in replies[-1] and "转人工" in replies[-1]
    assert bookings(chat.id(WANG)) == []
