"""Server-side sessions: the cookie names a record here, and a session lives only as long as its record is open.

A session ends at logout, after SESSION_IDLE_MINUTES without a request, SESSION_MAX_HOURS after login, when the
user's password changes or the account is deactivated, or when an administrator ends it. An ended record never
opens again, so a copied or replayed cookie is refused.
"""
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseflow.extensions import db
from caseflow.security import log, throttle
from caseflow.security.models import UserSession

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute, not on every request


def open_session(user, *, now, ip=None, user_agent=None) -> UserSession:
    """A fresh session for a user who just proved who they are; the login is recorded in the security log."""
    record = UserSession(id=secrets.token_urlsafe(32), user=user, created_at=now, last_seen_at=now, ip=ip,
                         user_agent=(user_agent or "")[:255] or None)
    db.session.add(record)
    throttle.record_success(user.email, ip=ip, now=now)
    log.record("login", now=now, user=user, ip=ip)
    db.session.commit()
    user.session_id = record.id
    return record


def _limits():
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"])


def end_reason(record: UserSession, now) -> str | None:
    """Why an open session may not go on at `now` (idle, expired, deactivated), or None."""
    idle, lifetime = _limits()
    if not record.user.active:
        return "deactivated"
    if now - record.created_at >= lifetime:
        return "expired"
    if now - record.last_seen_at >= idle:
        return "idle"
    return None


def resume(session_id: str, *, now):
    """The user of an open session, its last use brought up to `now`; None when it ended or may not go on."""
    # the session and its user in one query: this runs on every request
    record = db.session.get(UserSession, session_id, options=[joinedload(UserSession.user)]) if session_id else None
    if record is None or record.ended_at is not None:
        return None
    reason = end_reason(record, now)
    if reason is not None:
        _end(record, reason, now=now)
        db.session.commit()
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()
    record.user.session_id = record.id
    return record.user


def ended_reason(session_id: str) -> str | None:
    """Why the session the cookie names has ended (idle, expired, logout...), or None when there is no such record."""
    record = db.session.get(UserSession, session_id) if session_id else None
    return record.ended_reason if record is not None else None


def _end(record: UserSession, reason: str, *, now, ip=None, actor=None) -> None:
    record.ended_at, record.ended_reason = now, reason
    kind = "logout" if reason == "logout" else "session_ended"
    log.record(kind, now=now, user=record.user, ip=ip or record.ip, actor=actor,
               detail=None if kind == "logout" else reason)


def end(session_id: str, reason: str, *, now, ip=None, actor=None) -> bool:
    """End one session (logout, or an administrator's button); False when it had already ended."""
    record = db.session.get(UserSession, session_id)
    if record is None or record.ended_at is not None:
        return False
    _end(record, reason, now=now, ip=ip, actor=actor)
    db.session.commit()
    return True


def end_all(user, reason: str, *, now, keep: str | None = None, actor=None) -> int:
    """End every open session of the user but `keep`; the caller commits (with the change that caused it)."""
    records = [r for r in open_sessions(user) if r.id != keep]
    for record in records:
        _end(record, reason, now=now, actor=actor)
    return len(records)


def open_sessions(user=None) -> list[UserSession]:
    """Sessions not yet ended (some may have run out and end at their next request), newest first."""
    query = select(UserSession).where(UserSession.ended_at.is_(None))
    if user is not None:
        query = query.where(UserSession.user_id == user.id)
    return list(db.session.scalars(query.order_by(UserSession.last_seen_at.desc())))


def live_sessions(user, *, now) -> list[UserSession]:
    """The open sessions that could still be used at `now` (what an administrator wants to see)."""
    return [record for record in open_sessions(user) if end_reason(record, now) is None]
