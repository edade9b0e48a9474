"""help requests: requests, append-only timeline, routing rules, daily code counters

Revision ID: 0004_help_requests
Revises: 0001_foundation
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base
from models.append_only import drop_append_only, make_append_only


revision: str = '0004_help_requests'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('help_code_counters',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_help_code_counters'))
    )

    op.create_table('help_routing_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=32), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IS NULL OR category IN ('living', 'medical', 'housing', 'education', 'employment', 'care', 'other')", name=op.f('ck_help_routing_rules_category')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_help_routing_rules_community_id_communities')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_help_routing_rules_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_routing_rules')),
    sa.UniqueConstraint('category', 'community_id', name=op.f('uq_help_routing_rules_category_community_id'))
    )

    op.create_table('help_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('description', models.base.EncryptedString(length=4096), nullable=False),
    sa.Column('address', models.base.EncryptedString(length=1024), nullable=True),
    sa.Column('contact_phone', models.base.EncryptedString(length=256), nullable=True),
    sa.Column('needs_human', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('queue', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('assignee_person_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('accept_due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolve_due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('accepted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('feedback_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('feedback_reminded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('living', 'medical', 'housing', 'education', 'employment', 'care', 'other')", name=op.f('ck_help_requests_category')),
    sa.CheckConstraint("channel IN ('chat', 'miniprogram')", name=op.f('ck_help_requests_channel')),
    sa.CheckConstraint("status IN ('submitted', 'accepted', 'assigned', 'in_progress', 'resolved', 'closed', 'cancelled', 'rejected', 'referred')", name=op.f('ck_help_requests_status')),
    sa.CheckConstraint("urgency IN ('emergency', 'normal')", name=op.f('ck_help_requests_urgency')),
    sa.CheckConstraint('rating IS NULL OR (rating BETWEEN 1 AND 5)', name=op.f('ck_help_requests_rating')),
    sa.ForeignKeyConstraint(['alert_id'], ['risk_alerts.id'], name=op.f('fk_help_requests_alert_id_risk_alerts')),
    sa.ForeignKeyConstraint(['assignee_person_id'], ['persons.id'], name=op.f('fk_help_requests_assignee_person_id_persons')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_help_requests_community_id_communities')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['persons.id'], name=op.f('fk_help_requests_on_behalf_of_id_persons')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_help_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['requester_id'], ['persons.id'], name=op.f('fk_help_requests_requester_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_requests')),
    sa.UniqueConstraint('code', name=op.f('uq_help_requests_code')),
    sa.UniqueConstraint('source_key', name=op.f('uq_help_requests_source_key'))
    )

    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_requests_assignee_person_id'), ['assignee_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_requests_on_behalf_of_id'), ['on_behalf_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_help_requests_queue', ['community_id', 'status', 'urgency'], unique=False)
        batch_op.create_index('ix_help_requests_requester', ['requester_id', 'category', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_requests_requester_id'), ['requester_id'], unique=False)

    op.create_table('help_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('status', 'attached', 'escalated', 'feedback', 'reminder')", name=op.f('ck_help_request_events_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['persons.id'], name=op.f('fk_help_request_events_actor_id_persons')),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'], name=op.f('fk_help_request_events_request_id_help_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_request_events'))
    )

    with op.batch_alter_table('help_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_request_events_request_id'), ['request_id'], unique=False)

    make_append_only(op, 'help_request_events')


def downgrade() -> None:
    drop_append_only(op, 'help_request_events')
    op.drop_table('help_request_events')
    op.drop_table('help_requests')
    op.drop_table('help_routing_rules')
    op.drop_table('help_code_counters')
