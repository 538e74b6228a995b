"""audit events chained by hash (audit_chain_head), digests of redacted texts; per-year case counter; the day a
case was anonymised

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:30:00

"""
import hashlib
import json
from datetime import timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _digest(text):
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _hash(prev_hash, row, case_prev_id):
    """As caseflow.audit.chain.event_hash at the time of this migration (frozen here on purpose)."""
    created = row.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    fields = [row.id, row.case_id, case_prev_id, row.user_id, created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
              row.action, _digest(row.detail), _digest(row.before), _digest(row.after)]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('redacted', sa.Text(), nullable=True))
    head = op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=True),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')),
    )
    counter = op.create_table(
        'case_counter',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_case_counter')),
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    event = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                     sa.column('user_id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                     sa.column('action', sa.String), sa.column('detail', sa.Text), sa.column('before', sa.Text),
                     sa.column('after', sa.Text), sa.column('hash', sa.String))
    prev_hash, last_id, last_of_case = GENESIS, None, {}
    for row in bind.execute(sa.select(event).order_by(event.c.id)).all():
        prev_hash, last_id = _hash(prev_hash, row, last_of_case.get(row.case_id)), row.id
        last_of_case[row.case_id] = row.id
        bind.execute(event.update().where(event.c.id == row.id).values(hash=prev_hash))
    bind.execute(head.insert().values(id=1, last_id=last_id, last_hash=prev_hash))
    case = sa.table('case', sa.column('year', sa.Integer), sa.column('number', sa.Integer))
    for year, number in bind.execute(sa.select(case.c.year, sa.func.max(case.c.number)).group_by(case.c.year)).all():
        bind.execute(counter.insert().values(year=year, last_number=number))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('anonymised_on')
    op.drop_table('case_counter')
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('redacted')
        batch_op.drop_column('hash')
