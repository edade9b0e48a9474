"""A person's rights over their data: a copy of everything kept, and asking to be erased."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from core.uow import db
from core.validation import reply
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from models.rights import ErasureRequest
from services.rights import erasure, export


class DataExportOut(BaseModel):
    person_id: int
    generated_at: datetime
    scope: str = Field(description="self：本人全部数据；proxy：代办人可见的部分")
    sections: dict[str, Any] = Field(description="按表分节：profile、consents、meal_bookings、help_requests（含 timeline）…")


class ErasureOut(BaseModel):
    id: int
    status: str = Field(description="requested 等待工作人员确认；done 已注销；cancelled 已撤回")
    requested_at: datetime
    message: str


def _erasure_out(request: ErasureRequest) -> ErasureOut:
    words = {"requested": "已收到您的注销申请，工作人员核实后办理，办好会告诉您。",
             "cancelled": "注销申请已撤回，您的账号照常使用。", "done": "账号已注销。"}
    return ErasureOut(id=request.id, status=request.status, requested_at=request.requested_at,
                      message=words[request.status])


@bp.get("/me/data")
@login_required
@api_doc(summary="导出我的全部数据（本人可见，已解密）", response=DataExportOut)
def get_my_data() -> Any:
    """Return everything stored about the signed-in person."""
    return reply(DataExportOut(**export.export_person_data(db(), person=current_person())))


@bp.get("/me/principals/<int:principal_id>/data")
@login_required
@api_doc(summary="代办人查看老人的订餐和求助数据", response=DataExportOut)
def get_principal_data(principal_id: int) -> Any:
    """Return what an accepted family proxy may see of the person they act for."""
    body = export.export_principal_data(db(), agent=current_person(), principal_id=principal_id)
    return reply(DataExportOut(**body))


@bp.post("/me/erasure")
@login_required
@idempotent
@api_doc(summary="申请注销账号（工作人员核实后办理）", response=ErasureOut, status=201)
def request_my_erasure() -> Any:
    """Ask staff to erase the signed-in person's data."""
    request = erasure.request_erasure(db(), person=current_person(), channel="miniprogram")
    return reply(_erasure_out(request), 201)


@bp.delete("/me/erasure")
@login_required
@api_doc(summary="撤回注销申请", response=ErasureOut)
def cancel_my_erasure() -> Any:
    """Withdraw the signed-in person's open erasure request."""
    return reply(_erasure_out(erasure.cancel_erasure(db(), person=current_person())))
