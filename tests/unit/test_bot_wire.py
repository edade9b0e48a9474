"""The wire format: signatures, safe-mode crypto (Tencent's vector), safe XML, reply XML."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from bot.crypto import CryptoError, WeChatCipher
from bot.message import to_inbound
from bot.reply import cdata, text_reply
from bot.signature import sign, signature_matches, timestamp_is_fresh
from bot.xml import MAX_BODY_BYTES, BadMessage, parse_xml

# Tencent's published sample (as used in wechatpy's tests/test_crypto.py).
TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APPID = "wx49f0ab532d5d035a"
SAMPLE_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTy"
    "eDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYy"
    "olBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWO"
    "MZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7ml"
    "sl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
SAMPLE_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
SAMPLE_TS, SAMPLE_NONCE = "1411525903", "461056294"
REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGs"
    "L8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSj"
    "PUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJv"
    "FurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFY"
    "FMNMpatF9XiKzHo3"
)


def test_tencent_sample_signature_and_decryption():
    assert signature_matches(SAMPLE_SIGNATURE, TOKEN, SAMPLE_TS, SAMPLE_NONCE, SAMPLE_ENCRYPT)
    assert not signature_matches(SAMPLE_SIGNATURE, TOKEN, SAMPLE_TS, "461056295", SAMPLE_ENCRYPT)
    fields = parse_xml(WeChatCipher(AES_KEY, APPID).decrypt(SAMPLE_ENCRYPT).encode()).fields
    assert fields["Content"] == "test" and fields["FromUserName"] == "messense"


def test_tencent_sample_encryption_is_byte_exact():
    encrypted = WeChatCipher(AES_KEY, APPID).encrypt(REPLY, random_prefix=b"1234567890123456")
    assert encrypted == REPLY_ENCRYPT
    assert sign(TOKEN, "1411525903", "461056294", encrypted) == "407518b7649e86ef23978113f92d27afa9296533"


def test_a_foreign_appid_is_refused():
    with pytest.raises(CryptoError):
        WeChatCipher(AES_KEY, "wx_someone_else").decrypt(SAMPLE_ENCRYPT)


@pytest.mark.parametrize("garbage", ["not base64!!", "QUJD", "A" * 64])
def test_garbage_ciphertext_is_refused(garbage):
    with pytest.raises(CryptoError):
        WeChatCipher(AES_KEY, APPID).decrypt(garbage)


def test_timestamps_more_than_300_seconds_off_are_stale():
    now = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    ts = int(now.timestamp())
    assert timestamp_is_fresh(str(ts - 300), now) and timestamp_is_fresh(str(ts + 300), now)
    assert not timestamp_is_fresh(str(ts - 301), now)
    assert not timestamp_is_fresh(str(ts + 301), now)
    assert not timestamp_is_fresh("abc", now) and not timestamp_is_fresh("", now)


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
    b'<!doctype xml SYSTEM "file:///etc/passwd"><xml/>',
    b"<xml><Content>unclosed</xml>",
    b"<html><body/></html>",
])
def test_dtds_entities_and_broken_xml_are_refused(body):
    with pytest.raises(BadMessage):
        parse_xml(body)


def test_oversized_bodies_are_refused_before_parsing():
    with pytest.raises(BadMessage):
        parse_xml(b"<xml>" + b"a" * MAX_BODY_BYTES + b"</xml>")


def test_missing_msgtype_is_refused():
    with pytest.raises(BadMessage):
        to_inbound(parse_xml(b"<xml><FromUserName>o1</FromUserName></xml>"))


def test_dedupe_keys_follow_wechat():
    text = to_inbound(parse_xml(
        b"<xml><FromUserName>o1</FromUserName><CreateTime>100</CreateTime>"
        b"<MsgType>text</MsgType><Content>hi</Content><MsgId>42</MsgId></xml>"))
    event = to_inbound(parse_xml(
        b"<xml><FromUserName>o1</FromUserName><CreateTime>100</CreateTime>"
        b"<MsgType>event</MsgType><Event>CLICK</Event><EventKey>MEAL_BOOK</EventKey></xml>"))
    assert text.dedupe_key == "m:o1:100:42"
    assert event.dedupe_key == "e:o1:100:click:MEAL_BOOK"


def test_subscribe_message_lists_are_read():
    raw = parse_xml(
        b"<xml><FromUserName>o1</FromUserName><MsgType>event</MsgType>"
        b"<Event>subscribe_msg_popup_event</Event><SubscribeMsgPopupEvent>"
        b"<List><TemplateId>T1</TemplateId><SubscribeStatusString>accept</SubscribeStatusString></List>"
        b"<List><TemplateId>T2</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List>"
        b"</SubscribeMsgPopupEvent></xml>")
    assert [i["TemplateId"] for i in raw.items] == ["T1", "T2"]


@pytest.mark.parametrize("content", [
    "a]]>b", "]]>]]>", "bell\x07 null\x00 esc\x1b", "😀" * 2000, "<xml>&amp;</xml>", "\ud800 lone",
])
def test_reply_xml_is_well_formed_whatever_the_user_typed(content):
    xml = text_reply(to_user="o1]]>", from_user="gh", content=content, create_time=1)
    root = ET.fromstring(xml)
    assert root.find("ToUserName").text == "o1]]>"
    got = root.find("Content").text
    assert "\x00" not in got and "\x07" not in got
    if content.startswith("a]]>") or content.startswith("😀"):
        assert got == content


def test_cdata_splits_the_terminator():
    assert cdata("]]>") == "<![CDATA[]]]]><![CDATA[>]]>"
