"""The escalation ladder of docs/architecture.md §3 as one pure function over dates, so it is tested as a table.

No database, no Flask: the jobs feed it facts about a case and store what it says.
"""
from dataclasses import dataclass
from datetime import date

from caseflow.legal.deadlines import legal_deadline

# Levels, from the least to the most urgent; None means nothing to act on.
DUE_SOON = "due_soon"  # extended case, deadline within the warning window
DECIDE_EXTENSION = "decide_extension"  # not extended, original deadline within the window: last chance to extend
IDENTITY_WAIT = "identity_wait"  # no proof of identity for too long: suggest closing as unverified
OVERDUE = "overdue"  # deadline passed, case still open
LEVELS = (DUE_SOON, DECIDE_EXTENSION, IDENTITY_WAIT, OVERDUE)


def rank(level: str | None) -> int:
    """0 for no level, higher is more urgent; tells an escalation from a de-escalation."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


@dataclass(frozen=True)
class CaseFacts:
    """What the ladder needs to know about a case."""

    received_on: date
    is_open: bool = True
    extended: bool = False
    suspended_days: int = 0  # finished suspensions only
    identity_requested_on: date | None = None  # start of the running suspension, if any

    @classmethod
    def of(cls, case) -> "CaseFacts":
        return cls(
            received_on=case.received_on,
            is_open=case.is_open,
            extended=case.extension_effective,  # decided and told to the requester
            suspended_days=case.suspended_days(),
            identity_requested_on=case.identity_requested_on,
        )


def level(facts: CaseFacts, today: date, warning_days: int = 7, identity_wait_days: int = 30) -> str | None:
    """The rung of the ladder a case stands on today."""
    if not facts.is_open:
        return None
    suspended = facts.suspended_days
    if facts.identity_requested_on is not None:  # the running suspension counts up to today
        suspended += max(0, (today - facts.identity_requested_on).days)
    deadline = legal_deadline(facts.received_on, extended=facts.extended, suspended_days=suspended)
    days_left = (deadline - today).days
    if days_left < 0:
        return OVERDUE
    if facts.identity_requested_on is not None:  # clock stopped: the deadline is not coming closer
        waited = (today - facts.identity_requested_on).days
        return IDENTITY_WAIT if waited >= identity_wait_days else None
    if days_left <= warning_days:
        return DUE_SOON if facts.extended else DECIDE_EXTENSION
    return None
