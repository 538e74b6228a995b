"""Case workflows as plain functions: they validate, change, audit and commit; they know nothing of requests."""
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from caseflow import clock
from caseflow.extensions import db
from caseflow.models import AuditEvent, Case


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


_LOCKS = "caseflow.case_locks"  # session.info: (the transaction, the ids of the cases it has locked)


def lock_case(case) -> None:
    """Hold the case's lock until this unit of work commits or rolls back, and read the case afresh.

    Everything whose outcome depends on a case's decisions takes it before it reads them: deciding a right
    (resolution.set_outcome), dealing with a checklist line (resolution.record_action), recording the identity
    (which clears refusals), sending a letter (letters.service.send, and the mail job's after_delivery), and
    closing or reopening (cases.close, closing.*). Those steps on one case therefore run one after the other:
    each evaluates the rules (caseflow.legal.rules: answer, closing) on the state the one before it
    committed, and none can commit on a state another changed meanwhile. A decision still has its own version:
    colleagues deciding different rights of a case both succeed, the second a few milliseconds later.

    - PostgreSQL: SELECT ... FOR NO KEY UPDATE on the case row (with_for_update(key_share=True)), the lock an
      UPDATE of the row takes. It waits for any other holder, and for any transaction updating the row (e.g.
      bumping the case's version); under READ COMMITTED every statement after it sees what they committed. Unlike
      FOR UPDATE it does not block adding rows that refer to the case (the foreign keys' FOR KEY SHARE): a
      transaction that already holds the audit chain's head (audit/chain.py) and adds an event, letter or action
      to the case would otherwise wait for us while we wait for the head.
    - SQLite: a no-op UPDATE of the case row as the unit of work's first write. With pysqlite's default
      (legacy) transaction control, the reads before it ran outside a transaction, holding no lock, and the
      deferred BEGIN it emits before the UPDATE takes the database's write lock at once, as BEGIN IMMEDIATE
      would: it waits (the busy timeout) while another writer holds it; nobody can commit until we do, and what
      we read from here on is the latest committed state. No engine option is needed. (Were the engine switched
      to emitting BEGIN itself at the first read, this UPDATE would upgrade a read lock and fail at once with
      "database is locked" under contention: lock_case would then have to begin with BEGIN IMMEDIATE.)

    Then every object of the session is expired (pending changes flushed first), so whatever the caller loaded
    before the lock is read again under it. Take the lock first, before reading what the rules read, and take
    `now` after it: timestamps (a decision's outcome_at, an answer's created_at, the trail's events) then follow
    the order in which the changes commit. Taking it again in the same unit of work does nothing.
    Lock order: the case first, then the audit chain's head (when the first event is flushed); one case per unit
    of work. (A job changing several cases in one transaction can still cross a locked unit of work on
    PostgreSQL; it detects the deadlock and aborts one of the two.)
    """
    session = db.session()  # the session itself (the scoped proxy has no get_transaction)
    if holds_lock(case):
        return
    session.flush()
    table = Case.__table__
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(table).where(table.c.id == case.id).values(id=table.c.id))
    else:
        session.execute(select(table.c.id).where(table.c.id == case.id).with_for_update(key_share=True))
    transaction = session.get_transaction()
    held = session.info.get(_LOCKS)
    ids = held[1] if held and held[0] is transaction else set()
    session.info[_LOCKS] = (transaction, ids | {case.id})
    session.expire_all()


def holds_lock(case) -> bool:
    """This unit of work holds the case's lock (lock_case)."""
    session = db.session()
    held, transaction = session.info.get(_LOCKS), session.get_transaction()
    return bool(held) and transaction is not None and held[0] is transaction and case.id in held[1]


@contextmanager
def locked(case):
    """`with locked(case):` one unit of work under the case's lock (lock_case). Whatever is raised inside rolls it
    back, releasing the lock at once: a refused step leaves the database untouched and holds up nobody."""
    lock_case(case)
    try:
        yield case
    except BaseException:
        db.session.rollback()
        raise
