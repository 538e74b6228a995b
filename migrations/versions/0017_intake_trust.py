"""intake that no email can stop or forge: whether a sender was authenticated (on the email and on the case made
of it), an unauthenticated forward's claimed date, what put an email in quarantine, and which address a reply
answers a letter Caseflow sent to; and each job's run of failures (job_health), so a job failing N runs in a row
alerts the administrators once

Adding columns copies no table on SQLite, so the FTS triggers of 0013 are not touched.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 04:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('intake_message', sa.Column('sender_authenticated', sa.Boolean(), nullable=True))
    op.add_column('intake_message', sa.Column('forward_claimed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('intake_message', sa.Column('problem_detail', sa.Text(), nullable=True))
    op.add_column('intake_message', sa.Column('answers_letter_to', sa.String(length=254), nullable=True))
    op.add_column('case', sa.Column('sender_authenticated', sa.Boolean(), nullable=True))
    op.create_table(
        'job_health',
        sa.Column('job', sa.String(length=30), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('job', name=op.f('pk_job_health')),
    )


def downgrade():
    op.drop_table('job_health')
    with op.batch_alter_table('intake_message', schema=None) as batch_op:
        batch_op.drop_column('answers_letter_to')
        batch_op.drop_column('problem_detail')
        batch_op.drop_column('forward_claimed_at')
        batch_op.drop_column('sender_authenticated')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('sender_authenticated')
