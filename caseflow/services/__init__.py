"""Case workflows as plain functions: they validate, change, audit and commit; they know nothing of requests."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from caseflow import clock
from caseflow.extensions import db
from caseflow.models import AuditEvent


class ServiceError(Exception):
    """A rule said no. `message` is shown to the user, next to `field` when there is one."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class StaleCaseError(ServiceError):
    """Somebody else changed the case since this user loaded it."""

    def __init__(self):
        super().__init__(
            _l("Someone else changed this case in the meantime. Check their changes below and try again; what you "
               "typed is still there.")
        )


def check_version(case, expected_version) -> None:
    """None: the caller does not check (scripts, the demo). Anything else must be the current version of `case`
    (or of whatever else carries its own version: a right's decision, CaseRight.version)."""
    if expected_version is None:
        return
    try:
        current = int(expected_version) == case.version
    except (TypeError, ValueError):  # a form that lost or mangled its version: treat as stale, never as a 500
        current = False
    if not current:
        raise StaleCaseError()


def moment(today=None, now=None):
    """The injected time of a change: (today in Brussels, aware now); the wall clock when not given."""
    now = now or clock.now()
    return today or now.astimezone(clock.BRUSSELS).date(), now


def audit(case, actor, action: str, *, detail=None, before=None, after=None, at=None, bump=True) -> AuditEvent:
    """Record a change to the case; also bumps its version, so a concurrent edit of any part is detected.

    bump=False: a change that conflicts only with a change to the same thing (a checklist line, guarded by its own
    unique constraint), or a record of reading (a download): colleagues' open forms on the case stay valid.
    """
    if bump:
        flag_modified(case, "status")
    event = AuditEvent(
        created_at=at or clock.now(),
        case=case,
        user=actor,
        action=action,
        detail=detail,
        before=None if before is None else str(before),
        after=None if after is None else str(after),
    )
    db.session.add(event)
    return event


def require_open(case) -> None:
    if not case.is_open:
        raise ServiceError(_l("This case is closed; it can no longer be changed."))


def audit_parts(*parts) -> str | None:
    """An audit detail: the non-empty parts joined by ' | ' (filters.DETAIL_KINDS says what each part is)."""
    return " | ".join(str(p).strip() for p in parts if p and str(p).strip()) or None


def with_text(key: str | None, text: str | None) -> str | None:
    """An audit value: a key (e.g. an outcome) with its free text (e.g. the reasons) on the lines below."""
    return f"{key}\n{text}" if key and text else key


def commit() -> None:
    """Commit the unit of work, or roll it back whole; a lost race on a case becomes StaleCaseError."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleCaseError() from None
    except Exception:
        db.session.rollback()
        raise


def refresh_deadline(case) -> None:
    """Store the deadline in force (the register sorts and filters on it) after a change that moves it."""
    case.deadline = case.current_deadline()
