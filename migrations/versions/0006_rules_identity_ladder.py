"""identity ladder (the method used, the reason for an identity document, the copy's destruction); closing a case
once its answer is delivered; reopening (who, when, why is in the audit trail)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_check', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('identity_check_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('identity_copy_destroyed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('close_on_delivery', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('close_on_delivery')
        batch_op.drop_column('identity_copy_destroyed_on')
        batch_op.drop_column('identity_check_reason')
        batch_op.drop_column('identity_check')
