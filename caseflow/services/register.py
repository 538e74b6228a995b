"""Finding cases for the register (the home page): filters, search, order by deadline."""
from sqlalchemy import and_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import joinedload, selectinload

from ..models import Case, CaseRight
from ..rights import CLOSED_STATUSES, OPEN_STATUSES, STATUSES
from ..search import fold


def find_cases(*, status: str = "open", right: str = "", assignee: str = "", q: str = ""):
    """A select() of cases, open ones by default, most urgent deadline first (clock-suspended ones last)."""
    # everything a register row shows, loaded in three queries instead of three per row
    query = select(Case).options(
        selectinload(Case.rights), selectinload(Case.suspensions), selectinload(Case.letters),
        joinedload(Case.assignee)
    )
    if status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif status == "closed":
        query = query.where(Case.status.in_(CLOSED_STATUSES))
    elif status in STATUSES:
        query = query.where(Case.status == status)
    if right:
        query = query.where(Case.id.in_(select(CaseRight.case_id).where(CaseRight.right == right)))
    if assignee == "none":
        query = query.where(Case.assignee_id.is_(None))
    elif assignee:
        query = query.where(Case.assignee_id == int(assignee))
    q = fold(q).strip()
    if q:  # folded like Case.search_text: no case, no accents ("celine" finds "Céline")
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Case.search_text.like(f"%{escaped}%", escape="\\"))  # typed text, never a pattern
    if status == "closed":
        return query.order_by(Case.closed_at.desc(), Case.id.desc())
    # By deadline; a case waiting for the requester (clock suspended, its deadline moving a day for every day of
    # waiting) comes after them, longest waiting first, unless it was already overdue when the clock stopped.
    waiting = and_(Case.identity_requested_on.is_not(None), Case.deadline >= Case.identity_requested_on)
    return query.order_by(sql_case((waiting, 1), else_=0), sql_case((waiting, Case.identity_requested_on)),
                          Case.deadline, Case.id)
