"""The audit chain's head: the one row appends lock (caseflow.audit.chain)."""
from caseflow.extensions import db


class AuditChainHead(db.Model):
    """One row: the last event of the audit chain. Appending locks it, so two writers never fork the chain."""

    __tablename__ = "audit_chain_head"
    id = db.Column(db.Integer, primary_key=True)  # always 1
    last_id = db.Column(db.Integer)
    last_hash = db.Column(db.String(64), nullable=False)
