"""Finding cases for the register (the home page): filters, search, order by deadline."""
import re

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy import case as sql_case
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Case, CaseRight, Letter, User
from ..rights import HANDLED_CLOSED_STATUSES, OPEN_STATUSES, STATUSES
from ..search import fold

# "DSR-2026-0041", "dsr 2026 41", "2026-0041": a case reference as people read it out on the phone; not
# "DSR-2026-004", the start of 0040-0049 (a number with a leading zero has its four digits)
REFERENCE = re.compile(r"(?:dsr[\s-]*)?(\d{4})[\s/-]+(\d{4,}|[1-9]\d{0,2})")


def as_reference(q: str) -> str | None:
    """The case reference a search names exactly ('dsr-2026-0041' -> 'DSR-2026-0041'), or None."""
    match = REFERENCE.fullmatch(fold(q).strip())
    return f"DSR-{match[1]}-{int(match[2]):04d}" if match else None


def _status_condition(status: str):
    if status == "open":
        return Case.status.in_(OPEN_STATUSES)
    if status == "closed":  # requests handled: cases logged by mistake have a filter of their own
        return Case.status.in_(HANDLED_CLOSED_STATUSES)
    if status in STATUSES:
        return Case.status == status
    return true()


def _text_condition(q: str):
    """Folded like Case.search_text: no case, no accents ("celine" finds "Céline"); typed text, never a pattern."""
    escaped = fold(q).strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Case.search_text.like(f"%{escaped}%", escape="\\")


def _filtered(query, right: str, assignee: str):
    if right:
        query = query.where(Case.id.in_(select(CaseRight.case_id).where(CaseRight.right == right)))
    if assignee == "none":
        query = query.where(Case.assignee_id.is_(None))
    elif assignee:
        query = query.where(Case.assignee_id == int(assignee))
    return query


def find_cases(*, status: str = "open", right: str = "", assignee: str = "", q: str = ""):
    """A select() of cases, open ones by default, most urgent deadline first (clock-suspended ones last).

    A search for a case's exact reference finds that case whatever its status: the requester phoning
    about a closed case gives its reference, and the "open" default must not hide it.
    """
    # everything a register row shows, loaded in a few queries instead of a few per row
    query = _filtered(select(Case).options(
        selectinload(Case.rights), selectinload(Case.suspensions),
        selectinload(Case.letters).selectinload(Letter.outbox_message), joinedload(Case.assignee),
    ), right, assignee)
    wanted = _status_condition(status)
    if fold(q).strip():
        wanted = and_(wanted, _text_condition(q))
        if reference := as_reference(q):
            wanted = or_(wanted, Case.reference == reference)
    query = query.where(wanted)
    if status == "closed":
        return query.order_by(Case.closed_at.desc(), Case.id.desc())
    # By deadline; a case waiting for the requester (clock suspended, its deadline moving a day for every day of
    # waiting) comes after them, longest waiting first, unless it was already overdue when the clock stopped.
    waiting = and_(Case.identity_requested_on.is_not(None), Case.deadline >= Case.identity_requested_on)
    return query.order_by(sql_case((waiting, 1), else_=0), sql_case((waiting, Case.identity_requested_on)),
                          Case.deadline, Case.id)


def count_closed_matches(*, right: str = "", assignee: str = "", q: str = "") -> int:
    """How many closed cases a search of the open ones leaves out (not counting one found by its reference)."""
    if not fold(q).strip():
        return 0
    query = _filtered(select(func.count(Case.id)), right, assignee).where(
        Case.status.in_(HANDLED_CLOSED_STATUSES), _text_condition(q))
    if reference := as_reference(q):
        query = query.where(Case.reference != reference)
    return db.session.scalar(query)


def inactive_assignees() -> list[User]:
    """Deactivated staff who still have open cases: the register's filter offers them, so those cases can be found."""
    with_open_cases = select(Case.assignee_id).where(Case.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(
        select(User).where(User.active.is_(False), User.id.in_(with_open_cases)).order_by(User.name)))
