"""A small WeChat API client on `requests`: one token refresher, bounded retries.

Tokens live in the shared store under the app's id, so every process uses
the same one; a kv lock plus a second look makes sure only one caller
fetches it. Tokens come from `stable_token`, so a refresh by one process
does not cut off another. A token WeChat refuses (40001 / 40014 / 42001)
is replaced only if it is still the cached one (compare-and-expire), and
the call is retried exactly once. WeChat's "busy" (-1), timeouts and 5xx are
retried a bounded number of times with exponential backoff and jitter;
45009 makes the client stop calling that API for a while.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from core.kv import KV, get_kv, locked
from core.wechat.errors import (
    WeChatError,
    WeChatQuotaExceeded,
    WeChatTokenError,
    WeChatTransientError,
    error_for,
)

logger = logging.getLogger(__name__)

TOKEN_MARGIN_SECONDS = 300  # refresh 5 minutes early; WeChat keeps the old one that long
OFFICIAL = "official"
MINIPROGRAM = "miniprogram"


@dataclass(frozen=True)
class AppCredentials:
    """One WeChat app: the official account or the mini-program."""

    appid: str
    secret: str


class WeChatClient:
    """Talk to api.weixin.qq.com (or the fake) for both of Linli's WeChat apps."""

    def __init__(
        self,
        *,
        base_url: str,
        official: AppCredentials,
        miniprogram: AppCredentials,
        kv: KV | None = None,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.2,
        quota_backoff: float = 600.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.apps = {OFFICIAL: official, MINIPROGRAM: miniprogram}
        self._kv = kv
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.quota_backoff = quota_backoff
        self._sleep = sleep
        self.http = requests.Session()

    @property
    def kv(self) -> KV:
        return self._kv if self._kv is not None else get_kv()

    # ------------------------------------------------------------ tokens

    def get_access_token(self, app: str = OFFICIAL) -> str:
        """Return a live access token for `app`, fetching it once for all processes."""
        key = self._token_key(app)
        cached = self.kv.get(key)
        if cached:
            return cached
        with locked(self.kv, key + ":lock", ttl=self.timeout * 4, wait=self.timeout * 4):
            cached = self.kv.get(key)
            if cached:
                return cached
            return self._fetch_token(app, force=False)

    def _expire_token(self, app: str, stale: str) -> str:
        """Replace `stale` unless another caller already did; return the live token."""
        key = self._token_key(app)
        with locked(self.kv, key + ":lock", ttl=self.timeout * 4, wait=self.timeout * 4):
            current = self.kv.get(key)
            if current and current != stale:
                return current
            self.kv.delete(key)
            return self._fetch_token(app, force=True)

    def _fetch_token(self, app: str, *, force: bool) -> str:
        creds = self.apps[app]
        body = {"grant_type": "client_credential", "appid": creds.appid,
                "secret": creds.secret, "force_refresh": force}
        data = self._call("/cgi-bin/stable_token", api="stable_token", body=body)
        token = str(data["access_token"])
        ttl = max(60, int(data.get("expires_in", 7200)) - TOKEN_MARGIN_SECONDS)
        self.kv.set(self._token_key(app), token, ttl)
        logger.info("fetched a new %s access token (force=%s)", app, force)
        return token

    def _token_key(self, app: str) -> str:
        return f"wechat:token:{self.apps[app].appid}"

    # ------------------------------------------------------------ the API

    def code2session(self, js_code: str) -> dict[str, str]:
        """Exchange a mini-program login code for openid, session_key and maybe unionid."""
        creds = self.apps[MINIPROGRAM]
        params = {"appid": creds.appid, "secret": creds.secret, "js_code": js_code,
                  "grant_type": "authorization_code"}
        data = self._call("/sns/jscode2session", api="jscode2session", params=params)
        result = {"openid": str(data["openid"]), "session_key": str(data["session_key"])}
        if data.get("unionid"):
            result["unionid"] = str(data["unionid"])
        return result

    def get_phone_number(self, code: str) -> str:
        """Exchange a getPhoneNumber button code for the phone number."""
        data = self._authed("/wxa/business/getuserphonenumber", {"code": code},
                            api="getuserphonenumber", app=MINIPROGRAM)
        info = data["phone_info"]
        return str(info.get("purePhoneNumber") or info["phoneNumber"])

    def send_custom_text(self, openid: str, text: str) -> dict[str, Any]:
        """Send a customer-service text (only within 48 h of the person's last message)."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        return self._authed("/cgi-bin/message/custom/send", body, api="custom_send")

    def send_subscribe(
        self, openid: str, template_id: str, data: dict[str, str], page: str | None = None
    ) -> dict[str, Any]:
        """Send an official-account subscribe message (spends one of the person's credits)."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": _wrap(data)}
        if page:
            body["page"] = page
        return self._authed("/cgi-bin/message/subscribe/bizsend", body, api="subscribe_send")

    def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None = None
    ) -> dict[str, Any]:
        """Send a template message to a follower of the official account."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": _wrap(data)}
        if url:
            body["url"] = url
        return self._authed("/cgi-bin/message/template/send", body, api="template_send")

    def create_menu(self, menu: dict[str, Any]) -> dict[str, Any]:
        """Replace the official account's custom menu."""
        return self._authed("/cgi-bin/menu/create", menu, api="menu_create")

    # ------------------------------------------------------------ plumbing

    def _authed(self, path: str, body: dict[str, Any], *, api: str,
                app: str = OFFICIAL) -> dict[str, Any]:
        """Call with a token; on a token error refresh once and retry once."""
        if self.kv.get(f"wechat:backoff:{api}"):
            raise WeChatQuotaExceeded(45009, "backing off after a quota error", api=api)
        token = self.get_access_token(app)
        try:
            try:
                return self._call(path, api=api, body=body, params={"access_token": token})
            except WeChatTokenError:
                token = self._expire_token(app, token)
                return self._call(path, api=api, body=body, params={"access_token": token})
        except WeChatQuotaExceeded:
            self.kv.set(f"wechat:backoff:{api}", "1", self.quota_backoff)
            raise

    def _call(self, path: str, *, api: str, body: dict[str, Any] | None = None,
              params: dict[str, str] | None = None) -> dict[str, Any]:
        """Make one logical call, retrying transient failures a bounded number of times."""
        for attempt in range(1, self.attempts + 1):
            try:
                return self._once(path, api=api, body=body, params=params)
            except WeChatTransientError as exc:
                if attempt == self.attempts:
                    raise
                delay = self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                logger.warning("%s busy (errcode=%s), retry %d in %.2fs",
                               api, exc.errcode, attempt, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _once(self, path: str, *, api: str, body: dict[str, Any] | None,
              params: dict[str, str] | None) -> dict[str, Any]:
        url = self.base_url + path
        try:
            if body is None:
                response = self.http.get(url, params=params, timeout=self.timeout)
            else:
                payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
                response = self.http.post(url, params=params, data=payload, timeout=self.timeout,
                                          headers={"Content-Type": "application/json"})
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise WeChatTransientError(-1, type(exc).__name__, api=api) from None
        if response.status_code >= 500:
            raise WeChatTransientError(-1, f"HTTP {response.status_code}", api=api)
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            raise WeChatTransientError(-1, "not JSON", api=api) from None
        errcode = int(data.get("errcode", 0) or 0)
        if errcode:
            raise error_for(errcode, str(data.get("errmsg", "")), api=api)
        return data


def _wrap(data: dict[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"value": value} for key, value in data.items()}


_clients: dict[tuple[str, ...], WeChatClient] = {}


def get_wechat_client() -> WeChatClient:
    """Return the process's client for the current settings (WECHAT_API_BASE_URL)."""
    from core.config import get_settings

    s = get_settings()
    key = (s.wechat_api_base_url, s.wechat_appid, s.wechat_secret,
           s.miniprogram_appid, s.miniprogram_secret)
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = WeChatClient(
            base_url=s.wechat_api_base_url,
            official=AppCredentials(s.wechat_appid, s.wechat_secret),
            miniprogram=AppCredentials(s.miniprogram_appid, s.miniprogram_secret),
        )
    return client


__all__ = ["AppCredentials", "WeChatClient", "WeChatError", "get_wechat_client"]
