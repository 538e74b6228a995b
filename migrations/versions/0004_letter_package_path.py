"""letter package path: the exact ZIP sent or handed over with a letter, kept for every delivery

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('package_path', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_column('package_path')
