"""Login throttling per account (the email address typed, whether or not it exists) and per client address.

After LOGIN_DELAY_AFTER failures each new attempt must wait a growing delay (1, 2, 4... seconds, at most a
minute); at LOGIN_LOCK_AFTER failures within LOGIN_LOCK_MINUTES the key is locked for LOGIN_LOCK_MINUTES.
Refused attempts are not counted and the password is not checked. A successful login clears the account's
count; an administrator can lift a lock (account or address). Addresses get higher limits: an office shares one.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from caseflow.extensions import db
from caseflow.security.models import LoginAttempt

MAX_DELAY_SECONDS = 60


@dataclass(frozen=True)
class Limits:
    delay_after: int
    lock_after: int
    lock_minutes: int


@dataclass(frozen=True)
class Verdict:
    wait_seconds: int = 0  # 0: the attempt may go ahead
    locked: bool = False


def verdict(failures: list[datetime], now: datetime, limits: Limits) -> Verdict:
    """Pure rule: may an attempt go ahead at `now`, given the counted failures (oldest first)?"""
    window = timedelta(minutes=limits.lock_minutes)
    n = limits.lock_after
    # Locked from the failure that made lock_after of them within one window, for one window.
    for i in range(len(failures) - 1, n - 2, -1):
        if failures[i] - failures[i - n + 1] < window:
            until = failures[i] + window
            if until > now:
                return Verdict(wait_seconds=_seconds(until - now), locked=True)
            break
    recent = [at for at in failures if now - at < window]
    if len(recent) >= limits.delay_after:
        delay = timedelta(seconds=min(2 ** (len(recent) - limits.delay_after), MAX_DELAY_SECONDS))
        until = recent[-1] + delay
        if until > now:
            return Verdict(wait_seconds=_seconds(until - now))
    return Verdict()


def _seconds(delta: timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))  # rounded up: never "try again in 0 seconds"


def account_limits() -> Limits:
    config = current_app.config
    return Limits(config["LOGIN_DELAY_AFTER"], config["LOGIN_LOCK_AFTER"], config["LOGIN_LOCK_MINUTES"])


def address_limits() -> Limits:
    config = current_app.config
    return Limits(config["LOGIN_ADDRESS_DELAY_AFTER"], config["LOGIN_ADDRESS_LOCK_AFTER"], config["LOGIN_LOCK_MINUTES"])


def fold(email: str | None) -> str:
    return (email or "").strip().lower()[:254]


def _failures(column, value, now, limits: Limits, resets: tuple[str, ...]) -> list[datetime]:
    since = now - 2 * timedelta(minutes=limits.lock_minutes)  # a lock's failures began up to a window before it
    last_reset = db.session.scalar(select(func.max(LoginAttempt.at)).where(
        column == value, LoginAttempt.kind.in_(resets), LoginAttempt.at > since))
    if last_reset is not None:
        since = last_reset
    return list(db.session.scalars(select(LoginAttempt.at).where(
        column == value, LoginAttempt.kind == "failure", LoginAttempt.at > since).order_by(LoginAttempt.at)))


def account_verdict(email: str, now) -> Verdict:
    return verdict(_failures(LoginAttempt.email, fold(email), now, account_limits(), ("success", "unlock")),
                   now, account_limits())


def address_verdict(ip: str | None, now) -> Verdict:
    if not ip:
        return Verdict()
    return verdict(_failures(LoginAttempt.ip, ip, now, address_limits(), ("unlock",)), now, address_limits())


def check(email: str, ip: str | None, now) -> Verdict:
    """The stricter of the account's and the address's verdicts."""
    verdicts = [account_verdict(email, now), address_verdict(ip, now)]
    return max(verdicts, key=lambda v: (v.locked, v.wait_seconds))


def record_failure(email: str, *, ip, now) -> tuple[bool, bool]:
    """Count a failure; returns whether it locked (account, address) just now. The caller commits."""
    db.session.add(LoginAttempt(at=now, kind="failure", email=fold(email), ip=ip))
    db.session.flush()
    account, address = account_verdict(email, now), address_verdict(ip, now)
    return (account.locked, address.locked)


KEEP_ATTEMPTS = timedelta(days=1)  # far beyond any window; the security log keeps the history


def record_success(email: str, *, ip, now) -> None:
    """Clears the account's count; old attempts, which no rule reads any more, are dropped at the same time."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_ATTEMPTS))
    db.session.add(LoginAttempt(at=now, kind="success", email=fold(email), ip=ip))


def lift(*, email: str | None = None, ip: str | None = None, now) -> None:
    """An administrator lifts the lock (and the delay) of an account or an address. The caller commits."""
    db.session.add(LoginAttempt(at=now, kind="unlock", email=fold(email) if email else None, ip=None if email else ip))


def current_locks(now) -> list[dict]:
    """Accounts and addresses locked at `now`: {'email' or 'ip', 'until_seconds'}, for the admin page."""
    found = []
    for column, key, limits, resets in ((LoginAttempt.email, "email", account_limits(), ("success", "unlock")),
                                        (LoginAttempt.ip, "ip", address_limits(), ("unlock",))):
        since = now - 2 * timedelta(minutes=limits.lock_minutes)
        candidates = db.session.scalars(
            select(column).where(LoginAttempt.kind == "failure", LoginAttempt.at > since, column.is_not(None))
            .group_by(column).having(func.count() >= limits.lock_after))
        for value in candidates:
            result = verdict(_failures(column, value, now, limits, resets), now, limits)
            if result.locked:
                found.append({"key": key, "value": value, "wait_seconds": result.wait_seconds})
    return found
