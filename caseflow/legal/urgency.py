"""How urgent a case is on a given day, as the register's rows and the case header show it.

Computed once per case and day: a register page used to work out each row's deadline four times over (row colour,
badge, date, escalation), which was most of the page's time at 100,000 cases.
"""
from dataclasses import dataclass
from datetime import date

from caseflow.legal import deadlines


@dataclass(frozen=True)
class DeadlineState:
    deadline: date  # the deadline in force today (Case.current_deadline)
    extended: bool  # an extension in force (told in time, Art. 12(3))
    open: bool
    suspended: bool  # the clock stands still: waiting for the requester
    days_left: int  # negative when overdue
    css: str  # "overdue", "soon" or "" (the row's and the badge's colour)
    escalation: str  # the escalation level (caseflow.legal.escalation) still worth a badge, or ""


def deadline_state(case, today: date, warning_days: int) -> DeadlineState:
    extended = case.extension_effective
    deadline = case.extended_deadline(today) if extended else case.original_deadline(today)
    days_left = deadlines.days_left(deadline, today)
    open_, suspended = case.is_open, case.is_suspended
    css = ""
    if open_ and not suspended:
        css = "overdue" if days_left < 0 else ("soon" if days_left <= warning_days else "")
    level = case.escalation_level
    still_holds = {"overdue": open_, "decide_extension": open_ and not extended,
                   "identity_wait": open_ and suspended}  # "due_soon" shows as the colour, not as a badge
    level = level if still_holds.get(level) else ""
    return DeadlineState(deadline=deadline, extended=extended, open=open_, suspended=suspended,
                         days_left=days_left, css=css, escalation=level)
