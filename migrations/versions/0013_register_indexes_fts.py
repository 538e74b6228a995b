"""register at scale: search text includes the request's text; indexes for every sort and filter of the register;
search indexed (SQLite FTS5 word index kept by triggers, PostgreSQL pg_trgm GIN index)

On SQLite a later migration that recreates the case table (batch mode: a new unique constraint, a dropped column)
drops these triggers with it: such a migration must create FTS_TRIGGERS again (tests/test_register_search.py fails
otherwise).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 13:30:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# (name, table, columns): each sortable column with the id as tie-breaker, so a page is read off an index
INDEXES = (
    ('ix_case_received_on_id', 'case', ['received_on', 'id']),
    ('ix_case_deadline_id', 'case', ['deadline', 'id']),
    ('ix_case_closed_at_id', 'case', ['closed_at', 'id']),
    ('ix_case_requester_name_id', 'case', ['requester_name', 'id']),
    ('ix_case_answer_sent_on', 'case', ['answer_sent_on', 'received_on', 'deadline']),  # covers the dashboard's
    ('ix_case_right_right_case_id', 'case_right', ['right', 'case_id']),
    ('ix_case_right_case_id_outcome', 'case_right', ['case_id', 'right', 'outcome']),  # ...twelve months' figures
)
FTS_TRIGGERS = {
    'case_fts_ai': "AFTER INSERT ON \"case\" BEGIN "
                   "INSERT INTO case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    'case_fts_ad': "AFTER DELETE ON \"case\" BEGIN "
                   "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    'case_fts_au': "AFTER UPDATE OF search_text ON \"case\" BEGIN "
                   "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
                   "INSERT INTO case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def _fold(text):
    """As caseflow.search.fold (now caseflow.models.search.fold) at the time of this migration (frozen here on purpose)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _refill_search_text(bind):
    case = sa.table('case', sa.column('id', sa.Integer), sa.column('reference', sa.String),
                    sa.column('requester_name', sa.String), sa.column('requester_email', sa.String),
                    sa.column('customer_number', sa.String), sa.column('request_text', sa.Text),
                    sa.column('search_text', sa.Text))
    rows = bind.execute(sa.select(case.c.id, case.c.reference, case.c.requester_name, case.c.requester_email,
                                  case.c.customer_number, case.c.request_text)).all()
    for row in rows:
        text = "\n".join(_fold(p) for p in row[1:] if p)
        bind.execute(case.update().where(case.c.id == row[0]).values(search_text=text))


def upgrade():
    bind = op.get_bind()
    _refill_search_text(bind)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if bind.dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS case_fts USING fts5(search_text, content='case', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        for name, body in FTS_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")
    elif bind.dialect.name == 'postgresql':
        # pg_trgm is a trusted extension since PostgreSQL 13: the database owner may create it. Without it the
        # search still works, by scanning.
        has_trgm = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar()
        if not has_trgm:
            try:
                with bind.begin_nested():
                    bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                has_trgm = True
            except sa.exc.DBAPIError:
                has_trgm = False
        if has_trgm:
            op.execute('CREATE INDEX ix_case_search_text_trgm ON "case" USING gin (search_text gin_trgm_ops)')


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for name in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS case_fts")
    elif bind.dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_case_search_text_trgm')
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
