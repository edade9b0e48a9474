"""Volunteer registration and staff verification of volunteers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound, ValidationFailed
from models.person import Person
from models.region import Community
from models.volunteers import VolunteerProfile
from services.access.checks import require_staff_for
from services.messaging.notifications import enqueue_notification
from services.people.persons import get_person, grant_role
from services.volunteers.errors import VolunteerNotVerified

MAX_SKILLS = 10


def _clean_skills(skills: list[str]) -> list[str]:
    cleaned: list[str] = []
    for skill in skills:
        text = skill.strip()[:20]
        if text and text not in cleaned:
            cleaned.append(text)
    if not cleaned:
        raise ValidationFailed("请至少说一项您能帮忙的事，比如：买菜、陪伴、维修。")
    return cleaned[:MAX_SKILLS]


def get_volunteer_profile(session: Session, *, person_id: int) -> VolunteerProfile | None:
    """Return a person's volunteer profile, if they registered."""
    return session.scalar(select(VolunteerProfile).where(VolunteerProfile.person_id == person_id))


def register_volunteer(
    session: Session,
    *,
    actor: Person,
    skills: list[str],
    community_id: int | None = None,
    availability: str | None = None,
) -> VolunteerProfile:
    """Register (or update) the actor as a volunteer; staff verify before points count."""
    community_id = community_id or actor.community_id
    if community_id is None:
        raise ValidationFailed("请先选择您所在的社区。")
    if session.get(Community, community_id) is None:
        raise ValidationFailed(fields={"community_id": "没有这个社区"})
    profile = get_volunteer_profile(session, person_id=actor.id)
    if profile is None:
        profile = VolunteerProfile(person_id=actor.id, status="pending")
        session.add(profile)
    elif profile.status == "rejected":
        profile.status, profile.reject_reason = "pending", None
    if profile.status == "pending" or profile.community_id in (None, community_id):
        profile.community_id = community_id
    profile.skills = _clean_skills(skills)
    profile.availability = (availability or "").strip()[:200] or None
    session.flush()
    return profile


def verify_volunteer(
    session: Session, *, actor: Person, volunteer_id: int, approve: bool, reason: str | None = None
) -> VolunteerProfile:
    """Approve or refuse a volunteer registration (staff of the volunteer's community)."""
    profile = get_volunteer_profile(session, person_id=volunteer_id)
    if profile is None:
        raise NotFound()
    require_staff_for(actor, profile.community_id)
    if profile.status != "pending":
        raise InvalidTransition("这位志愿者已经审核过了。")
    if not approve and not (reason or "").strip():
        raise ValidationFailed("请写明不通过的原因。")
    profile.status = "verified" if approve else "rejected"
    profile.verified_by_id, profile.verified_at = actor.id, clock.now()
    profile.reject_reason = None if approve else (reason or "").strip()[:200]
    volunteer = get_person(session, person_id=volunteer_id)
    if approve:
        grant_role(session, person=volunteer, role="volunteer", community_id=profile.community_id)
    text = "您的志愿者登记已通过，可以开始记录服务了。" if approve else (
        f"您的志愿者登记没有通过：{profile.reject_reason}")
    enqueue_notification(session, person_id=volunteer_id, template="volunteer_verified", text=text,
                         dedupe_key=f"volunteer:{profile.id}:verified:{profile.status}",
                         facts={"status": "已通过" if approve else "未通过",
                                "next": "可以开始记录服务了" if approve
                                else f"原因：{profile.reject_reason or '未说明'}"})
    session.flush()
    return profile


def set_leaderboard_anonymity(session: Session, *, actor: Person, anonymous: bool) -> VolunteerProfile:
    """Choose whether the actor appears on the leaderboard by name or anonymously."""
    profile = get_volunteer_profile(session, person_id=actor.id)
    if profile is None:
        raise NotFound("您还没有登记成为志愿者。")
    profile.anonymous_on_leaderboard = anonymous
    session.flush()
    return profile


def require_verified_volunteer(session: Session, *, person_id: int) -> VolunteerProfile:
    """Return the verified profile, locked for this transaction, or refuse."""
    profile = session.scalars(
        select(VolunteerProfile)
        .where(VolunteerProfile.person_id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if profile is None or profile.status != "verified":
        raise VolunteerNotVerified()
    return profile
