"""a decision's own version: CaseRight.version, the optimistic lock of one right's outcome, so a decision conflicts
only with a change to the same decision (no longer with any change to the case)

Adding a column needs no table copy on SQLite, so the FTS triggers of 0013 (on the case table) are not touched.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 14:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_right', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('case_right', schema=None) as batch_op:
        batch_op.drop_column('version')
