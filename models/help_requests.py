"""Help requests (一门受理、协同办理): the request, its timeline, routing rules, daily codes.

Sensitive fields (description, address, place, contact phone) and everything
typed later (rejection reason, feedback comment, timeline notes) are encrypted
at rest. The timeline table is append-only in the database (see the migration).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EncryptedString, EncryptedText, Timestamped, UTCDateTime, enum_values
from models.region import Organisation

CATEGORIES = ("living", "medical", "housing", "education", "employment", "care", "other")
CATEGORY_NAMES = {
    "living": "生活",
    "medical": "就医",
    "housing": "住房",
    "education": "上学",
    "employment": "就业",
    "care": "照护",
    "other": "其他",
}
URGENCIES = ("emergency", "normal")
# 分层分类救助: the assistance layer a request, a resource or a tier decision belongs to.
# The rule deriving it is data (services/data/assistance_layers.json, see services.assistance.layers).
LAYERS = ("basic", "medical", "education", "housing", "employment", "emergency")
LAYER_NAMES = {
    "basic": "基本生活救助",
    "medical": "专项救助·医疗",
    "education": "专项救助·教育",
    "housing": "专项救助·住房",
    "employment": "专项救助·就业",
    "emergency": "急难型救助·临时救助",
}
LAYER_GROUPS = {"basic": "基本生活救助", "medical": "专项救助", "education": "专项救助",
                "housing": "专项救助", "employment": "专项救助", "emergency": "急难型救助"}
FOLLOWUP_ANSWERS = ("better", "same", "worse")
CHANNELS = ("chat", "miniprogram")
STATUSES = (
    "submitted",
    "accepted",
    "assigned",
    "in_progress",
    "resolved",
    "closed",
    "cancelled",
    "rejected",
    "referred",
)
OPEN_STATUSES = ("submitted", "accepted", "assigned", "in_progress", "referred")
OPEN_WHERE = text(f"status IN ({enum_values(OPEN_STATUSES)})")
EVENT_KINDS = ("status", "attached", "escalated", "feedback", "reminder")


class HelpRequest(Base, Timestamped):
    """One tracked need, from submission to its end, with its deadlines and rating."""

    __tablename__ = "help_requests"
    __table_args__ = (
        CheckConstraint(f"category IN ({enum_values(CATEGORIES)})", name="category"),
        CheckConstraint(f"urgency IN ({enum_values(URGENCIES)})", name="urgency"),
        CheckConstraint(f"status IN ({enum_values(STATUSES)})", name="status"),
        CheckConstraint(f"channel IN ({enum_values(CHANNELS)})", name="channel"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating"),
        CheckConstraint(f"layer IS NULL OR layer IN ({enum_values(LAYERS)})", name="layer"),
        CheckConstraint(
            f"followup_answer IS NULL OR followup_answer IN ({enum_values(FOLLOWUP_ANSWERS)})",
            name="followup_answer",
        ),
        Index("ix_help_requests_queue", "community_id", "status", "urgency"),
        Index("ix_help_requests_requester", "requester_id", "category", "status"),
        # The console: the dashboard's months and the monitoring list's overdue requests.
        Index("ix_help_requests_community_created", "community_id", "created_at",
              postgresql_include=["category", "status"]),
        Index("ix_help_requests_open_due", "community_id", "resolve_due_at",
              sqlite_where=OPEN_WHERE, postgresql_where=OPEN_WHERE),
    )

    # Set by intake on the returned object only: "created", "attached" or "replayed".
    intake_outcome = "found"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    source_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    requester_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    category: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(16))
    # Derived from category and urgency at intake (services.assistance.layers); staff may change it.
    layer: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(EncryptedString(4096))
    address: Mapped[str | None] = mapped_column(EncryptedString(1024))
    # Where the need is ("人在菜市场门口"), when it is not the home address above.
    place: Mapped[str | None] = mapped_column(EncryptedString(1024))
    contact_phone: Mapped[str | None] = mapped_column(EncryptedString(256))
    needs_human: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    queue: Mapped[str] = mapped_column(String(32), default="default")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    assignee_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    rejection_reason: Mapped[str | None] = mapped_column(EncryptedText())
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("risk_alerts.id"))
    accept_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    escalation_level: Mapped[int] = mapped_column(default=0)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None]
    feedback_comment: Mapped[str | None] = mapped_column(EncryptedText())
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 回访: asked 30 days after resolution (once), and the numbered choice the person gave.
    followup_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followup_answer: Mapped[str | None] = mapped_column(String(16))
    followup_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the personal text was cleared (erasure or the retention rule); done once.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def beneficiary_id(self) -> int:
        """The person the help is for: the principal when made by proxy."""
        return self.on_behalf_of_id or self.requester_id


class HelpRequestEvent(Base):
    """One line of a request's timeline; the database refuses UPDATE and DELETE."""

    __tablename__ = "help_request_events"
    __table_args__ = (CheckConstraint(f"kind IN ({enum_values(EVENT_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(16), default="status")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(EncryptedText())


class HelpRoutingRule(Base, Timestamped):
    """Which organisation and staff queue take a category in a community (NULL = any)."""

    __tablename__ = "help_routing_rules"
    __table_args__ = (
        CheckConstraint(
            f"category IS NULL OR category IN ({enum_values(CATEGORIES)})", name="category"
        ),
        UniqueConstraint("category", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str | None] = mapped_column(String(16))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    queue: Mapped[str] = mapped_column(String(32), default="default")


class HelpCodeCounter(Base):
    """The last sequence number handed out on a local day (row-locked while counting)."""

    __tablename__ = "help_code_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
