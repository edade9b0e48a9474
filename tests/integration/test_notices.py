"""Every notice carries its facts (who, where, what, when, the code, the next step) in every channel.

Each test makes its notice through the real service path, claims it as the dispatcher
does and renders it for each WeChat channel open to the person: the customer-service
text, the subscribe message and the template message, within WeChat's field limits.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.messaging import Notification
from models.person import Person
from services import meals
from services.assistance import tiers
from services.help_requests import submit_help_request
from services.help_requests.feedback import request_feedback_reminders
from services.help_requests.intake import request_human_agent
from services.help_requests.sla import escalate_overdue_help_requests
from services.help_requests.triage import Assignee, transition_help_request
from services.meals.reminders import queue_kitchen_summaries, queue_meal_reminders
from services.messaging import outbox
from services.messaging.alerts import escalate_unacknowledged_alerts
from services.messaging.channel_ladder import ChannelPlanner
from services.messaging.message_templates import (
    FIELD_LIMITS,
    TEMPLATES,
    channel_template,
    day_words,
    moment_words,
)
from services.monitoring.welfare import run_welfare_checks
from services.people import proxies
from services.volunteers.activities import (
    cancel_activity,
    remind_upcoming_activities,
    sign_up_for_activity,
    update_activity,
)
from services.volunteers.registration import register_volunteer, verify_volunteer
from services.volunteers.rewards import redeem_reward
from services.volunteers.service_records import log_service
from services.volunteers.verification import verify_service_record
from tests.factories import make_person, make_proxy
from tests.help_factories import make_world
from tests.meals_factories import make_canteen, make_elder, make_operator
from tests.volunteer_factories import (
    give_points,
    make_activity,
    make_charity_admin,
    make_reward,
    make_staff,
    make_volunteer,
)

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _channels(kind: str, person_id: int, about: str = "") -> dict[str, str]:
    """Claim the person's newest notice of this kind and render it in every channel it has."""
    with session_scope() as s:
        claims = [c for c in outbox.claim_due_notifications(s, now=clock.now() + timedelta(days=1),
                                                            limit=500)
                  if c.template == kind and c.person_id == person_id and about in c.text]
        assert claims, f"no {kind} notice for person {person_id}"
        claim = claims[-1]
        layout = channel_template(kind)
        planner = ChannelPlanner(openids={person_id: "o"}, window_left={person_id: 1},
                                 credits={(person_id, layout.subscribe_id or ""): 1})
        rendered = {"cs": claim.text}
        for channel, _openid, arg in planner.rungs(claim):
            if channel == "cs":
                continue
            template_id, fields, _page = arg
            for key, kind_, _source in layout.fields:
                assert len(fields[key]) <= FIELD_LIMITS[kind_], (channel, key, fields[key])
            rendered[channel] = " | ".join(fields.values())
        s.rollback()  # look, don't claim: the next look sees the same notices
    assert "template" in rendered and (layout.subscribe_id is None or "subscribe" in rendered)
    return rendered


def _carries(kind: str, person_id: int, *facts: str) -> dict[str, str]:
    rendered = _channels(kind, person_id, facts[0])
    for channel, text in rendered.items():
        for fact in facts:
            assert fact in text, f"{kind}: {channel} lacks {fact!r}: {text}"
    return rendered


def test_every_kind_the_code_sends_has_a_notice_layout():
    sent: set[str] = set()
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("bot/**/*.py")]:
        sent |= set(re.findall(r'template="([a-z_]+)"', path.read_text(encoding="utf-8")))
    sent |= {"proxy_accepted", "proxy_declined"}  # template=f"proxy_{status}"
    assert sent - set(TEMPLATES) == set()
    for kind, layout in TEMPLATES.items():
        assert len(layout.fields) <= 5, kind


def test_an_emergency_tells_staff_who_where_what_and_the_phone(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        son = make_person(s, community=w.here, name="王小明")
        make_proxy(s, principal=w.resident, agent=son)
        made = submit_help_request(s, actor=w.resident, category="medical", urgency="emergency",
                                   description="老伴摔倒了起不来", channel="chat",
                                   place="菜市场门口")
        code, staff, son_id = made.code, w.staff.id, son.id
    shown = _carries("help_emergency", staff, code, "王**", "菜市场门口", "13800138001")
    assert "摔倒" in shown["template"]
    _carries("help_emergency_family", son_id, code, "王**", "菜市场门口")


def test_an_emergency_from_someone_without_a_community_reaches_the_duty_desk(sqlite_db,
                                                                           frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        duty = make_person(s, roles=("duty",), community=None, name="值班员")
        stranger = make_person(s, roles=("resident",), community=None, name="路人甲",
                               phone="13900000009")
        stranger.community_id = None
        made = submit_help_request(s, actor=stranger, category="other", urgency="emergency",
                                   description="有人晕倒了", channel="chat",
                                   place=f"桥下（位置 {w.here.latitude or 30.27},120.15）")
        code, duty_id = made.code, duty.id
        told = set(s.scalars(select(Notification.person_id).where(
            Notification.template == "help_emergency")))
    assert duty_id in told
    _carries("help_emergency", duty_id, code, "13900000009", "晕倒")


def test_help_notices_to_staff_carry_code_person_and_deadline(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        human = request_human_agent(s, actor=w.resident, note="想问问低保怎么办")
        made = submit_help_request(s, actor=w.resident, category="living", urgency="normal",
                                   description="家里水管坏了", channel="chat")
        transition_help_request(s, actor=w.staff, request_id=made.id, to="accepted")
        transition_help_request(s, actor=w.staff, request_id=made.id, to="assigned",
                                assignee=Assignee(person_id=w.volunteer.id))
        codes = (human.code, made.code)
        staff, volunteer, resident = w.staff.id, w.volunteer.id, w.resident.id
        due = day_words(made.resolve_due_at.astimezone(clock.LOCAL_TZ).date())
    _carries("help_human", staff, codes[0], "王**", "13800138001")
    _carries("help_assigned", volunteer, codes[1], "王**", "水管", due)
    shown = _carries("help_status", resident, codes[1])
    assert "已派单" in shown["template"] and "acce" not in shown["template"]


def test_overdue_and_escalated_notices_name_the_request_and_the_deadline(sqlite_db,
                                                                       frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        late = submit_help_request(s, actor=w.resident, category="living", urgency="normal",
                                   description="家里水管坏了", channel="chat")
        code, staff, supervisor = late.code, w.staff.id, w.supervisor.id
        deadline = moment_words(late.accept_due_at)
        submit_help_request(s, actor=w.neighbour, category="medical", urgency="emergency",
                            description="摔倒了", channel="chat")
    frozen_clock.advance(minutes=11)
    with session_scope() as s:
        assert escalate_unacknowledged_alerts(s, now=clock.now()) == 1
    frozen_clock.advance(hours=24)
    with session_scope() as s:
        assert escalate_overdue_help_requests(s, now=clock.now()) >= 1
    _carries("help_overdue", staff, code, "超时未受理", deadline, "王**")
    shown = _carries("alert_escalated", supervisor, "李**")
    assert "紧急" in shown["template"] and re.search(r"\| QZ-\d{8}-\d{4} \|", shown["template"])


def test_the_rating_reminder_carries_the_code_and_how_to_answer(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit_help_request(s, actor=w.resident, category="living", urgency="normal",
                                   description="家里水管坏了", channel="chat")
        for to in ("accepted", "in_progress", "resolved"):
            transition_help_request(s, actor=w.staff, request_id=made.id, to=to)
        code, resident = made.code, w.resident.id
    frozen_clock.advance(days=4)
    with session_scope() as s:
        assert request_feedback_reminders(s, now=clock.now()) == 1
    _carries("help_feedback", resident, code, "1到5分")


def test_meal_notices_carry_day_canteen_how_and_amount(sqlite_db, frozen_clock):
    with session_scope() as s:
        elder = make_elder(s)
        son = make_person(s, name="王小明")
        make_proxy(s, principal=elder, agent=son)
        canteen = make_canteen(s, name="阳光食堂")
        operator = make_operator(s, canteen)
        tomorrow = clock.today() + timedelta(days=1)
        booking = meals.book_meal(s, actor=son, person_id=elder.id, canteen_id=canteen.id,
                                  day=tomorrow, meal="lunch", count=1, delivery=True)
        amount = f"{booking.payable_fen / 100:.2f}元"
        elder_id, operator_id = elder.id, operator.id
        assert queue_meal_reminders(s, now=clock.now(), evening=True) == 1
    _carries("meal_booking", elder_id, f"{tomorrow.month}月{tomorrow.day}日", "午餐", "阳光食堂",
             "送餐")
    assert amount in _channels("meal_booking", elder_id)["template"]
    _carries("meal_reminder", elder_id, "阳光食堂", "送餐")
    assert day_words(tomorrow) in _channels("meal_reminder", elder_id)["template"]
    frozen_clock.advance(days=1, minutes=31)  # tomorrow 09:31, just past lunch's cutoff
    with session_scope() as s:
        assert queue_kitchen_summaries(s, now=clock.now()) == 1
    shown = _carries("kitchen_summary", operator_id, "阳光食堂", "送餐1份")
    assert "1" in shown["template"].split(" | ")[2]


def test_family_and_tier_notices_name_the_person(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        son = make_person(s, community=w.here, name="王小明", phone="13900000001")
        proxy = proxies.invite_proxy(s, agent=son, phone="13800138001", relation="儿子")
        proxies.accept_proxy(s, principal=w.resident, proxy_id=proxy.id)
        w.resident.economic_tier = "dibao"
        w.resident.tier_review_due = clock.today() + timedelta(days=10)
        assert tiers.remind_tier_reviews(s, now=clock.now()) == 1
        resident, son_id, staff = w.resident.id, son.id, w.staff.id
        due = f"{w.resident.tier_review_due.month}月{w.resident.tier_review_due.day}日"
    _carries("proxy_invited", resident, "王**", "1")
    _carries("proxy_accepted", son_id, "王**", "同意")
    _carries("tier_review_due", staff, "王**", "低保", due)


def test_a_welfare_check_names_the_elder_and_the_worry(sqlite_db, frozen_clock):
    from tests.integration.test_welfare import _regular_elder

    with session_scope() as s:
        elder, _ = _regular_elder(s, last=("no_show", "no_show", "no_show"))
        son = make_person(s, name="王小明", birth_date=None)
        make_proxy(s, principal=elder, agent=son)
        assert run_welfare_checks(s, now=clock.now()) == 1
        son_id = son.id
    _carries("welfare_check", son_id, "王**")


def test_volunteer_notices_carry_the_service_the_result_and_points(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        volunteer = make_volunteer(s, community=w.here, name="张芳")
        log_service(s, actor=volunteer, day=clock.today(), hours=2, description="陪老人买菜",
                    beneficiary_id=w.resident.id)
        newcomer = make_person(s, community=w.here, name="孙新")
        register_volunteer(s, actor=newcomer, skills=["买菜"])
        verify_volunteer(s, actor=w.staff, volunteer_id=newcomer.id, approve=True)
        other = make_volunteer(s, community=w.here, name="周强")
        record = log_service(s, actor=other, day=clock.today(), hours=1, description="打扫卫生")
        verify_service_record(s, actor=w.staff, record_id=record.id, approve=True)
        rich = make_volunteer(s, community=w.here, name="钱多")
        give_points(s, volunteer=rich, points=50)
        reward = make_reward(s, cost=10, name="大米一袋")
        redeem_reward(s, actor=rich, reward_id=reward.id, client_key="k1")
        ids = (w.resident.id, newcomer.id, other.id, rich.id)
        today = day_words(clock.today())
    _carries("service_confirm", ids[0], "张芳", "陪老人买菜")
    assert today in _channels("service_confirm", ids[0])["template"]
    _carries("volunteer_verified", ids[1], "通过")
    _carries("service_decided", ids[2], "已确认")
    assert re.search(r"\| \d+$", _channels("service_decided", ids[2])["template"])
    _carries("reward_redeemed", ids[3], "大米一袋", "10", "社区服务站")


def test_activity_notices_carry_the_title_time_and_place(sqlite_db, frozen_clock):
    with session_scope() as s:
        staff_community = make_world(s).here
        admin, org = make_charity_admin(s, community=staff_community)
        make_staff(s, community=staff_community)
        volunteer = make_volunteer(s, community=staff_community)
        soon = make_activity(s, organisation=org, admin=admin,
                             starts_at=clock.now() + timedelta(hours=20))
        later = make_activity(s, organisation=org, admin=admin)
        for activity in (soon, later):
            sign_up_for_activity(s, actor=volunteer, activity_id=activity.id)
        assert remind_upcoming_activities(s, now=clock.now()) == 1
        update_activity(s, actor=admin, activity_id=later.id, place="社区活动室")
        cancel_activity(s, actor=admin, activity_id=soon.id, reason="下雨改期")
        vid, start = volunteer.id, soon.starts_at
    _carries("activity_reminder", vid, "敬老院包饺子", "阳光敬老院")
    reminder = _channels("activity_reminder", vid)["template"]
    assert moment_words(start) in reminder and "请准时到" in reminder
    _carries("activity_changed", vid, "敬老院包饺子", "社区活动室")
    _carries("activity_cancelled", vid, "敬老院包饺子", "下雨改期")


def test_an_emergency_goes_out_as_a_template_message_with_its_facts(sqlite_db, frozen_clock,
                                                                    fake_wechat, memory_kv):
    from core.wechat import AppCredentials, WeChatClient
    from scheduler.dispatcher import dispatch_due_notifications

    with session_scope() as s:
        w = make_world(s)
        submit_help_request(s, actor=w.resident, category="medical", urgency="emergency",
                            description="摔倒了", channel="chat", place="3号楼楼下")
        staff_openid = s.get(Person, w.staff.id).oa_openid
    client = WeChatClient(base_url=fake_wechat.url, official=AppCredentials("wx_oa", "s"),
                          miniprogram=AppCredentials("wx_mp", "s"), kv=memory_kv,
                          timeout=2.0, backoff=0.01)
    dispatch_due_notifications(client)
    [sent] = [r["body"] for r in fake_wechat.requests_to("/cgi-bin/message/template/send")
              if r["body"]["touser"] == staff_openid]
    values = {k: v["value"] for k, v in sent["data"].items()}
    assert values["character_string1"].startswith("QZ-") and values["name2"] == "王**"
    assert values["thing4"] == "3号楼楼下" and values["phone_number5"] == "13800138001"


def test_referral_and_consent_notices_carry_the_code_and_the_answer(sqlite_db, frozen_clock):
    from services.help_requests.consent import answer_charity_consent, ask_charity_consent

    with session_scope() as s:
        w = make_world(s)
        made = submit_help_request(s, actor=w.resident, category="living", urgency="normal",
                                   description="冬天没有棉被", channel="chat")
        ask_charity_consent(s, actor=w.staff, request_id=made.id, organisation_id=w.charity.id)
        answer_charity_consent(s, person=w.resident, help_request_id=made.id, agreed=True)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="referred",
                                assignee=Assignee(organisation_id=w.charity.id))
        transition_help_request(s, actor=w.charity_admin, request_id=made.id, to="rejected",
                                note="物资已发完")
        code, ids = made.code, (w.resident.id, w.staff.id, w.charity_admin.id)
    _carries("charity_consent", ids[0], code, "1 同意 2 不同意")
    _carries("help_consent_answered", ids[1], code, "同意")
    _carries("help_referred", ids[2], code, "王**", "生活")
    _carries("help_referral_declined", ids[1], code, "王**", "物资已发完")


def test_a_standing_order_day_that_could_not_be_booked_is_told_with_its_reason(sqlite_db,
                                                                              frozen_clock):
    from services.meals.standing import create_standing_order
    from services.meals.standing_job import book_standing_orders

    with session_scope() as s:
        w = make_world(s)
        elder = make_elder(s, community=w.here)
        son = make_person(s, community=w.here, name="王小明")
        make_proxy(s, principal=elder, agent=son)
        canteen = make_canteen(s, community=w.here, name="阳光食堂", capacity=1)
        tomorrow = clock.today() + timedelta(days=1)
        other = make_elder(s, community=w.here, name="李大妈")
        meals.book_meal(s, actor=other, person_id=other.id, canteen_id=canteen.id, day=tomorrow,
                        meal="lunch", count=1, delivery=False)
        create_standing_order(s, actor=son, person_id=elder.id, canteen_id=canteen.id,
                              meal="lunch", days="daily", starts_on=tomorrow)
        book_standing_orders(s, now=clock.now())
        ids = (elder.id, son.id, w.staff.id)
        when = f"{tomorrow.month}月{tomorrow.day}日"
    _carries("standing_order", ids[0], "王**", "阳光食堂")
    _carries("standing_order_missed", ids[0], when, "阳光食堂")
    _carries("standing_order_missed", ids[1], when, "阳光食堂")
    _carries("standing_order_missed_staff", ids[2], "王**", when, "已订满")


def test_a_home_located_later_is_told_to_the_resident(sqlite_db, frozen_clock):
    from services.people.addresses import import_address_book
    from services.people.residents import register_resident

    with session_scope() as s:
        w = make_world(s)
        person = make_person(s, community=None, name="张桂芳")
        register_resident(s, person=person, name="张桂芳", phone="13912345678",
                          community_id=w.here.id, address="九号楼301室",
                          birth_date=clock.today().replace(year=1946))
        assert person.home_location is None
        report = import_address_book(
            s, text=f"社区,楼栋,别名,纬度,经度\n{w.here.name},9号楼,九栋,30.2745,120.1556\n")
        assert not report.errors and report.located == 1
        pid = person.id
    _carries("home_located", pid, "送餐上门")


def test_a_followup_asks_with_the_code_and_a_worse_answer_tells_staff(sqlite_db, frozen_clock):
    from services.help_requests.followup import answer_followup, ask_followups

    with session_scope() as s:
        w = make_world(s)
        made = submit_help_request(s, actor=w.resident, category="living", urgency="normal",
                                   description="家里水管坏了", channel="chat")
        for to in ("accepted", "in_progress", "resolved"):
            transition_help_request(s, actor=w.staff, request_id=made.id, to=to)
        code, made_id, ids = made.code, made.id, (w.resident.id, w.staff.id)
    frozen_clock.advance(days=31)
    with session_scope() as s:
        assert ask_followups(s, now=clock.now()) == 1
        answer_followup(s, person=s.get(Person, ids[0]), help_request_id=made_id, answer="worse")
    _carries("help_followup", ids[0], code, "1")
    _carries("help_followup_worse", ids[1], code, "王**", "更难了")


def test_a_household_signal_names_the_household_and_the_signal(sqlite_db, demo_people):
    from services.monitoring.household_warnings import raise_household_warnings

    with session_scope() as s:
        assert raise_household_warnings(s, now=clock.now()) >= 1
    _carries("household_signal", demo_people["demo_staff_chen"], "李**")


def test_a_declined_invitation_tells_the_family_member(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        son = make_person(s, community=w.here, name="王小明", phone="13900000001")
        proxy = proxies.invite_proxy(s, agent=son, phone="13800138001", relation="儿子")
        proxies.decline_proxy(s, principal=w.resident, proxy_id=proxy.id)
        son_id = son.id
    _carries("proxy_declined", son_id, "王**", "婉拒")
