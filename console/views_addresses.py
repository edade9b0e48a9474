"""The address book: import the community's buildings from a CSV; locate homes it could not."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from pydantic import Field, model_validator

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body
from services.access.checks import staff_communities
from services.people import addresses

SAFE_BACK = ("console.addresses", "console.resident")


class HomeForm(Body):
    building_id: int | None = Field(default=None, ge=1)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    back: str = Field(default="console.resident", max_length=32)

    @model_validator(mode="after")
    def _one_way(self) -> HomeForm:
        if self.building_id is None and (self.latitude is None or self.longitude is None):
            raise ValueError("请选楼栋，或填纬度和经度")
        return self


def _page(report: addresses.ImportReport | None = None) -> str:
    staff = current_staff()
    mine = staff_communities(staff)
    buildings = [b for b in addresses.list_buildings(db())
                 if mine is None or b.community_id in mine]
    by_community: dict[int, list[Any]] = {}
    for building in buildings:
        by_community.setdefault(building.community_id, []).append(building)
    homes = addresses.list_unlocated_homes(db(), actor=staff)
    return render("console/addresses.html", buildings=buildings, by_community=by_community,
                  homes=homes, report=report)


@bp.get("/addresses", endpoint="addresses")
@staff_page
def addresses_page() -> Any:
    """Show the address book, the import form and the homes still without a location."""
    return _page()


@bp.post("/addresses/import", endpoint="import_addresses")
@staff_page
def import_addresses() -> Any:
    """Import an uploaded CSV; show what was added and each refused line."""
    upload = request.files.get("file")
    raw = upload.read() if upload is not None else b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report = addresses.ImportReport(errors=["文件不是 UTF-8 编码，请在表格软件里另存为“CSV UTF-8”。"])
        return _page(report), 400
    if not text.strip():
        return _page(addresses.ImportReport(errors=["请选择要导入的 CSV 文件。"])), 400
    report = addresses.import_address_book(db(), text=text, actor=current_staff())
    return _page(report)


@bp.post("/residents/<int:person_id>/home", endpoint="set_home")
@staff_page
def set_home(person_id: int) -> Any:
    """Set or correct a resident's home location (a building of the book, or coordinates)."""
    body = form(HomeForm)
    addresses.set_home_by_staff(db(), actor=current_staff(), person_id=person_id,
                                building_id=body.building_id, latitude=body.latitude,
                                longitude=body.longitude)
    flash("家的位置已保存，已通知居民可以订送餐上门。")
    if body.back == "console.addresses":
        return redirect(url_for("console.addresses"))
    return redirect(url_for("console.resident", person_id=person_id))
