"""The audit chain's head: the one row appends lock (caseflow.audit.chain)."""
from caseflow.extensions import db
from caseflow.models.types import UTCDateTime


class AuditChainHead(db.Model):
    """One row: the last event of the audit chain. Appending locks it, so two writers never fork the chain.

    relinked_*: when migration 0018 linked the existing chain again under the audit key, from which unkeyed head
    (plain SHA-256) and over how many events; the anchor file's "relink" line says the same outside the database."""

    __tablename__ = "audit_chain_head"
    id = db.Column(db.Integer, primary_key=True)  # always 1
    last_id = db.Column(db.Integer)
    last_hash = db.Column(db.String(64), nullable=False)
    relinked_from = db.Column(db.String(64))
    relinked_events = db.Column(db.Integer)
    relinked_at = db.Column(UTCDateTime)
