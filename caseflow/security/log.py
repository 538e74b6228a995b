"""The security log: who logged in, failed, was locked out, logged out or lost a session, and when."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.security.models import SecurityEvent

KINDS = {
    "login": _l("Logged in"),
    "login_failed": _l("Wrong email address or password"),
    "login_throttled": _l("Refused: too many attempts"),
    "login_inactive": _l("Refused: account deactivated"),
    "code_failed": _l("Wrong two-factor code"),
    "account_locked": _l("Account locked"),
    "address_locked": _l("Address locked"),
    "lock_lifted": _l("Lock lifted"),
    "logout": _l("Logged out"),
    "session_ended": _l("Session ended"),
    "totp_enrolled": _l("Two-factor login switched on"),
    "totp_removed": _l("Two-factor login switched off"),
}

SESSION_END_REASONS = {
    "logout": _l("logged out"),
    "idle": _l("inactive too long"),
    "expired": _l("maximum duration reached"),
    "password": _l("password changed"),
    "deactivated": _l("account deactivated"),
    "admin": _l("ended by an administrator"),
}


def record(kind: str, *, now, user=None, email=None, ip=None, detail=None, actor=None) -> SecurityEvent:
    """Add an event to the session's transaction; the calling service commits it with its change."""
    event = SecurityEvent(at=now, kind=kind, user=user, actor=actor, email=(email or getattr(user, "email", None)),
                          ip=ip, detail=None if detail is None else str(detail)[:255])
    db.session.add(event)
    return event


def latest(*, limit: int = 200, kind: str | None = None, user_id: int | None = None) -> list[SecurityEvent]:
    query = select(SecurityEvent)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if user_id:
        query = query.where(SecurityEvent.user_id == user_id)
    return list(db.session.scalars(query.order_by(SecurityEvent.id.desc()).limit(limit)))
