"""WeChat XML: UTF-8 only, never a DTD, and any byte string gives a message or BadMessage."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.xml import BadMessage, RawMessage, parse_xml

MESSAGE = ("<xml><ToUserName><![CDATA[gh_linli]]></ToUserName>"
           "<FromUserName><![CDATA[oResident01]]></FromUserName>"
           "<CreateTime>1795914000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           "<Content>明天中午订两份饭</Content><MsgId>24000000000000001</MsgId></xml>")
BOMB_DTD = ('<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
NOT_UTF8 = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk", "gb18030", "gb2312"]
SPELLINGS = ["UTF-16", "utf-16", "UTF-16LE", "GBK", "gb2312", "GB18030", "ISO-8859-1",
             "x-klingon", "", "utf-7", "UTF-32", "ascii"]


def parses_or_refuses(body: bytes) -> RawMessage | None:
    """The only two outcomes allowed: a message, or BadMessage (→ 400)."""
    try:
        return parse_xml(body)
    except BadMessage:
        return None


def test_a_wechat_message_parses():
    fields = parse_xml(MESSAGE.encode()).fields
    assert fields["Content"] == "明天中午订两份饭" and fields["MsgType"] == "text"
    assert parse_xml(('<?xml version="1.0" encoding="UTF-8"?>' + MESSAGE).encode()).fields
    assert parse_xml(b"\xef\xbb\xbf" + MESSAGE.encode()).fields["MsgId"] == "24000000000000001"


@pytest.mark.parametrize("codec", NOT_UTF8)
def test_a_body_in_another_encoding_is_refused(codec):
    for declared in ("", f'<?xml version="1.0" encoding="{codec}"?>'):
        with pytest.raises(BadMessage):
            parse_xml((declared + MESSAGE).encode(codec))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_utf8_body_declaring_another_encoding_is_refused(spelling):
    with pytest.raises(BadMessage, match="encoding"):
        parse_xml((f'<?xml version="1.0" encoding="{spelling}"?>' + MESSAGE).encode())


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", *NOT_UTF8[:5]])
@pytest.mark.parametrize("declared", ["", "UTF-8", "UTF-16", "GBK"])
def test_a_dtd_is_refused_whatever_the_encoding(codec, declared):
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    with pytest.raises(BadMessage):
        parse_xml((head + BOMB_DTD + MESSAGE.replace("明天中午订两份饭", "&lol3;")).encode(codec))


@pytest.mark.parametrize("dtd", [
    "<!DOCTYPE xml>", "<!doctype xml>", '<!DOCTYPE xml SYSTEM "http://example.com/x.dtd">',
    "<!DOCTYPE\txml [ ]>", '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
])
def test_every_spelling_of_a_dtd_is_refused(dtd):
    with pytest.raises(BadMessage):  # a lower-case doctype is malformed: refused too
        parse_xml((dtd + MESSAGE).encode())


def test_a_resident_typing_doctype_inside_their_message_is_still_read():
    body = MESSAGE.replace("明天中午订两份饭", "<![CDATA[<!DOCTYPE 是什么意思 &lol;]]>").encode()
    assert parse_xml(body).fields["Content"] == "<!DOCTYPE 是什么意思 &lol;"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_a_message_or_bad_message(body):
    parses_or_refuses(body)


def _mutate(body: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(body)
    for kind, at, chunk in edits:
        at %= len(out) + 1
        if kind == 0:
            out[at:at] = chunk
        elif kind == 1:
            del out[at:at + len(chunk)]
        else:
            out[at:at + len(chunk)] = chunk
    return bytes(out)


PIECES = st.sampled_from([b"<!DOCTYPE x [", b'<!ENTITY a "', b"&a;", b"]>", b"<", b">", b"&",
                          b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b'encoding="GBK"',
                          b'encoding="UTF-16"', b"<?xml version='1.0'?>", b"]]>", b"<![CDATA[",
                          "你".encode("gbk"), "你".encode("utf-16"), b"\xc3", b"\xed\xa0\x80"])
EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000),
                           st.one_of(PIECES, st.binary(min_size=1, max_size=8))), max_size=6)
BASES = st.sampled_from([MESSAGE.encode(), (BOMB_DTD + MESSAGE).encode(),
                         MESSAGE.encode("utf-16"), (BOMB_DTD + MESSAGE).encode("utf-16"),
                         ('<?xml version="1.0" encoding="GBK"?>' + MESSAGE).encode("gbk")])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BASES, EDITS)
def test_mutated_messages_never_escape_as_another_error_nor_expand_an_entity(base, edits):
    body = _mutate(base, edits)
    message = parses_or_refuses(body)
    if message is None:
        return
    try:
        body.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        pytest.fail("a body that is not UTF-8 was read")
    read = sum(len(v) for v in message.fields.values()) + sum(
        len(v) for item in message.items for v in item.values())
    assert read <= len(body)  # no entity ever expanded into more text than was sent
