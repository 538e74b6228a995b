"""the requester's name as the register sorts it (Case.requester_sort: folded for case and accents, so "Élise"
sorts with the e's and "de Smet" with "De Smet"), indexed with the id in place of the index on the name itself

Adding a column copies no table on SQLite, so the FTS triggers of 0013 are not touched; filling it updates every
case once (those triggers then re-index each case's unchanged search text).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 17:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _fold(text):
    """As caseflow.search.fold (now caseflow.models.search.fold) at the time of this migration (frozen here on purpose)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def upgrade():
    op.add_column('case', sa.Column('requester_sort', sa.String(length=200), server_default='', nullable=False))
    case = sa.table('case', sa.column('id', sa.Integer), sa.column('requester_name', sa.String),
                    sa.column('requester_sort', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(case.c.id, case.c.requester_name)).all()
    update = case.update().where(case.c.id == sa.bindparam('case_id')).values(requester_sort=sa.bindparam('sort'))
    for start in range(0, len(rows), 1000):
        bind.execute(update, [{'case_id': row.id, 'sort': _fold(row.requester_name)[:200]}
                              for row in rows[start:start + 1000]])
    op.create_index('ix_case_requester_sort_id', 'case', ['requester_sort', 'id'], unique=False)
    op.drop_index('ix_case_requester_name_id', table_name='case')


def downgrade():
    op.create_index('ix_case_requester_name_id', 'case', ['requester_name', 'id'], unique=False)
    op.drop_index('ix_case_requester_sort_id', table_name='case')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('requester_sort')
