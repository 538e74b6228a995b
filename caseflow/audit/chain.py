"""The audit events form one hash chain, ordered by id: each event's hash covers its own fields and the hash of the
event before it. Editing, deleting or inserting a row straight in the database breaks the chain from that row on.

Appending locks the single `audit_chain_head` row before the event gets its id (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the transaction already holds the database's write lock), so two transactions never
chain onto the same predecessor and ids follow the chain's order.
"""
import hashlib
import json
from datetime import timezone

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


def event_hash(prev_hash: str, row, case_prev_id: int | None) -> str:
    """sha256 over the previous hash and the event's canonical fields (free texts by their digests).

    `case_prev_id`, the id of the case's own event before this one, links each case's events among themselves
    too: the case page can then tell that one of them was deleted."""
    digests = content_digests(row)
    fields = [row.id, row.case_id, case_prev_id, row.user_id, _timestamp(row.created_at), row.action,
              digests["detail"], digests["before"], digests["after"]]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


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
    value = event_hash(prev_hash, target, case_prev_id)
    connection.execute(update(table).where(table.c.id == target.id).values(hash=value))
    connection.execute(update(_head_table()).where(_head_table().c.id == HEAD_ID)
                       .values(last_id=target.id, last_hash=value))
    set_committed_value(target, "hash", value)


def latest_hash(session) -> str:
    head = session.execute(select(AuditChainHead.last_hash).where(AuditChainHead.id == HEAD_ID)).scalar()
    return head or GENESIS
