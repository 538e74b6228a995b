"""The mail outbox: every email waits here, written with the change that caused it, until the mail job sends it."""
from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    """An email waiting for (or done with) SMTP delivery; written in the transaction that caused it."""

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(120), unique=True)  # e.g. reminders:2026-03-10:user:4; a second guard against doubles
    message_id = db.Column(db.String(255), nullable=False, unique=True)  # stable across attempts
    kind = db.Column(db.String(30), nullable=False)
    recipient = db.Column(db.String(254), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    subject = db.Column(db.String(255), nullable=False)
    body_text = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text)
    locale = db.Column(db.String(5), nullable=False, default="nl")
    status = db.Column(db.String(10), nullable=False, default="pending", index=True)  # pending, sending, sent, failed
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False)
    last_attempt_at = db.Column(UTCDateTime)
    last_error = db.Column(db.Text)
    sent_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    attachment_name = db.Column(db.String(255))  # e.g. the access package ZIP sent with an answer
    attachment_path = db.Column(db.String(255))  # relative to the instance folder

    user = db.relationship("User")
