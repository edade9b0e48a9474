"""Sign in with WeChat (code2session) and sign out."""

from __future__ import annotations

from typing import Any

from miniprogram_api import bp
from miniprogram_api.auth import bearer_token, login_required
from miniprogram_api.openapi import api_doc
from miniprogram_api.uow import db
from services import auth


@bp.post("/auth/logout")
@api_doc(summary="退出登录（令牌立即失效）", status=204)
@login_required
def logout() -> Any:
    """Revoke the token this request carries."""
    auth.revoke_token(db(), raw=bearer_token())
    return "", 204
