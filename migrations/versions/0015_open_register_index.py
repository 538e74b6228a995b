"""the open-cases register read from one index: status, deadline, the start of a running suspension and the id together
(the register's default order), in place of the index on status alone, whose queries its first column serves

Creating and dropping an index copies no table on SQLite, so the FTS triggers of 0013 are not touched.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 16:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # with the id: PostgreSQL then sorts the open cases from the index alone (SQLite's indexes hold the id anyway)
    op.create_index('ix_case_status_deadline', 'case', ['status', 'deadline', 'identity_requested_on', 'id'],
                    unique=False)
    op.drop_index('ix_case_status', table_name='case')


def downgrade():
    op.create_index('ix_case_status', 'case', ['status'], unique=False)
    op.drop_index('ix_case_status_deadline', table_name='case')
