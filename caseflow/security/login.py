"""The login decision: throttling first, then the password (or the two-factor code), recorded either way.

Unknown and known email addresses get the same answer and the same work: an unknown one is checked against a
dummy hash, so neither the message nor the time taken tells whether an account exists.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from caseflow.extensions import db
from caseflow.security import log, throttle
from caseflow.security import users as user_service

_DUMMY_HASH = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash("no account has this password"))
    return _DUMMY_HASH[0]


@dataclass
class Outcome:
    user: object = None  # the account, when the password (or code) was right and it may log in
    message: object = None  # why not, for the form
    wait_seconds: int = 0


def refusal_for(verdict: throttle.Verdict):
    if verdict.locked:
        return lazy_ngettext("Too many failed attempts: logging in is blocked for now. Try again in %(num)d minute, "
                             "or ask an administrator to lift the block.",
                             "Too many failed attempts: logging in is blocked for now. Try again in %(num)d minutes, "
                             "or ask an administrator to lift the block.", -(-verdict.wait_seconds // 60))
    return lazy_ngettext("Too many attempts, try again in %(num)d second.",
                         "Too many attempts, try again in %(num)d seconds.", verdict.wait_seconds)


def _throttled(email, ip, now) -> Outcome | None:
    verdict = throttle.check(email, ip, now)
    if verdict.wait_seconds:
        log.record("login_throttled", now=now, email=throttle.fold(email), ip=ip,
                   detail=f"{'locked' if verdict.locked else 'delay'} {verdict.wait_seconds}s")
        db.session.commit()
        return Outcome(message=refusal_for(verdict), wait_seconds=verdict.wait_seconds)
    return None


def _failed(kind, email, ip, now, user=None) -> None:
    """Count the failure; a lock it causes goes to the log too (a locked key is refused before any check, so a
    failure that leaves its key locked is the one that locked it)."""
    account_locked, address_locked = throttle.record_failure(email, ip=ip, now=now)
    log.record(kind, now=now, user=user, email=throttle.fold(email), ip=ip)
    if account_locked:
        log.record("account_locked", now=now, user=user, email=throttle.fold(email), ip=ip)
    if address_locked:
        log.record("address_locked", now=now, email=throttle.fold(email), ip=ip)
    db.session.commit()


def check_password(email: str, password: str, *, ip, now) -> Outcome:
    """First step of logging in. Outcome.user is set when the password is right for an active account."""
    refused = _throttled(email, ip, now)
    if refused:
        return refused
    user = user_service.find_by_email(email or "")
    right = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if not right or user is None:
        _failed("login_failed", email, ip, now, user=user)
        return Outcome(message=_l("Wrong email address or password."))
    if not user.active:
        log.record("login_inactive", now=now, user=user, ip=ip)
        db.session.commit()
        return Outcome(message=_l("This account has been deactivated. Ask an administrator."))
    return Outcome(user=user)


def check_code(user, code: str, *, ip, now) -> Outcome:
    """Second step for an enrolled user: the authenticator app's code, throttled like the password."""
    refused = _throttled(user.email, ip, now)
    if refused:
        return refused
    if user_service.claim_totp_step(user, code, now) is None:
        _failed("code_failed", user.email, ip, now, user=user)
        return Outcome(message=_l("This code is not right (or was already used). Enter the current code from "
                                  "your authenticator app."))
    return Outcome(user=user)  # the code is spent; the caller opens the session


def lift_lock(key: str, value: str, *, actor, now, ip=None) -> None:
    """An administrator lifts the lock (and any delay) on an account (key "email") or an address (key "ip")."""
    throttle.lift(now=now, **{key: value})
    user = user_service.find_by_email(value) if key == "email" else None
    log.record("lock_lifted", now=now, actor=actor, user=user, email=value if key == "email" else None, ip=ip,
               detail=value if key == "ip" else None)
    db.session.commit()
