"""Who may see which request, and the reads each front door needs."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from models.help_requests import HelpRequest
from models.person import Person
from services.access.checks import is_staff, require_act_for, require_staff_for, staff_communities
from services.people.consents import has_consent

FINISHED = ("closed", "cancelled", "rejected")


def relation_to(actor: Person, help_request: HelpRequest) -> str | None:
    """Say how `actor` stands to a request: requester, staff, organisation, assignee or None."""
    if actor.id in (help_request.requester_id, help_request.on_behalf_of_id):
        return "requester"
    if is_staff(actor):
        communities = staff_communities(actor)
        if communities is None or help_request.community_id in communities:
            return "staff"
    if help_request.organisation_id is not None and any(
        r.organisation_id == help_request.organisation_id for r in actor.roles
    ):
        return "organisation"
    if help_request.assignee_person_id == actor.id:
        return "assignee"
    return None


def _charity_without_consent(session: Session, help_request: HelpRequest | None) -> bool:
    """A charity sees a request only while the person helped consents to sharing with it (PIPL)."""
    organisation = help_request.organisation if help_request is not None else None
    if organisation is None or organisation.kind != "charity" or help_request is None:
        return False
    return not has_consent(session, person_id=help_request.beneficiary_id, scope="share_with_charity")


def load_visible(
    session: Session, *, actor: Person, request_id: int, for_update: bool = False
) -> tuple[HelpRequest, str]:
    """Return a request and the actor's relation to it; NotFound when they may not see it."""
    help_request = session.get(HelpRequest, request_id, with_for_update=for_update)
    relation = relation_to(actor, help_request) if help_request is not None else None
    if relation == "organisation" and _charity_without_consent(session, help_request):
        relation = None
    if help_request is None or relation is None:
        raise NotFound("没有找到这条求助。")
    return help_request, relation


def get_help_request(session: Session, *, actor: Person, request_id: int) -> HelpRequest:
    """Return one request the actor may see, or raise NotFound."""
    return load_visible(session, actor=actor, request_id=request_id)[0]


def _made_by_or_for(session: Session, *, actor: Person, person_id: int | None) -> ColumnElement[bool]:
    """Say whose requests: the actor's, or `person_id`'s once the actor may act for them."""
    whose = actor.id if person_id is None else person_id
    if whose != actor.id:
        require_act_for(session, agent=actor, principal_id=whose)
    return or_(HelpRequest.requester_id == whose, HelpRequest.on_behalf_of_id == whose)


def list_my_help_requests(
    session: Session, *, actor: Person, open_only: bool = True, person_id: int | None = None
) -> list[HelpRequest]:
    """Return requests the actor (or `person_id`, whom they act for) made or had made for them."""
    stmt = select(HelpRequest).where(_made_by_or_for(session, actor=actor, person_id=person_id))
    if open_only:
        stmt = stmt.where(HelpRequest.status.not_in(FINISHED))
    return list(session.scalars(stmt.order_by(HelpRequest.id.desc()).limit(100)))


def list_open_help_requests_and_latest(
    session: Session, *, actor: Person, person_id: int | None = None
) -> tuple[list[HelpRequest], HelpRequest | None]:
    """Return the open requests (as list_my_help_requests) and the latest of any status, in one read."""
    mine = _made_by_or_for(session, actor=actor, person_id=person_id)
    latest_id = select(func.max(HelpRequest.id)).where(mine).scalar_subquery()
    stmt = (select(HelpRequest)
            .where(mine, or_(HelpRequest.status.not_in(FINISHED), HelpRequest.id == latest_id))
            .order_by(HelpRequest.id.desc()).limit(101))
    found = list(session.scalars(stmt))
    return [r for r in found if r.status not in FINISHED][:100], (found[0] if found else None)


def list_assigned_help_requests(session: Session, *, actor: Person) -> list[HelpRequest]:
    """Return the unfinished requests assigned to the actor, newest first."""
    stmt = select(HelpRequest).where(
        HelpRequest.assignee_person_id == actor.id, HelpRequest.status.not_in(FINISHED)
    )
    return list(session.scalars(stmt.order_by(HelpRequest.id.desc()).limit(100)))


def list_staff_help_requests(
    session: Session,
    *,
    actor: Person,
    status: str | None = None,
    urgency: str | None = None,
    community_id: int | None = None,
    limit: int = 20,
    cursor: int | None = None,
    layer: str | None = None,
) -> list[HelpRequest]:
    """Return the staff queue of the actor's communities, newest first (limit + 1 rows).

    Members of an organisation (a charity taking referrals, a canteen operator) get the
    requests referred or assigned to their organisation instead.
    """
    organisations = {r.organisation_id for r in actor.roles if r.organisation_id is not None}
    if not is_staff(actor) and organisations:
        stmt = select(HelpRequest).where(HelpRequest.organisation_id.in_(organisations))
        communities = None
    else:
        communities = require_staff_for(actor, community_id)
        stmt = select(HelpRequest)
    if communities is not None:
        stmt = stmt.where(HelpRequest.community_id.in_(communities))
    if community_id is not None:
        stmt = stmt.where(HelpRequest.community_id == community_id)
    if status:
        stmt = stmt.where(HelpRequest.status == status)
    if urgency:
        stmt = stmt.where(HelpRequest.urgency == urgency)
    if layer:
        stmt = stmt.where(HelpRequest.layer == layer)
    if cursor is not None:
        stmt = stmt.where(HelpRequest.id < cursor)
    return list(session.scalars(stmt.order_by(HelpRequest.id.desc()).limit(limit + 1)))


def count_open_by_layer(session: Session, *, actor: Person, community_id: int) -> dict[str, int]:
    """Count a community's unfinished requests per assistance layer ("" = not layered)."""
    require_staff_for(actor, community_id)
    stmt = (select(HelpRequest.layer, func.count())
            .where(HelpRequest.community_id == community_id,
                   HelpRequest.status.not_in(FINISHED))
            .group_by(HelpRequest.layer))
    return {layer or "": count for layer, count in session.execute(stmt)}
