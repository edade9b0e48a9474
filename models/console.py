"""Staff console accounts, tier decisions (核对), the resource catalogue and warning indicators."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedString, Timestamped, UTCDateTime, enum_values
from models.help_requests import CATEGORIES, LAYERS
from models.monitoring import ALERT_LEVELS
from models.person import ECONOMIC_TIERS

RESOURCE_KINDS = ("project", "special_fund", "named_charity_fund")
RESOURCE_KIND_NAMES = {
    "project": "救助项目",
    "special_fund": "专项基金",
    "named_charity_fund": "慈善冠名基金",
}


class StaffAccount(Base, Timestamped):
    """A username and password for one staff member's web console."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), unique=True
    )
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class TierDecision(Base):
    """One verification (核对) of a resident's economic tier; the database refuses changes."""

    __tablename__ = "tier_decisions"
    __table_args__ = (
        CheckConstraint(
            f"tier IS NULL OR tier IN ({enum_values(ECONOMIC_TIERS)})", name="tier"
        ),
        Index("ix_tier_decisions_person", "person_id", "decided_at"),
        CheckConstraint(f"layer IS NULL OR layer IN ({enum_values(LAYERS)})", name="layer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    tier: Mapped[str | None] = mapped_column(String(32))
    previous_tier: Mapped[str | None] = mapped_column(String(32))
    evidence_note: Mapped[str] = mapped_column(EncryptedString(4096))
    review_due: Mapped[date | None] = mapped_column(Date)
    # 分层分类救助: which layer the tier puts the resident in (services.assistance.layers; staff may choose).
    layer: Mapped[str | None] = mapped_column(String(16))
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The household check (models.assistance.HouseholdCheck) this decision came from, if any.
    # No foreign key: on SQLite adding one would rebuild this append-only table.
    check_id: Mapped[int | None] = mapped_column(Integer)


class AidResource(Base, Timestamped):
    """One entry of a county's catalogue of help (救助资源项目清单)."""

    __tablename__ = "aid_resources"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(RESOURCE_KINDS)})", name="kind"),
        CheckConstraint(f"layer IS NULL OR layer IN ({enum_values(LAYERS)})", name="layer"),
        CheckConstraint(f"category IS NULL OR category IN ({enum_values(CATEGORIES)})",
                        name="category"),
        Index("ix_aid_resources_county", "county_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    offers: Mapped[str] = mapped_column(Text)
    eligibility: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(128))
    # What it fits, for matching a request to it (services.help_requests.layering.match_resources):
    # its layer, the help category it serves (NULL = any), the one community it serves
    # (NULL = the whole county) and the tiers it is for ("dibao,tekun"; NULL = anyone).
    layer: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    eligible_tiers: Mapped[str | None] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class AssistanceLayerRule(Base, Timestamped):
    """A staff change to one row of the layer rule ("category:medical" → "medical").

    The rule's default lives in services/data/assistance_layers.json with its policy
    source; a row here replaces that row's layer (services.assistance.layers), audited.
    """

    __tablename__ = "assistance_layer_rules"
    __table_args__ = (CheckConstraint(f"layer IN ({enum_values(LAYERS)})", name="layer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_key: Mapped[str] = mapped_column(String(48), unique=True)
    layer: Mapped[str] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class WarningIndicator(Base, Timestamped):
    """A monitoring rule as data: what it watches, its level and threshold."""

    __tablename__ = "warning_indicators"
    __table_args__ = (CheckConstraint(f"level IN ({enum_values(ALERT_LEVELS)})", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[int] = mapped_column(default=1)
    window_days: Mapped[int] = mapped_column(default=7)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
