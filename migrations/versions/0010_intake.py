"""email intake: messages taken in from the mailbox or an uploaded .eml, their attachments, the poll's cursor

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 13:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'intake_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('folder', sa.String(length=255), nullable=True),
        sa.Column('uidvalidity', sa.BigInteger(), nullable=True),
        sa.Column('uid', sa.BigInteger(), nullable=True),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('raw_path', sa.String(length=255), nullable=False),
        sa.Column('raw_size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('valid', sa.Boolean(), nullable=False),
        sa.Column('error', sa.String(length=30), nullable=True),
        sa.Column('from_name', sa.String(length=200), nullable=True),
        sa.Column('from_email', sa.String(length=254), nullable=True),
        sa.Column('forwarded_by', sa.String(length=254), nullable=True),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=True),
        sa.Column('rights', sa.String(length=200), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_intake_message_case_id_case')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_intake_message_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_message')),
        sa.UniqueConstraint('message_id', name=op.f('uq_intake_message_message_id')),
        sa.UniqueConstraint('folder', 'uidvalidity', 'uid', name=op.f('uq_intake_message_folder_uid')),
    )
    op.create_index(op.f('ix_intake_message_status'), 'intake_message', ['status'])
    op.create_index(op.f('ix_intake_message_case_id'), 'intake_message', ['case_id'])
    op.create_table(
        'intake_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('declared_type', sa.String(length=100), nullable=True),
        sa.Column('detected_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=True),
        sa.Column('refused', sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['intake_message.id'],
                                name=op.f('fk_intake_attachment_message_id_intake_message')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_attachment')),
    )
    op.create_index(op.f('ix_intake_attachment_message_id'), 'intake_attachment', ['message_id'])
    op.create_table(
        'intake_cursor',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('folder', sa.String(length=255), nullable=False),
        sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
        sa.Column('last_uid', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_cursor')),
        sa.UniqueConstraint('folder', name=op.f('uq_intake_cursor_folder')),
    )


def downgrade():
    op.drop_table('intake_cursor')
    op.drop_index(op.f('ix_intake_attachment_message_id'), table_name='intake_attachment')
    op.drop_table('intake_attachment')
    op.drop_index(op.f('ix_intake_message_case_id'), table_name='intake_message')
    op.drop_index(op.f('ix_intake_message_status'), table_name='intake_message')
    op.drop_table('intake_message')
