"""checklists, letters, package files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:49:39.858280

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('delivery', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('package_name', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_letter_case_id_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_letter_created_by_id_user')),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_letter_outbox_message_id_outbox_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter'))
    )
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_case_id'), ['case_id'], unique=False)

    op.create_table('package_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_package_file_case_id_case')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_package_file_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_file'))
    )
    with op.batch_alter_table('package_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_file_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('attachment_path', sa.String(length=255), nullable=True))

    with op.batch_alter_table('resolution_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checklist_item', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("not_applicable", sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('resolution_action', schema=None) as batch_op:
        batch_op.drop_column('not_applicable')
        batch_op.drop_column('checklist_item')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('attachment_path')
        batch_op.drop_column('attachment_name')

    with op.batch_alter_table('package_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_file_case_id'))

    op.drop_table('package_file')
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_case_id'))

    op.drop_table('letter')
