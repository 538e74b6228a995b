"""The audit events form one keyed chain, ordered by id: each event's link is an HMAC-SHA256, under the audit key
kept outside the database (AUDIT_KEY, else instance/audit_key), over the link of the event before it and its own
fields. Editing, deleting or inserting a row straight in the database breaks the chain from that row on, and
without the key nobody can compute the links again; events deleted at the end show against the anchors
(caseflow.audit.anchor).

Appending locks the single `audit_chain_head` row before the event gets its id (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the transaction already holds the database's write lock), so two transactions never
chain onto the same predecessor and ids follow the chain's order.
"""
import hashlib
import hmac
import json
from datetime import timezone

from flask import current_app
from sqlalchemy import event, func, insert, select, update

from caseflow.audit.models import AuditChainHead
from caseflow.models import AuditEvent

GENESIS = "0" * 64
HEAD_ID = 1
CONTENT_FIELDS = ("detail", "before", "after")


def digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _timestamp(value) -> str:
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_digests(row) -> dict:
    """The digests of detail/before/after: computed from the text, or kept from before retention blanked it."""
    kept = json.loads(row.redacted) if row.redacted else {}
    return {name: kept[name] if name in kept else digest(getattr(row, name)) for name in CONTENT_FIELDS}


def canonical(row, case_prev_id: int | None) -> str:
    """The event's fields as one text (free texts by their digests), as every link covers them.

    `case_prev_id`, the id of the case's own event before this one, links each case's events among themselves
    too: the case page can then tell that one of them was deleted."""
    digests = content_digests(row)
    fields = [row.id, row.case_id, case_prev_id, row.user_id, _timestamp(row.created_at), row.action,
              digests["detail"], digests["before"], digests["after"]]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def link(key: bytes, prev_link: str, row, case_prev_id: int | None) -> str:
    """HMAC-SHA256 under the audit key over the previous link and the event's canonical fields: a pure function."""
    return hmac.new(key, f"{prev_link}\n{canonical(row, case_prev_id)}".encode(), hashlib.sha256).hexdigest()


def key_of(config) -> bytes:
    """The audit key of an app's settings (create_app refuses to start without one)."""
    key = config.get("AUDIT_KEY")
    if not key:
        raise RuntimeError("no audit key: set CASEFLOW_AUDIT_KEY or create instance/audit_key")
    return key if isinstance(key, bytes) else str(key).encode()


def current_key() -> bytes:
    return key_of(current_app.config)


def key_id(key: bytes) -> str:
    """A short public name of the key (an HMAC of a fixed text): an anchor made under another key shows as such,
    and the key itself never leaves the server."""
    return hmac.new(key, b"caseflow audit key id", hashlib.sha256).hexdigest()[:16]


def _head_table():
    return AuditChainHead.__table__


def lock_head(connection):
    """Lock the head row (creating it on an empty database) and return (last_id, last_hash)."""
    head = _head_table()
    row = connection.execute(select(head.c.last_id, head.c.last_hash).where(head.c.id == HEAD_ID)
                             .with_for_update()).first()
    if row is None:
        connection.execute(insert(head).values(id=HEAD_ID, last_id=None, last_hash=GENESIS))
        return None, GENESIS
    return row.last_id, row.last_hash


@event.listens_for(AuditEvent, "before_insert")
def _lock_before_id(mapper, connection, target):
    lock_head(connection)


@event.listens_for(AuditEvent, "after_insert")
def _append(mapper, connection, target):
    from sqlalchemy.orm.attributes import set_committed_value

    _, prev_hash = lock_head(connection)
    table = AuditEvent.__table__
    case_prev_id = connection.execute(select(func.max(table.c.id)).where(
        table.c.case_id == target.case_id, table.c.id < target.id)).scalar()
    value = link(current_key(), prev_hash, target, case_prev_id)
    connection.execute(update(table).where(table.c.id == target.id).values(hash=value))
    connection.execute(update(_head_table()).where(_head_table().c.id == HEAD_ID)
                       .values(last_id=target.id, last_hash=value))
    set_committed_value(target, "hash", value)


def latest_hash(session) -> str:
    head = session.execute(select(AuditChainHead.last_hash).where(AuditChainHead.id == HEAD_ID)).scalar()
    return head or GENESIS
