import threading

import pytest

from core.wechat import (
    AppCredentials,
    WeChatClient,
    WeChatError,
    WeChatQuotaExceeded,
    WeChatTokenError,
    WeChatTransientError,
)

pytestmark = pytest.mark.integration
CUSTOM = "/cgi-bin/message/custom/send"
TOKEN = "/cgi-bin/stable_token"


@pytest.fixture
def client(fake_wechat, kv):
    return WeChatClient(base_url=fake_wechat.url, official=AppCredentials("wx_oa", "s1"),
                        miniprogram=AppCredentials("wx_mp", "s2"), kv=kv,
                        timeout=2.0, backoff=0.01)


def _in_threads(n, fn):
    results, errors = [], []
    barrier = threading.Barrier(n)

    def run():
        barrier.wait()
        try:
            results.append(fn())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results, errors


def test_eight_callers_with_an_empty_cache_fetch_one_token(client, fake_wechat):
    tokens, errors = _in_threads(8, client.get_access_token)
    assert errors == []
    assert len(set(tokens)) == 1
    assert len(fake_wechat.requests_to(TOKEN)) == 1


def test_a_refused_token_is_refreshed_once_and_the_call_retried_once(client, fake_wechat):
    client.send_custom_text("o1", "您好")
    fake_wechat.state.valid.clear()  # WeChat forgot the token: 40001
    client.send_custom_text("o1", "您好")
    fetches = fake_wechat.requests_to(TOKEN)
    assert [f["body"]["force_refresh"] for f in fetches] == [False, True]
    assert len(fake_wechat.requests_to(CUSTOM)) == 3


def test_a_token_refused_twice_fails_instead_of_looping(client, fake_wechat):
    fake_wechat.script(CUSTOM, {"errcode": 40001}, {"errcode": 42001}, {"errcode": 40001})
    with pytest.raises(WeChatTokenError):
        client.send_custom_text("o1", "您好")
    assert len(fake_wechat.requests_to(CUSTOM)) == 2
    assert len(fake_wechat.requests_to(TOKEN)) == 2


def test_eight_callers_refused_at_once_trigger_one_refresh(client, fake_wechat):
    client.get_access_token()
    fake_wechat.state.valid.clear()  # every caller's cached token is now refused
    _results, errors = _in_threads(8, lambda: client.send_custom_text("o1", "您好"))
    assert errors == []
    assert [f["body"]["force_refresh"] for f in fake_wechat.requests_to(TOKEN)] == [False, True]


def test_busy_answers_are_retried_a_bounded_number_of_times(client, fake_wechat):
    fake_wechat.script(CUSTOM, {"errcode": -1}, {"status": 502})
    client.send_custom_text("o1", "您好")
    assert len(fake_wechat.requests_to(CUSTOM)) == 3
    fake_wechat.script(CUSTOM, *[{"errcode": -1}] * 5)
    with pytest.raises(WeChatTransientError):
        client.send_custom_text("o1", "您好")
    assert len(fake_wechat.requests_to(CUSTOM)) == 6


def test_a_hanging_server_times_out_and_is_retried(client, fake_wechat):
    fake_wechat.script(CUSTOM, {"hang": 3.0})
    assert client.send_custom_text("o1", "您好")["errcode"] == 0
    assert len(fake_wechat.requests_to(CUSTOM)) == 2


@pytest.mark.parametrize("errcode", [45015, 45047, 43101, 47003, 40003])
def test_permanent_errors_are_not_retried(client, fake_wechat, errcode):
    fake_wechat.script(CUSTOM, {"errcode": errcode})
    with pytest.raises(WeChatError) as caught:
        client.send_custom_text("o1", "您好")
    assert caught.value.errcode == errcode
    assert not isinstance(caught.value, WeChatTransientError)
    assert len(fake_wechat.requests_to(CUSTOM)) == 1


def test_quota_exceeded_backs_off_without_calling_again(client, fake_wechat):
    fake_wechat.script(CUSTOM, {"errcode": 45009})
    for _ in range(2):
        with pytest.raises(WeChatQuotaExceeded):
            client.send_custom_text("o1", "您好")
    assert len(fake_wechat.requests_to(CUSTOM)) == 1
    client.send_template("o1", "T1", {"thing1": "午餐提醒"})  # other APIs still work


def test_login_phone_menu_and_message_shapes(client, fake_wechat):
    session = client.code2session("demo_elder_wang")
    assert session["openid"] == "mp_demo_elder_wang"
    assert session["session_key"] and session["unionid"] == "union_demo_elder_wang"
    with pytest.raises(WeChatError) as caught:
        client.code2session("invalid")
    assert caught.value.errcode == 40029
    assert client.get_phone_number("13800138001") == "13800138001"
    client.create_menu({"button": [{"type": "click", "name": "订餐", "key": "MEAL"}]})
    client.send_subscribe("o1", "S1", {"thing1": "明天午餐"}, page="pages/meal")
    client.send_template("o1", "T1", {"thing1": "明天午餐"}, url="https://example.cn")
    sub = fake_wechat.requests_to("/cgi-bin/message/subscribe/bizsend")[0]["body"]
    assert sub == {"touser": "o1", "template_id": "S1", "page": "pages/meal",
                   "data": {"thing1": {"value": "明天午餐"}}}
    phone_call = fake_wechat.requests_to("/wxa/business/getuserphonenumber")[0]
    mp_token = client.get_access_token("miniprogram")
    assert phone_call["params"]["access_token"] == mp_token != client.get_access_token()
    assert fake_wechat.requests_to("/cgi-bin/menu/create")[0]["body"]["button"][0]["name"] == "订餐"
