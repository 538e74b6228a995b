"""daily work: one tick per checklist line (unique), the new-case form's idempotency token, the requester's
salutation, how an encrypted package's passphrase was given, and package files purged after retention

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30 13:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resolution_action', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_resolution_action_checklist_line', ['case_right_id', 'checklist_item'])
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('requester_salutation', sa.String(length=10), nullable=True))
        batch_op.create_unique_constraint('uq_case_form_token', ['form_token'])
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passphrase_channel', sa.String(length=20), nullable=True))
    with op.batch_alter_table('package_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('package_file', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_column('passphrase_channel')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint('uq_case_form_token', type_='unique')
        batch_op.drop_column('requester_salutation')
        batch_op.drop_column('form_token')
    with op.batch_alter_table('resolution_action', schema=None) as batch_op:
        batch_op.drop_constraint('uq_resolution_action_checklist_line', type_='unique')
