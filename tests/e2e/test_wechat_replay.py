"""A signed /wechat URL used twice: WeChat's own retry is answered, anything else is refused."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.signature import sign
from bot.simulator import WeChatSimulator, text_xml
from bot.xml import parse_xml
from core.config import use_settings
from core.db import session_scope
from models.bot import InboundMessage
from models.help_requests import HelpRequest

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).parent / "fixtures" / "wechat"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.xml").read_text(encoding="utf-8")


def count(model, *where):
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture(params=["plain", "safe"])
def wechat(request, app, frozen_clock, demo_people):
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"],
                           safe=request.param == "safe")


def test_a_logged_url_with_another_senders_message_is_refused_and_logged(app, frozen_clock,
                                                                        demo_people, caplog):
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    body, query = sim.signed(fixture("text__hello"))
    assert sim.send(body, query).status == 200
    forged = text_xml("demo_elder_wang", "我订了哪些饭", msg_id="990001",
                      create_time=int(frozen_clock.at.timestamp()))
    with caplog.at_level(logging.WARNING, logger="bot.views"):
        replay = sim.send(forged, query)
    assert replay.status == 403 and replay.content == "" and "订" not in replay.body
    assert any("replay" in r.getMessage() for r in caplog.records)


def test_a_replay_never_runs_the_forged_message(app, frozen_clock, demo_people):
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    newcomer = text_xml("oBrandNewResident00000000001", "你好", msg_id="990003",
                        create_time=int(frozen_clock.at.timestamp()))
    body, query = sim.signed(newcomer)
    assert "邻里帮" in sim.send(body, query).content
    forged = fixture("text__emergency_fall")
    assert sim.send(forged, query).status == 403
    assert count(HelpRequest, HelpRequest.urgency == "emergency") == 0
    assert count(InboundMessage) == 1  # the first, genuine message only


def test_wechats_own_retry_of_the_same_body_gets_the_same_reply_and_one_side_effect(wechat):
    body, query = wechat.signed(fixture("text__emergency_fall"))
    replies = [wechat.send(body, query) for _ in range(4)]
    assert {r.status for r in replies} == {200}
    assert "120" in replies[0].content
    assert len({r.content for r in replies}) == 1
    assert count(HelpRequest, HelpRequest.urgency == "emergency") == 1


def test_a_retry_sealed_afresh_by_wechat_is_still_answered(app, frozen_clock, demo_people):
    # Same message, same timestamp and nonce, a new random prefix inside the ciphertext.
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"], safe=True)
    body, query = sim.signed(fixture("text__emergency_fall"))
    first = sim.send(body, query)
    again, _ = sim.signed(fixture("text__emergency_fall"))
    inner = parse_xml(again.encode()).fields["Encrypt"]
    settings = app.extensions["linli.settings"]
    resent = query | {"msg_signature": sign(settings.wechat_token, query["timestamp"],
                                            query["nonce"], inner)}
    second = sim.send(again, resent)
    assert second.status == 200 and second.content == first.content
    assert count(HelpRequest, HelpRequest.urgency == "emergency") == 1


def test_a_safe_mode_url_replayed_as_plaintext_is_refused(app, frozen_clock, demo_people):
    settings = app.extensions["linli.settings"]
    safe = WeChatSimulator(app.test_client(), settings, safe=True)
    body, query = safe.signed(fixture("text__hello"))
    assert safe.send(body, query).status == 200
    plain_query = {k: query[k] for k in ("signature", "timestamp", "nonce")}
    forged = text_xml("demo_elder_wang", "我订了哪些饭", msg_id="990002",
                      create_time=int(frozen_clock.at.timestamp()))
    assert safe.send(forged, plain_query).status == 403


def test_production_refuses_plaintext_without_the_named_waiver(make_app, sqlite_db, memory_kv,
                                                               frozen_clock, test_settings,
                                                               demo_people):
    app = make_app(sqlite_db, memory_kv)
    production = test_settings.with_(database_url=sqlite_db.url, mode="production")
    try:
        use_settings(production)
        assert WeChatSimulator(app.test_client(), production).post(fixture("text__hello")).status == 403
        assert WeChatSimulator(app.test_client(), production, safe=True).post(
            fixture("text__hello")).status == 200
        waived = use_settings(production.with_(wechat_allow_plaintext=True))
        assert WeChatSimulator(app.test_client(), waived).post(fixture("text__hello")).status == 200
    finally:
        use_settings(test_settings)


@pytest.fixture
def safe_only(make_app, sqlite_db, kv, frozen_clock, test_settings, demo_people):
    """An app that takes safe mode only (production's setting), on either store."""
    app = make_app(sqlite_db, kv)
    settings = use_settings(test_settings.with_(database_url=sqlite_db.url,
                                                wechat_require_encryption=True))
    try:
        yield app, settings
    finally:
        use_settings(test_settings)


def store_commands(kv) -> list[tuple]:
    """Every command and script the store is sent from now on (as bench/wechat_turn_cost.py counts)."""
    sent: list[tuple] = []
    real = kv.client.execute_command

    def counted(*args, **kwargs):
        sent.append(args)
        return real(*args, **kwargs)

    kv.client.execute_command = counted
    return sent


def test_safe_mode_only_a_message_makes_two_store_round_trips(safe_only, kv):
    app, settings = safe_only
    sim = WeChatSimulator(app.test_client(), settings, safe=True)
    sim.say("demo_elder_wang", "你好")  # the first this minute: the 48-hour window too
    sent = store_commands(kv)
    assert "邻里帮" in sim.say("demo_elder_wang", "你好").content
    assert len(sent) == 2  # open and close the turn; msg_signature already binds the URL to it


def test_safe_mode_only_a_used_url_still_carries_no_other_message(safe_only, frozen_clock):
    app, settings = safe_only
    sim = WeChatSimulator(app.test_client(), settings, safe=True)
    body, query = sim.signed(fixture("text__hello"))
    assert sim.send(body, query).status == 200
    forged = text_xml("demo_elder_wang", "我订了哪些饭", msg_id="990004",
                      create_time=int(frozen_clock.at.timestamp()))
    sealed, _ = sim.signed(forged)
    assert sim.send(sealed, query).status == 403  # msg_signature signs the first Encrypt only
    plain = {k: query[k] for k in ("signature", "timestamp", "nonce")}
    assert sim.send(forged, plain).status == 403  # plaintext is refused
    assert sim.send(body, query).status == 200  # WeChat's own retry is still answered
    assert count(InboundMessage) == 1  # the first, genuine message only
