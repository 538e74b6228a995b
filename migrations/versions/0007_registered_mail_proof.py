"""registered mail proof: posting date, Bpost tracking number, delivery date and receipt of a letter sent by
registered mail; the tracking number of an incoming registered letter

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('delivered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('receipt_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('receipt_path', sa.String(length=255), nullable=True))
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('tracking_number')
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_column('receipt_path')
        batch_op.drop_column('receipt_name')
        batch_op.drop_column('delivered_on')
        batch_op.drop_column('tracking_number')
        batch_op.drop_column('posted_on')
