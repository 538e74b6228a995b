"""The dashboard's few queries: each groups in the database and returns a handful of rows, at any register size."""
from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, cast, func, select

from caseflow.extensions import db
from caseflow.legal.rights import MISTAKE_STATUS, OPEN_STATUSES
from caseflow.models import AuditEvent, Case, CaseRight, User

# A case logged by mistake (a duplicate, not a GDPR request) is no request: it counts in no figure.
REQUEST = Case.status != MISTAKE_STATUS


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _days_between(later, earlier):
    if _dialect() == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier  # date - date is a number of days on PostgreSQL


def _month_of(day):
    if _dialect() == "sqlite":
        return func.substr(day, 1, 7)  # dates are stored as 'YYYY-MM-DD'
    return func.to_char(day, "YYYY-MM")


def counters(today: date, warning_days: int) -> dict:
    """Open cases: how many, overdue, due within the warning window, waiting for the requester (clock stopped).
    The stored deadline is the one in force (while the clock stands still, the earliest possible one)."""
    running = Case.identity_requested_on.is_(None)
    row = db.session.execute(select(
        func.count(),
        func.sum(case((and_(running, Case.deadline < today), 1), else_=0)),
        func.sum(case((and_(running, Case.deadline >= today, Case.deadline <= today + timedelta(days=warning_days)),
                       1), else_=0)),
        func.sum(case((Case.identity_requested_on.is_not(None), 1), else_=0)),
    ).where(Case.status.in_(OPEN_STATUSES))).one()
    return {"open": row[0], "overdue": row[1] or 0, "due_soon": row[2] or 0, "waiting": row[3] or 0}


def next_deadlines(limit: int = 10) -> list:
    """The open cases whose clock runs, earliest deadline first (overdue ones first of all).

    Ordered by an expression on purpose: walking the deadline index from the oldest deadline would pass every
    closed case first; the few open ones are found by status and sorted."""
    assignee = select(User.name).where(User.id == Case.assignee_id).scalar_subquery()
    open_ = Case.status.in_(OPEN_STATUSES)
    return db.session.execute(
        select(Case.id, Case.reference, Case.requester_name, Case.deadline, Case.status, assignee.label("assignee"))
        .where(open_, Case.identity_requested_on.is_(None))
        .order_by(case((open_, Case.deadline)), Case.id).limit(limit)).all()


_window_cache: dict = {}  # (database, since, today, change marker) -> the twelve months' grouped rows


def window(since: date, today: date) -> tuple:
    """The grouped rows of the twelve months' figures, computed again only after a change.

    Grouping a year of a large register takes a database tens of milliseconds; every change to a case writes an
    audit event, so the newest event marks whether anything changed since they were last computed."""
    marker = db.session.execute(select(AuditEvent.id, AuditEvent.created_at)
                                .order_by(AuditEvent.id.desc()).limit(1)).first()
    key = (str(db.engine.url), since, today, tuple(marker or ()))
    cached = _window_cache.get("last")
    if cached is not None and cached[0] == key:
        return cached[1]
    rows = (answers_since(since, today), rights_since(since), channels_since(since))
    _window_cache["last"] = (key, rows)
    return rows


def answers_since(since: date, today: date) -> list:
    """(days to answer, answered on time, count) of the answers sent from `since` to `today`."""
    days = _days_between(Case.answer_sent_on, Case.received_on)
    on_time = case((Case.answer_sent_on <= Case.deadline, 1), else_=0)
    return [(d, bool(t), n) for d, t, n in db.session.execute(
        select(days, on_time, func.count()).where(REQUEST, Case.answer_sent_on >= since, Case.answer_sent_on <= today)
        .group_by(days, on_time))]


def rights_since(since: date) -> list:
    """(month received, right, outcome, count) of the rights invoked in cases received from `since`."""
    month = _month_of(Case.received_on)
    return db.session.execute(
        select(month, CaseRight.right, CaseRight.outcome, func.count())
        .join(Case, Case.id == CaseRight.case_id).where(REQUEST, Case.received_on >= since)
        .group_by(month, CaseRight.right, CaseRight.outcome)).all()


def channels_since(since: date) -> list:
    """(month received, channel, count) of the requests received from `since`."""
    month = _month_of(Case.received_on)
    return db.session.execute(
        select(month, Case.channel, func.count()).where(REQUEST, Case.received_on >= since)
        .group_by(month, Case.channel)).all()


def untriaged_mail() -> int:
    """Emails in the triage inbox (caseflow.intake), waiting for staff to make a case of them or set them aside."""
    from caseflow.intake import service as intake

    return intake.untriaged_count()
