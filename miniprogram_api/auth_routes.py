"""Sign in with WeChat (code2session) and sign out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from core.uow import db
from core.validation import Body, reply
from miniprogram_api import bp
from miniprogram_api.auth import bearer_token, login_required
from miniprogram_api.me import ProfileOut, profile_out
from miniprogram_api.openapi import api_doc
from miniprogram_api.ratelimit import rate_limited
from services.access import tokens


class LoginBody(Body):
    code: str = Field(min_length=1, max_length=128, description="wx.login() 给的 code")


class LoginOut(BaseModel):
    token: str = Field(description="放在 Authorization: Bearer 请求头里")
    expires_at: datetime = Field(description="最晚到期时间；7 天不用也会失效")
    created: bool = Field(description="是否第一次登录")
    person: ProfileOut


@bp.post("/auth/login")
@rate_limited("login")
@api_doc(summary="微信登录：用 wx.login 的 code 换邻里帮的登录凭证", body=LoginBody,
         response=LoginOut)
def login(body: LoginBody) -> Any:
    """Trade a wx.login code for a Linli token."""
    result = tokens.login_with_code(db(), code=body.code)
    return reply(LoginOut(token=result.token, expires_at=result.expires_at,
                          created=result.created, person=profile_out(result.person)))


@bp.post("/auth/logout")
@login_required
@api_doc(summary="退出登录（令牌立即失效）", status=204)
def logout() -> Any:
    """Revoke the token this request carries."""
    tokens.revoke_token(db(), raw=bearer_token())
    return "", 204
