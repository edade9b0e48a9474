"""The /wechat pipeline end to end: fixtures replayed as WeChat sends them, signed and encrypted."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.simulator import WeChatSimulator
from core.db import session_scope
from models.bot import InboundMessage
from models.channels import SubscribeCredit
from models.help_requests import HelpRequest
from models.monitoring import RiskAlert
from models.person import Person

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).parent / "fixtures" / "wechat"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.xml").read_text(encoding="utf-8")


@pytest.fixture(params=["plain", "safe"])
def wechat(request, app, frozen_clock):
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"],
                           safe=request.param == "safe")


def count(model, *where):
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_url_verification_echoes_echostr(app, frozen_clock):
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    q = sim.query() | {"echostr": "hello-123"}
    assert app.test_client().get("/wechat", query_string=q).get_data(as_text=True) == "hello-123"
    bad = q | {"signature": "0" * 40}
    assert app.test_client().get("/wechat", query_string=bad).status_code == 403


def test_greeting_gets_a_reply_in_both_modes(wechat, demo_people):
    reply = wechat.post(fixture("text__hello"))
    assert reply.status == 200
    assert reply.fields["ToUserName"] == "demo_elder_li" and reply.fields["FromUserName"] == "gh_linli"
    assert "邻里帮" in reply.content
    if wechat.safe:
        assert "<Encrypt>" in reply.body and "<MsgSignature>" in reply.body


def test_policy_answer_names_the_window_and_the_community_phone(wechat, demo_people):
    reply = wechat.post(fixture("text__policy_dibao"))
    assert "低保" in reply.content and "社会救助窗口" in reply.content
    assert "0571-88880001" in reply.content


def test_bad_signature_is_403_and_leaves_no_trace(app, wechat, demo_people):
    q = wechat.query() | {"signature": "f" * 40}
    response = app.test_client().post("/wechat", query_string=q,
                                      data=fixture("text__hello").encode())
    assert response.status_code == 403
    assert count(InboundMessage) == 0


def test_stale_timestamp_is_refused(app, wechat, frozen_clock, demo_people):
    q = wechat.query(timestamp=str(int(frozen_clock.at.timestamp()) - 301))
    response = app.test_client().post("/wechat", query_string=q,
                                      data=fixture("text__hello").encode())
    assert response.status_code == 403


def test_bad_msg_signature_in_safe_mode_is_403(app, frozen_clock, demo_people):
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"], safe=True)
    body = sim.envelope(fixture("text__hello"))
    q = sim.query("x") | {"encrypt_type": "aes", "msg_signature": "0" * 40}
    assert app.test_client().post("/wechat", query_string=q, data=body).status_code == 403
    assert count(InboundMessage) == 0


def test_a_message_sealed_for_another_appid_is_403(app, frozen_clock, demo_people):
    settings = app.extensions["linli.settings"]
    other = WeChatSimulator(app.test_client(), settings.with_(wechat_appid="wx_not_ours"), safe=True)
    assert other.post(fixture("text__hello")).status == 403
    assert count(InboundMessage) == 0


def test_plaintext_is_refused_when_encryption_is_required(make_app, sqlite_db, memory_kv,
                                                         frozen_clock, test_settings):
    app = make_app(sqlite_db, memory_kv)
    settings = test_settings.with_(database_url=sqlite_db.url, wechat_require_encryption=True)
    from core.config import use_settings
    use_settings(settings)
    try:
        plain = WeChatSimulator(app.test_client(), settings)
        assert plain.post(fixture("text__hello")).status == 403
        assert WeChatSimulator(app.test_client(), settings, safe=True).post(
            fixture("text__hello")).status == 200
    finally:
        use_settings(test_settings)


@pytest.mark.parametrize("name", ["bad__entity_bomb", "bad__malformed", "bad__missing_msgtype"])
def test_hostile_or_broken_xml_is_400_without_side_effects(app, frozen_clock, name):
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    reply = sim.post(fixture(name))
    assert reply.status == 400 and reply.body == "bad request"
    assert count(InboundMessage) == 0


def test_bodies_over_64_kib_are_413(app, frozen_clock):
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    huge = fixture("text__hello").replace("你好", "好" * 30000)
    assert sim.post(huge).status == 413


def test_unknown_types_and_media_get_a_polite_reply(wechat, demo_people):
    for name in ("unknown__shortvideo", "image__photo"):
        reply = wechat.post(fixture(name))
        assert reply.status == 200 and "请用文字或语音" in reply.content


def test_voice_uses_recognition_and_asks_again_when_empty(wechat, demo_people):
    assert "没听清" in wechat.post(fixture("voice__unrecognised")).content
    reply = wechat.post(fixture("voice__book_tomorrow"))
    assert "11月30日（明天）" in reply.content or "送到家" in reply.content


def test_user_text_full_of_xml_breakers_still_gets_well_formed_xml(wechat, demo_people):
    wechat.say("demo_elder_li", "我要求助")
    wechat.say("demo_elder_li", "7")
    nasty = "门坏了 ]]> <b>&amp;\x07\x00 " + "😀" * 300
    reply = wechat.say("demo_elder_li", nasty)
    ET.fromstring(reply.body)  # well-formed (decrypted too in safe mode)
    assert "门坏了 ]]> <b>&amp;" in reply.content and "😀" * 300 in reply.content
    assert "\x07" not in reply.content


def test_subscribe_welcomes_and_explains_how_to_register(wechat):
    reply = wechat.post(fixture("event__subscribe"))
    assert "欢迎关注邻里帮" in reply.content and "登记" in reply.content


def test_unsubscribe_and_location_events_answer_success(wechat, demo_people):
    assert wechat.post(fixture("event__unsubscribe")).body == "success"
    assert wechat.post(fixture("event__location")).body == "success"
    assert count(InboundMessage, InboundMessage.event == "location") == 0  # no DB work


def test_subscribe_popup_records_credits_for_accepted_templates(wechat, demo_people):
    assert wechat.post(fixture("event__subscribe_msg_popup")).body == "success"
    with session_scope() as s:
        credits = {c.template_id: c.credits for c in s.scalars(select(SubscribeCredit))}
    assert credits == {"TPL_MEAL": 1}


def test_every_message_opens_the_48_hour_window(wechat, demo_people, frozen_clock):
    wechat.post(fixture("text__hello"))
    with session_scope() as s:
        person = s.get(Person, demo_people["demo_elder_li"])
        assert person.last_interaction_at == frozen_clock.at


def test_emergency_first_reply_says_what_to_do_and_alerts_staff(wechat, demo_people):
    reply = wechat.post(fixture("text__emergency_fall"))
    assert "120" in reply.content and "已经通知社区工作人员" in reply.content
    assert "地址" not in reply.content  # Wang's address is known
    assert count(RiskAlert, RiskAlert.kind == "emergency") == 1
    assert count(HelpRequest, HelpRequest.urgency == "emergency") == 1


def test_emergency_with_unknown_address_asks_for_it_and_records_it(wechat):
    reply = wechat.post(fixture("text__emergency_gas_unknown_address"))
    assert "119" in reply.content and "地址" in reply.content
    follow = wechat.say("oNewcomer0000000000000000001", "幸福街道阳光社区5号楼302")
    assert "幸福街道阳光社区5号楼302" in follow.content
    with session_scope() as s:
        request = s.scalars(select(HelpRequest)).one()
        assert request.place == "幸福街道阳光社区5号楼302"  # where the need is, kept apart
    assert count(RiskAlert) == 1


def test_one_miss_offers_choices_and_a_second_offers_a_person(wechat, demo_people):
    first = wechat.say("demo_elder_li", "我想问问那个事情")
    assert "不好意思" in first.content or "您是想" in first.content
    second = wechat.say("demo_elder_li", "qwerty zxcv")
    assert "转人工" in second.content
    third = wechat.say("demo_elder_li", "转人工")
    assert "已经通知社区工作人员" in third.content
    assert count(HelpRequest, HelpRequest.needs_human.is_(True)) == 1


def test_with_the_shared_store_down_the_sender_is_asked_to_try_again(make_app, sqlite_db,
                                                                      frozen_clock, demo_people):
    from core.kv import RedisKV

    app = make_app(sqlite_db, RedisKV("redis://127.0.0.1:1/0"))  # nothing listens there
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    reply = sim.say("demo_elder_wang", "帮我订明天中午的饭")
    assert reply.status == 200 and "请过一会儿再发一次" in reply.content
    assert count(InboundMessage) == 0
