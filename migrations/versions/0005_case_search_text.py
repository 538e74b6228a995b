"""case search text: reference, name, email and customer number folded for case and accents

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:40:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _fold(text):
    """As caseflow.search.fold at the time of this migration (frozen here on purpose)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    case = sa.table('case', sa.column('id', sa.Integer), sa.column('reference', sa.String),
                    sa.column('requester_name', sa.String), sa.column('requester_email', sa.String),
                    sa.column('customer_number', sa.String), sa.column('search_text', sa.Text))
    bind = op.get_bind()
    rows = bind.execute(sa.select(case.c.id, case.c.reference, case.c.requester_name, case.c.requester_email,
                                  case.c.customer_number)).all()
    for row in rows:
        text = "\n".join(_fold(p) for p in row[1:] if p)
        bind.execute(case.update().where(case.c.id == row[0]).values(search_text=text))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('search_text')
