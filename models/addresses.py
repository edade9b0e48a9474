"""The community address book: buildings and courtyards with coordinates and aliases.

Staff import it from a CSV (console or `flask addresses import`); a typed home
address is matched against it (services.people.addresses) and the home takes the
building's coordinates. Building names are public facts, not personal data.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped

HOME_SOURCES = (
    "address_book",  # matched from the typed address to a building
    "wechat",  # a WeChat location the person sent and confirmed
    "miniprogram",  # coordinates the mini-program sent (PUT /me)
    "staff",  # set or corrected by staff in the console
    "demo",  # demo data
)


class AddressBuilding(Base, Timestamped):
    """One building or courtyard of a community, where it is and what people call it."""

    __tablename__ = "address_buildings"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    aliases: Mapped[str] = mapped_column(Text, default="")  # "|"-separated
    latitude: Mapped[float]
    longitude: Mapped[float]

    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.split("|") if a]
