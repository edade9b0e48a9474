"""Safe mode against Tencent's published sample (WXBizMsgCrypt's Sample), and wechatpy agreeing.

The vector is the one Tencent ships with its message-crypto sample code
(token "QDG6eK", EncodingAESKey "jWmY…B2C", AppID "wx5823bf96d3bd56c7"): the
request a server receives, the URL-verification echostr, and their
signatures. wechatpy's own tests/test_crypto.py uses another Tencent vector
(token "123456"), which tests/unit/test_bot_wire.py checks.
"""

import pytest
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from bot.crypto import CryptoError, WeChatCipher
from bot.reply import encrypted_envelope, text_reply
from bot.signature import sign, signature_matches
from bot.xml import parse_xml

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
APPID = "wx5823bf96d3bd56c7"

# POST ?msg_signature=…&timestamp=1409659813&nonce=1372623149, as in Tencent's sample.
MSG_SIGNATURE, TIMESTAMP, NONCE = "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149"
ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj9"
    "11L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DO"
    "dnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03"
    "v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6Bp"
    "NelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E"
    "7Q=="
)
BODY = f"<xml><ToUserName><![CDATA[{APPID}]]></ToUserName><Encrypt><![CDATA[{ENCRYPT}]]></Encrypt></xml>"
# What the sample decrypts to, and the random prefix Tencent sealed it with.
PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>"
)
PREFIX = b"0960688932c47ef1"
# GET ?msg_signature=…&timestamp=1409659589&nonce=263014780&echostr=… (URL verification).
ECHO_SIGNATURE, ECHO_TIMESTAMP, ECHO_NONCE = (
    "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780")
ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="


def test_the_sample_request_is_signed_over_its_encrypt_field():
    encrypted = parse_xml(BODY.encode()).fields["Encrypt"]
    assert signature_matches(MSG_SIGNATURE, TOKEN, TIMESTAMP, NONCE, encrypted)
    assert not signature_matches(MSG_SIGNATURE, TOKEN, TIMESTAMP, "1372623148", encrypted)


def test_the_sample_request_decrypts_to_tencents_message():
    plain = WeChatCipher(AES_KEY, APPID).decrypt(ENCRYPT)
    assert plain == PLAIN
    fields = parse_xml(plain.encode()).fields
    assert (fields["FromUserName"], fields["Content"], fields["MsgId"]) == (
        "mycreate", "hello", "4561255354251345929")


def test_sealing_the_sample_again_is_byte_exact():
    assert WeChatCipher(AES_KEY, APPID).encrypt(PLAIN, random_prefix=PREFIX) == ENCRYPT


def test_the_sample_url_verification_echostr():
    assert sign(TOKEN, ECHO_TIMESTAMP, ECHO_NONCE, ECHOSTR) == ECHO_SIGNATURE
    assert WeChatCipher(AES_KEY, APPID).decrypt(ECHOSTR) == "1616140317555161061"


def test_the_sample_is_refused_for_another_appid():
    with pytest.raises(CryptoError):
        WeChatCipher(AES_KEY, "wx0000000000000000").decrypt(ENCRYPT)


def test_wechatpy_reads_the_sample_as_we_do():
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    assert crypto.decrypt_message(BODY, MSG_SIGNATURE, TIMESTAMP, NONCE) == PLAIN
    with pytest.raises(InvalidSignatureException):
        crypto.decrypt_message(BODY, MSG_SIGNATURE, TIMESTAMP, "1372623148")


def test_wechatpy_opens_the_envelope_we_answer_with():
    reply = text_reply(to_user="mycreate", from_user=APPID, content="您好 ]]> 😀",
                       create_time=1409659813)
    envelope = encrypted_envelope(token=TOKEN, encrypted=WeChatCipher(AES_KEY, APPID).encrypt(reply),
                                  timestamp=TIMESTAMP, nonce=NONCE)
    fields = parse_xml(envelope.encode()).fields
    opened = WeChatCrypto(TOKEN, AES_KEY, APPID).decrypt_message(
        envelope, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
    assert opened == reply
