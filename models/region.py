"""County → street (乡镇/街道) → community (社区/村), and organisations."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, enum_values

ORGANISATION_KINDS = (
    "civil_affairs",  # 民政
    "trade_union",  # 工会
    "youth_league",  # 共青团
    "womens_federation",  # 妇联
    "disabled_federation",  # 残联
    "red_cross",  # 红十字会
    "young_pioneers",  # 少先队
    "charity",  # 慈善组织
    "canteen_operator",  # 助餐点运营方
)
ORGANISATION_KIND_NAMES = {
    "civil_affairs": "民政",
    "trade_union": "工会",
    "youth_league": "共青团",
    "womens_federation": "妇联",
    "disabled_federation": "残联",
    "red_cross": "红十字会",
    "young_pioneers": "少先队",
    "charity": "慈善组织",
    "canteen_operator": "助餐点运营方",
}


class County(Base):
    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class Street(Base):
    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))

    county: Mapped[County] = relationship()


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    service_phone: Mapped[str | None] = mapped_column(String(32))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    street: Mapped[Street] = relationship()


class Organisation(Base, Timestamped):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(f"kind IN ({enum_values(ORGANISATION_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
