"""case search text (reference, name, email and customer number folded for case and accents); stored deadlines
of extensions nobody was told about go back to the original deadline (Art. 12(3))

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:40:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _fold(text):
    """As caseflow.search.fold (now caseflow.models.search.fold) at the time of this migration (frozen here on purpose)."""
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
    _untold_extensions_do_not_count(bind)


def _untold_extensions_do_not_count(bind):
    """Until now an extension moved the stored deadline at once; it now counts only once the extension notice was
    sent. Extended cases without a notice get their original deadline back (finished suspensions included)."""
    from caseflow.legal.deadlines import legal_deadline

    case = sa.table('case', sa.column('id', sa.Integer), sa.column('received_on', sa.Date),
                    sa.column('extended_on', sa.Date), sa.column('deadline', sa.Date))
    letter = sa.table('letter', sa.column('case_id', sa.Integer), sa.column('kind', sa.String))
    suspension = sa.table('suspension', sa.column('case_id', sa.Integer), sa.column('started_on', sa.Date),
                          sa.column('ended_on', sa.Date))
    told = sa.select(letter.c.case_id).where(letter.c.kind == 'extension_notice')
    untold = bind.execute(sa.select(case.c.id, case.c.received_on).where(
        case.c.extended_on.is_not(None), case.c.id.not_in(told))).all()
    for case_id, received_on in untold:
        periods = bind.execute(sa.select(suspension.c.started_on, suspension.c.ended_on).where(
            suspension.c.case_id == case_id, suspension.c.ended_on.is_not(None))).all()
        days = sum((ended - started).days for started, ended in periods)
        bind.execute(case.update().where(case.c.id == case_id).values(
            deadline=legal_deadline(received_on, suspended_days=days)))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('search_text')
