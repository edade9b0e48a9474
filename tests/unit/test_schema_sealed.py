"""Every text column is sealed at rest or reviewed: a new column that is neither fails here.

Adding a table? Each String/Text/JSON column either uses `models.base.EncryptedString`,
`EncryptedText` or `EncryptedJSON` (anything a person can type: notes, reasons, comments,
addresses, phones, locations), or gets a line in PLAIN below saying why it may stay readable
(enum/status, code, hash, identifier needed in SQL, published catalogue text). Searching a
sealed column by equality needs a blind index beside it (see `Person.set_phone`).
"""

from __future__ import annotations

from sqlalchemy import JSON, String, TypeDecorator
from sqlalchemy.types import TypeEngine

import models
from models.base import EncryptedJSON, EncryptedString

# "table.column": why it may be stored in plain.
PLAIN: dict[str, str] = {
    # region and organisations: public reference data
    "counties.code": "code",
    "counties.name": "public place name",
    "streets.code": "code",
    "streets.name": "public place name",
    "communities.code": "code",
    "communities.name": "public place name",
    "communities.service_phone": "the community office's public service number",
    "organisations.code": "code",
    "organisations.name": "public organisation name",
    "organisations.kind": "enum",
    "organisations.contact_phone": "an organisation's public contact number",
    "warning_indicators.code": "code",
    "warning_indicators.name": "name of a monitoring rule, set by staff configuration",
    "warning_indicators.level": "enum",
    # people
    "persons.oa_openid": "WeChat pseudonymous id, looked up on every message (unique index)",
    "persons.mp_openid": "WeChat pseudonymous id, looked up at every mini-program login",
    "persons.unionid": "WeChat pseudonymous id, looked up at login",
    "persons.name_bidx": "blind index (keyed hash)",
    "persons.phone_bidx": "blind index (keyed hash)",
    "persons.id_number_bidx": "blind index (keyed hash)",
    "persons.economic_tier": "enum of 7 codes filtered and grouped in SQL; decision in docs/decisions.md",
    "person_roles.role": "enum",
    "consents.scope": "enum",
    "consents.policy_version": "version code",
    "consents.channel": "enum",
    "proxies.status": "enum",
    "tier_decisions.tier": "enum (see persons.economic_tier)",
    "tier_decisions.previous_tier": "enum (see persons.economic_tier)",
    "household_checks.proposed_tier": "enum (see persons.economic_tier)",
    "household_checks.tier": "enum (see persons.economic_tier)",
    "household_checks.status": "enum",
    "household_check_items.kind": "enum (the item itself and its amount are sealed)",
    "tier_decisions.layer": "enum (models.help_requests.LAYERS)",
    # auth, audit, idempotency
    "api_tokens.token_hash": "SHA-256 hash",
    "staff_accounts.username": "staff login name, looked up at sign-in",
    "staff_accounts.password_hash": "password hash",
    "audit_log.action": "enum",
    "audit_log.subject_type": "enum",
    "audit_log.request_id": "random request id",
    "audit_log.fields": "names of the fields read, never their values",
    "audit_log.detail": "ids, counts and dates written by the services, never typed text",
    "idempotency_records.key": "client-chosen random key, looked up per request",
    "idempotency_records.request_hash": "SHA-256 hash",
    # meals
    "canteens.code": "code",
    "canteens.name": "public canteen name",
    "canteens.address": "a canteen's public address",
    "canteens.phone": "a canteen's public phone",
    "canteens.open_weekdays": "weekday digits",
    "canteen_meals.meal": "enum",
    "menus.meal": "enum",
    "menus.dishes": "published menu",
    "menus.tags": "published dietary tags of a menu",
    "meal_slots.meal": "enum",
    "subsidy_rules.code": "code",
    # charity funds and filing (models/funds.py, models/filing.py)
    "charity_funds.code": "code",
    "charity_funds.kind": "enum",
    "charity_funds.name": "published fund name (named on reports and in the elder's reason)",
    "fund_accounts.kind": "enum",
    "fund_postings.kind": "enum",
    "filed_records.source_type": "enum",
    "filing_batches.sha256": "hash of the sealed file",
    "subsidy_rules.economic_tier": "enum (see persons.economic_tier)",
    "meal_bookings.meal": "enum",
    "meal_bookings.economic_tier": "enum grouped in SQL for settlement (see persons.economic_tier)",
    "meal_bookings.channel": "enum",
    "meal_bookings.status": "enum",
    "meal_bookings.breakdown": "price lines computed from the rules: amounts and rule labels",
    "meal_monthly_rollups.month": "YYYY-MM",
    "meal_monthly_rollups.economic_tier": "enum (see persons.economic_tier)",
    "meal_monthly_rollups.status": "enum",
    # help requests
    "help_requests.code": "public reference code (QZ-...), looked up by staff",
    "help_requests.source_key": "dedupe key built from ids",
    "help_requests.channel": "enum",
    "help_requests.category": "enum",
    "help_requests.urgency": "enum",
    "help_requests.layer": "enum (models.help_requests.LAYERS)",
    "help_requests.followup_answer": "enum: a numbered choice (better, same, worse)",
    "help_requests.status": "enum",
    "help_requests.queue": "enum",
    "help_request_events.kind": "enum",
    "help_request_events.from_status": "enum",
    "help_request_events.to_status": "enum",
    "help_routing_rules.category": "enum",
    "help_routing_rules.queue": "enum",
    "aid_resources.kind": "enum",
    "aid_resources.layer": "enum (models.help_requests.LAYERS)",
    "assistance_layer_rules.rule_key": "which rule row (category:medical, tier:dibao), from code",
    "assistance_layer_rules.layer": "enum (models.help_requests.LAYERS)",
    "aid_resources.category": "enum (models.help_requests.CATEGORIES)",
    "aid_resources.eligible_tiers": "comma-separated enum values (persons.economic_tier)",
    "aid_resources.name": "published catalogue of aid",
    "aid_resources.offers": "published catalogue of aid",
    "aid_resources.eligibility": "published catalogue of aid",
    "aid_resources.contact": "a provider's public contact",
    # volunteers, points, activities
    "volunteer_profiles.status": "enum",
    "volunteer_profiles.skills": "tags chosen from a fixed list",
    "service_records.source": "enum",
    "service_records.status": "enum",
    "service_records.flag_reason": "enum set by the services (auto_closed, daily_cap, ...)",
    "service_records.decided_via": "enum",
    "points_rates.code": "code",
    "points_rates.note": "supervisor's note on a published rate",
    "points_accounts.code": "account code built from ids",
    "points_accounts.kind": "enum",
    "points_postings.kind": "enum",
    "rewards.code": "code",
    "rewards.name": "published reward catalogue",
    "rewards.description": "published reward catalogue",
    "redemptions.client_key": "client-chosen random key",
    "redemptions.status": "enum",
    "redemptions.detail": "reward id, quantity and points, written by the service",
    "activities.title": "published to every resident by a charity",
    "activities.description": "published to every resident by a charity",
    "activities.place": "published to every resident by a charity",
    "activities.status": "enum",
    "activities.attendance_code": "short code shown at the event",
    "activity_signups.status": "enum",
    # messaging, monitoring, bot
    "notifications.template": "template name",
    "notifications.dedupe_key": "dedupe key built from ids",
    "notifications.status": "enum",
    "notifications.claim_token": "random token",
    "notifications.channel": "enum",
    "notifications.last_error": "WeChat error code and message",
    "notifications.payload": "ids, codes, statuses and menu lines; the message text is sealed",
    "subscribe_credits.template_id": "WeChat template id",
    "inbound_messages.dedupe_key": "WeChat MsgId/CreateTime key",
    "inbound_messages.openid": "WeChat pseudonymous id",
    "inbound_messages.msg_type": "enum",
    "inbound_messages.event": "WeChat event name",
    "inbound_messages.reply_mode": "enum",
    "risk_alerts.kind": "enum",
    "risk_alerts.level": "enum",
    "risk_alerts.status": "enum",
    "risk_alerts.subject_type": "enum",
    "risk_alerts.dedupe_key": "dedupe key built from ids",
    "risk_alerts.detail": "ids, counts and levels written by the services",
    "address_buildings.name": "a building's public name (3号楼), no person's data",
    "address_buildings.aliases": "public ways of writing a building's name (三栋, 老3栋)",
    "persons.home_source": "enum: how the home was located",
    "outbox_holds.id": "a random id",
    "outbox_holds.reason": "enum: why sending is held (restore, manual)",
    "erasure_requests.channel": "enum",
    "erasure_requests.status": "enum",
    "erasure_requests.pseudonym": "已注销用户<id>: replaces the name, holds nothing of the person",
    "erasure_requests.counts": "counts of rows erased per table",
    "retention_runs.kind": "enum",
    "retention_runs.counts": "counts of rows removed per rule",
    "standing_orders.channel": "enum",
    "standing_orders.days": "daily, workdays or ISO weekday digits",
    "standing_orders.meal": "enum",
    "standing_orders.status": "enum",
    "standing_order_runs.outcome": "enum",
    "standing_order_runs.message": "the system's own words for a refused day (售完, 休息), never typed",
    "policy_entries.code": "code of a policy (dibao, tekun …)",
    "policy_entries.topic": "enum of nlp topics",
    "policy_entries.title": "public policy name (医疗救助), no person's data",
    "policy_entries.action": "enum: the step offered after the answer",
    "policy_entries.help_category": "enum (see help_requests.category)",
}

SEALED = (EncryptedString, EncryptedJSON)


def _holds_text(column_type: TypeEngine) -> bool:  # type: ignore[type-arg]
    if isinstance(column_type, SEALED):
        return False
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, String | JSON)


def _columns() -> dict[str, TypeEngine]:  # type: ignore[type-arg]
    return {f"{t.name}.{c.name}": c.type for t in models.Base.metadata.sorted_tables for c in t.columns}


def test_every_text_column_is_sealed_or_reviewed():
    unreviewed = sorted(name for name, type_ in _columns().items() if _holds_text(type_) and name not in PLAIN)
    assert unreviewed == [], (
        "text columns neither sealed nor reviewed: use EncryptedString/EncryptedText/EncryptedJSON "
        f"(free text a person types) or add each to PLAIN in {__name__} with a reason: {unreviewed}")


def test_the_reviewed_list_names_only_plain_text_columns_that_exist():
    columns = _columns()
    stale = sorted(name for name in PLAIN if name not in columns or not _holds_text(columns[name]))
    assert stale == [], f"drop these from PLAIN (gone, or now sealed): {stale}"
    assert all(reason.strip() for reason in PLAIN.values())


def test_what_people_type_is_sealed():
    columns = _columns()
    typed = ("meal_bookings.note", "meal_bookings.reason", "service_records.description",
             "service_records.disputed_reason", "service_records.reject_reason",
             "service_records.check_in_location", "help_requests.feedback_comment",
             "help_requests.rejection_reason", "help_request_events.note", "volunteer_profiles.availability",
             "volunteer_profiles.reject_reason", "points_postings.memo", "proxies.relation",
             "activities.cancel_reason", "idempotency_records.response", "persons.health_note",
             "help_requests.description", "tier_decisions.evidence_note", "notifications.text")
    assert [name for name in typed if not isinstance(columns[name], SEALED)] == []
