"""Demo console accounts, a county catalogue of help, indicators and a verified tier with its record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.console import AidResource, StaffAccount, TierDecision
from models.person import Person
from models.region import Community, County, Organisation
from services.access.published_logins import ACCOUNTS
from services.access.staff_accounts import create_staff_account
from services.assistance.layers import layer_for_tier
from services.monitoring.indicators import seed_indicators

RESOURCES = (
    ("ORG-CS", "named_charity_fund", "暖心慈善冠名基金", "大病、意外致困家庭一次性救助，最高5000元",
     "低保、特困、低保边缘家庭；因病因灾临时困难家庭", "示范县慈善总会 0571-88886666"),
    ("ORG-MZ", "special_fund", "困难群众临时救助专项资金", "急难型临时救助，先行救助后补手续",
     "遭遇突发事件、意外事故导致基本生活暂时困难的家庭", "示范县民政局社会救助科 0571-88880000"),
    ("ORG-HSH", "project", "红十字“博爱送万家”", "米、油、棉被等生活物资",
     "困难老人、残疾人家庭", "示范县红十字会 0571-88887777"),
    ("ORG-CL", "project", "残疾人居家托养补贴", "每月居家托养服务补贴",
     "持证重度残疾人", "示范县残联 0571-88885555"),
    ("ORG-HSH", "project", "和睦社区陪诊服务", "志愿者陪同看病、取药、复查",
     "和睦社区行动不便的老人", "和睦社区服务站"),
)
# What each entry above fits (services.assistance.resource_fit): layer, category, community code, tiers.
FITS: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    "暖心慈善冠名基金": ("medical", "medical", None, "dibao,tekun,dibao_edge,rigid_expense"),
    "困难群众临时救助专项资金": ("emergency", None, None, None),
    "红十字“博爱送万家”": ("basic", "living", None, None),
    "残疾人居家托养补贴": ("basic", "care", None, None),
    "和睦社区陪诊服务": ("medical", "medical", "330100001002", None),
}


def _accounts(session: Session) -> int:
    made = 0
    for openid, username, password in ACCOUNTS:
        person = session.scalar(select(Person).where(Person.oa_openid == openid))
        exists = session.scalar(select(StaffAccount.id).where(StaffAccount.username == username))
        if person is not None and exists is None:
            create_staff_account(session, person_id=person.id, username=username, password=password)
            made += 1
    return made


def _resources(session: Session) -> int:
    county = session.scalar(select(County).order_by(County.id))
    if county is None or session.scalar(select(AidResource.id).limit(1)) is not None:
        return 0
    for org_code, kind, name, offers, eligibility, contact in RESOURCES:
        org = session.scalar(select(Organisation).where(Organisation.code == org_code))
        layer, category, community_code, tiers = FITS[name]
        community = (session.scalar(select(Community.id).where(Community.code == community_code))
                     if community_code else None)
        session.add(AidResource(county_id=county.id, organisation_id=org.id if org else None,
                                kind=kind, name=name, offers=offers, eligibility=eligibility,
                                contact=contact, active=True, layer=layer, category=category,
                                community_id=community, eligible_tiers=tiers))
    session.flush()
    return len(RESOURCES)


def _tier_records(session: Session) -> int:
    """Give every demo tier set without a decision its first decision row."""
    added = 0
    verified = select(Person).where(Person.economic_tier.is_not(None),
                                    Person.tier_verified_by_id.is_not(None))
    for person in session.scalars(verified):
        if session.scalar(select(TierDecision.id).where(TierDecision.person_id == person.id)):
            continue
        assert person.tier_verified_by_id is not None and person.tier_verified_at is not None
        session.add(TierDecision(person_id=person.id, tier=person.economic_tier,
                                 layer=layer_for_tier(session, tier=person.economic_tier),
                                 evidence_note="低保证已入户核对（演示数据）",
                                 review_due=person.tier_review_due,
                                 verified_by_id=person.tier_verified_by_id,
                                 decided_at=person.tier_verified_at))
        added += 1
    session.flush()
    return added


def load(session: Session) -> dict[str, int]:
    """Create the demo console accounts, catalogue, indicators and tier records (idempotent)."""
    return {
        "console_accounts": _accounts(session),
        "aid_resources": _resources(session),
        "warning_indicators": seed_indicators(session),
        "tier_decisions": _tier_records(session),
    }
