"""What logging in leaves behind: server-side sessions, login attempts (for throttling) and the security log."""
from caseflow.extensions import db
from caseflow.models import UTCDateTime


class UserSession(db.Model):
    """One login: the signed cookie holds only this record's random id; ending the record ends the session."""

    __tablename__ = "user_session"

    id = db.Column(db.String(64), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    created_at = db.Column(UTCDateTime, nullable=False)
    last_seen_at = db.Column(UTCDateTime, nullable=False)
    ip = db.Column(db.String(45))
    user_agent = db.Column(db.String(255))
    ended_at = db.Column(UTCDateTime)
    ended_reason = db.Column(db.String(20))  # logout, idle, expired, password, deactivated, admin

    user = db.relationship("User")


class LoginAttempt(db.Model):
    """A failed or successful password check, or an administrator lifting a lock: what throttling counts."""

    __tablename__ = "login_attempt"
    __table_args__ = (db.Index("ix_login_attempt_email_at", "email", "at"), db.Index("ix_login_attempt_ip_at", "ip", "at"))

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False)
    kind = db.Column(db.String(10), nullable=False)  # failure, success, unlock
    email = db.Column(db.String(254))  # as typed (folded), whether or not an account has it
    ip = db.Column(db.String(45))


class SecurityEvent(db.Model):
    """The security log: logins, failures, locks, logouts, ended sessions, two-factor changes. Never edited."""

    __tablename__ = "security_event"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, index=True)
    kind = db.Column(db.String(30), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"))  # the administrator, when one acted
    email = db.Column(db.String(254))
    ip = db.Column(db.String(45))
    detail = db.Column(db.String(255))

    user = db.relationship("User", foreign_keys=[user_id])
    actor = db.relationship("User", foreign_keys=[actor_id])
