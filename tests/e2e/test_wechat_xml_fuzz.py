"""Signed bodies in other encodings, with DTDs, or mangled: 400 or an answer, never a 500 or `success` unread."""

import logging
import random

import pytest
from sqlalchemy import func, select

from bot.simulator import WeChatSimulator, text_xml
from core.db import session_scope
from models.bot import InboundMessage
from models.help_requests import HelpRequest

pytestmark = pytest.mark.e2e
SEED = 20261129
OPENID = "oFuzzResident000000000000001"


def bomb_dtd(levels: int = 4) -> str:
    """Entities that expand a 100-character word ten times per level (10**4 × 100 = 1,000,000)."""
    parts = ['<!ENTITY e0 "' + "求助" * 50 + '">']
    for level in range(1, levels + 1):
        parts.append(f'<!ENTITY e{level} "' + f"&e{level - 1};" * 10 + '">')
    return "<!DOCTYPE xml [" + "".join(parts) + "]>"


def message(content: str, msg_id: int, now: int) -> str:
    """A text message whose Content is raw XML (not CDATA), so an entity reference is live."""
    return text_xml(OPENID, "CONTENT", msg_id=str(msg_id), create_time=now).replace(
        "<![CDATA[CONTENT]]>", content)


@pytest.fixture
def sim(app, frozen_clock):
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"])


def stored_text() -> list[str]:
    with session_scope() as s:
        contents = [m.content or "" for m in s.scalars(select(InboundMessage))]
        return contents + [h.description or "" for h in s.scalars(select(HelpRequest))]


def test_the_utf16_entity_bomb_is_refused_and_nothing_is_stored(sim, frozen_clock, caplog):
    now = int(frozen_clock.at.timestamp())
    body = ('<?xml version="1.0" encoding="UTF-16"?>' + bomb_dtd()
            + message("&e4;", 1, now)).encode("utf-16")
    assert len(body) < 4000
    with caplog.at_level(logging.WARNING, logger="bot.views"):
        reply = sim.send(body, sim.query())
    assert reply.status == 400 and reply.body != "success"
    assert any("refused a body" in r.getMessage() for r in caplog.records)
    assert stored_text() == []


@pytest.mark.parametrize(("declared", "codec"), [("GBK", "gbk"), ("x-unknown-charset", "utf-8"),
                                                 ("GB2312", "utf-8"), ("UTF-16", "utf-16")])
def test_a_body_declaring_another_encoding_is_400_not_success(sim, frozen_clock, declared, codec):
    now = int(frozen_clock.at.timestamp())
    body = (f'<?xml version="1.0" encoding="{declared}"?>' + message("我摔倒了", 2, now)).encode(codec)
    reply = sim.send(body, sim.query())
    assert reply.status == 400 and reply.body != "success"
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(HelpRequest)) == 0


HOSTILE = [b"<!DOCTYPE x [", b'<!ENTITY a "aaaa">', b"&a;", b"]>", b"<", b">", b"&", b"\x00",
           b"\xff\xfe", b"\xef\xbb\xbf", b'encoding="GBK"', b"]]>", b"<![CDATA[",
           "你".encode("gbk"), "你".encode("utf-16"), b"\xc3"]
BENIGN = ["你好".encode(), b" ", b"&amp;", b"&#20320;", "明天".encode(), b"\n", "😀".encode()]


def _mutated(rng: random.Random, base: bytes) -> bytes:
    """One to three edits, half of them inside <Content>, from hostile, benign or random bytes."""
    out = bytearray(base)
    for _ in range(rng.randint(1, 3)):
        start, end = out.find(b"<Content>"), out.find(b"</Content>")
        inside = start >= 0 and end > start and rng.random() < 0.5
        at = rng.randint(start + 9, end) if inside else rng.randint(0, len(out))
        roll = rng.random()
        chunk = (rng.choice(BENIGN) if roll < 0.4 else rng.choice(HOSTILE) if roll < 0.8
                 else rng.randbytes(rng.randint(1, 6)))
        action = rng.randint(0, 2)
        if action == 0:
            out[at:at] = chunk
        elif action == 1:
            del out[at:at + len(chunk)]
        else:
            out[at:at + len(chunk)] = chunk
    return bytes(out)


def _is_utf8(body: bytes) -> bool:
    try:
        body.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_three_hundred_mangled_signed_bodies(sim, frozen_clock):
    rng = random.Random(SEED)
    now = int(frozen_clock.at.timestamp())
    bases = [message("what is on the menu today 1 2 3", 10, now).encode(),
             text_xml(OPENID, "hello there, 1 2 3", msg_id="14", create_time=now).encode(),
             message("今天吃什么", 15, now).encode(),
             (bomb_dtd(2) + message("&e2;", 11, now)).encode(),
             message("你好", 12, now).encode("utf-16"),
             ('<?xml version="1.0" encoding="GBK"?>' + message("你好", 13, now)).encode("gbk")]
    largest, outcomes = 0, {}
    for i in range(300):
        body = _mutated(rng, bases[i % len(bases)])
        largest = max(largest, len(body))
        reply = sim.send(body, sim.query())
        outcomes[reply.status] = outcomes.get(reply.status, 0) + 1
        assert reply.status in (200, 400), (i, body, reply)
        if not _is_utf8(body):
            assert reply.status == 400 and reply.body != "success", (i, body)
    assert outcomes[400] > 100 and outcomes[200] >= 10, outcomes  # both paths were exercised
    assert all(len(text) <= largest for text in stored_text())  # nothing expanded was kept
