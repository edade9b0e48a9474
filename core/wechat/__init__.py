"""Linli's WeChat API client, its errors and a fake api.weixin.qq.com for tests and demo."""

from core.wechat.client import AppCredentials, WeChatClient, get_wechat_client
from core.wechat.errors import (
    WeChatError,
    WeChatQuotaExceeded,
    WeChatTokenError,
    WeChatTransientError,
)

__all__ = [
    "AppCredentials",
    "WeChatClient",
    "WeChatError",
    "WeChatQuotaExceeded",
    "WeChatTokenError",
    "WeChatTransientError",
    "get_wechat_client",
]
