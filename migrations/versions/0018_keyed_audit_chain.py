"""audit chain keyed: every link an HMAC-SHA256 under the audit key (AUDIT_KEY, else instance/audit_key), the
existing unkeyed chain (plain SHA-256, migration 0009) linked again under it once; audit_chain_head remembers from
which unkeyed head and over how many events (relinked_*), and the anchor file's first "relink" line says the same
outside the database

The key comes from the app's settings (flask.current_app: `flask db upgrade` runs inside the app, and create_app
refuses to start without a key). Nothing is vouched for that did not verify before: an event whose unkeyed link
did not verify gets a link that does not verify under the key either (and the events after it chain on from it, as
before), so `audit verify` names the same events after the re-link as before it. Downgrading links the chain back
with plain SHA-256 the same way.

The link and anchor functions are frozen here on purpose (as caseflow.audit.chain.link and
caseflow.audit.anchor.line_of at the time of this migration).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-09 09:00:00

"""
import hashlib
import hmac
import json
import logging
import os
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 2000
log = logging.getLogger("alembic.runtime.migration")


def _digest(text):
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _canonical(row, case_prev_id):
    kept = json.loads(row.redacted) if row.redacted else {}
    digests = {name: kept[name] if name in kept else _digest(getattr(row, name)) for name in ("detail", "before", "after")}
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=timezone.utc)
    fields = [row.id, row.case_id, case_prev_id, row.user_id, created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
              row.action, digests["detail"], digests["before"], digests["after"]]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def unkeyed_link(prev_hash, row, case_prev_id):
    """The link before the key (0009 to 0017): plain SHA-256 over the previous link and the event's fields."""
    return hashlib.sha256(f"{prev_hash}\n{_canonical(row, case_prev_id)}".encode()).hexdigest()


def keyed_link(key, prev_hash, row, case_prev_id):
    """The link from 0018 on: HMAC-SHA256 under the audit key."""
    return hmac.new(key, f"{prev_hash}\n{_canonical(row, case_prev_id)}".encode(), hashlib.sha256).hexdigest()


def _unverified(old):
    """What a link that did not verify becomes: a value no event's fields produce, under either scheme."""
    return hashlib.sha256(f"did not verify before re-linking\n{old}".encode()).hexdigest()


def relink(bind, checks, links):
    """Walk the chain as `checks` verifies it and store the links `links` computes, keeping every break a break.
    Returns (events, last id, last new link, breaks kept, the head row's new last_hash or None)."""
    event = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                     sa.column('user_id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                     sa.column('action', sa.String), sa.column('detail', sa.Text), sa.column('before', sa.Text),
                     sa.column('after', sa.Text), sa.column('hash', sa.String), sa.column('redacted', sa.Text))
    head = bind.execute(sa.text("SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1")).first()
    prev_old = prev_new = GENESIS
    last_of_case, count, breaks, last_id, last_new, head_new, seen = {}, 0, 0, None, None, None, 0
    while True:
        rows = bind.execute(sa.select(event).where(event.c.id > seen).order_by(event.c.id).limit(BATCH)).all()
        if not rows:
            break
        changed = []
        for row in rows:
            count += 1
            case_prev = last_of_case.get(row.case_id)
            if row.hash is None:
                new = None  # inserted outside Caseflow: stays without a link
            elif checks(prev_old, row, case_prev) == row.hash:
                new = links(prev_new, row, case_prev)
            else:
                breaks += 1
                new = _unverified(row.hash)
            if head is not None and head.last_id == row.id:
                head_new = new if head.last_hash == row.hash else _unverified(head.last_hash)
            if new != row.hash:
                changed.append({"b_id": row.id, "b_hash": new})
            prev_old, prev_new = row.hash or prev_old, new or prev_new
            last_of_case[row.case_id] = last_id = row.id
            last_new = new
        if changed:
            bind.execute(event.update().where(event.c.id == sa.bindparam("b_id")).values(hash=sa.bindparam("b_hash")),
                         changed)
        seen = rows[-1].id
    if head is not None and head_new is None:  # the head names no event: a tail deleted before, kept visible
        head_new = GENESIS if head.last_hash == GENESIS else _unverified(head.last_hash)
    return count, last_id, last_new, breaks, head_new, head


def _app():
    from flask import current_app

    try:
        key = current_app.config.get("AUDIT_KEY")
    except RuntimeError:  # no app context: not run by `flask db upgrade`
        key = None
    if not key:
        raise RuntimeError("migration 0018 links the audit chain under the audit key: run it with `flask --app "
                           "caseflow db upgrade`, with CASEFLOW_AUDIT_KEY set or instance/audit_key in place")
    return current_app, key if isinstance(key, bytes) else str(key).encode()


def _anchor_line(key, at, events, last_id, head, **extra):
    """As caseflow.audit.anchor.line_of at the time of this migration."""
    fields = {"kind": "relink", "at": at.isoformat(timespec="seconds"), "events": events, "last_id": last_id,
              "head": head, "key_id": hmac.new(key, b"caseflow audit key id", hashlib.sha256).hexdigest()[:16],
              **extra}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    mac = hmac.new(key, f"caseflow audit anchor\n{text}".encode(), hashlib.sha256).hexdigest()
    return json.dumps({**fields, "mac": mac}, sort_keys=True, separators=(",", ":"))


def _append(path, line):
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def upgrade():
    app, key = _app()
    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relinked_from', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('relinked_events', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('relinked_at', sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    count, last_id, last_new, breaks, head_new, head = relink(
        bind, unkeyed_link, lambda prev, row, case_prev: keyed_link(key, prev, row, case_prev))
    if not count or head is None:
        return  # nothing was linked without the key (0009 always made the head row): nothing to record
    at = datetime.now(timezone.utc).replace(microsecond=0)
    head_table = sa.table('audit_chain_head', sa.column('id'), sa.column('last_hash'), sa.column('relinked_from'),
                          sa.column('relinked_events'), sa.column('relinked_at', sa.DateTime(timezone=True)))
    bind.execute(head_table.update().where(head_table.c.id == 1).values(
        last_hash=head_new, relinked_from=head.last_hash, relinked_events=count, relinked_at=at))
    if breaks:
        log.warning("audit chain re-linked under the key with %d event(s) that did not verify before: "
                    "`flask audit verify` names them", breaks)
    path = os.path.join(app.instance_path, app.config["AUDIT_ANCHOR_FILE"])
    _append(path, _anchor_line(key, at, count, last_id, last_new, unkeyed_head=head.last_hash, breaks_kept=breaks))


def downgrade():
    _, key = _app()
    bind = op.get_bind()
    *_, head_new, head = relink(bind, lambda prev, row, case_prev: keyed_link(key, prev, row, case_prev),
                                unkeyed_link)
    if head is not None:
        bind.execute(sa.text("UPDATE audit_chain_head SET last_hash = :h WHERE id = 1"), {"h": head_new})
    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.drop_column('relinked_at')
        batch_op.drop_column('relinked_events')
        batch_op.drop_column('relinked_from')
