"""After the answer: close once it is delivered, or reopen a closed case (an administrator, with a reason).

Closing itself is services.cases.close; the rules it checks are caseflow.legal.rules.
"""
from flask_babel import lazy_gettext as _l

from caseflow.legal import rules
from caseflow.models import Case, User
from caseflow.services import ServiceError, audit, check_version, commit, holds_lock, locked, moment, require_open
from caseflow.services import cases as case_service


class NotAllowed(ServiceError):
    """The user may not do this at all (the view answers 403)."""


def reopen(case: Case, *, actor: User, reason: str, expected_version=None, now=None) -> Case:
    """An administrator reopens a closed case, with the reason; the deadline does not restart (it never moved)."""
    if not actor.is_admin:
        raise NotAllowed(_l("Only an administrator can reopen a case."))
    with locked(case):
        _, now = moment(None, now)
        check_version(case, expected_version)
        if case.is_open:
            raise ServiceError(_l("This case is open already."))
        if not (reason or "").strip():
            raise ServiceError(_l("Say why the case is reopened."), field="reason")
        before = case.status
        case.status = "in_progress" if case.identity_verified_on or before != "closed_unverified" else "new"
        case.closed_at = None
        case.close_on_delivery = None
        audit(case, actor, "reopened", detail=reason.strip(), before=before, after=case.status, at=now)
        commit()
        return case


def pending_answer(case: Case):
    """The answer that still tells the decisions as they stand, while it waits in the outbox; else None."""
    letter = rules.current_answer(case)
    return letter if letter is not None and not letter.delivered else None


def can_close_on_delivery(case: Case) -> bool:
    """An answer waits in the outbox and nothing but its delivery stands in the way of closing (the case page's
    button is offered only then)."""
    return case.is_open and pending_answer(case) is not None and not _waiting(case, answered_status(case))


def _waiting(case: Case, status: str) -> list:
    return [p for p in rules.closing(case, status) if p.code != "answer_in_outbox"]


def close_when_delivered(case: Case, *, actor: User, expected_version=None, now=None) -> Case:
    """Close the case as resolved (or refused, when every right is) as soon as the answer's email is delivered.

    Under the case's lock (services.lock_case); the mail job checks the rules again, under it, at delivery."""
    with locked(case):
        _, now = moment(None, now)
        check_version(case, expected_version)
        require_open(case)
        if pending_answer(case) is None:
            raise ServiceError(_l("There is no answer waiting in the outbox: close the case the usual way."))
        status = answered_status(case)
        waiting = _waiting(case, status)
        if waiting:
            raise ServiceError(waiting[0].message, field="status")
        case.close_on_delivery = status
        audit(case, actor, "close_on_delivery", after=status, at=now)
        commit()
        return case


def answered_status(case: Case) -> str:
    """Refused when every right is refused or not applicable (at least one refused), else resolved."""
    if all(r.outcome in ("refused", "not_applicable") for r in case.rights) and \
            any(r.outcome == "refused" for r in case.rights):
        return "refused"
    return "resolved"


def close_if_due(case: Case, *, now) -> None:
    """The answer was delivered: close a case that asked for it, if the rules still hold (inside the caller's unit
    of work; the mail job commits, holding the case's lock, services.lock_case). Otherwise the wish is dropped,
    with the reason in the trail."""
    status = case.close_on_delivery
    if not status or not case.is_open:
        return
    if not holds_lock(case):
        raise RuntimeError("close_if_due: take the case's lock (services.lock_case) first")
    case.close_on_delivery = None
    problems = rules.closing(case, status)
    if problems:
        audit(case, None, "close_on_delivery_dropped", detail=str(problems[0]), at=now)
        return
    case_service.close_now(case, actor=None, status=status, answer_sent_on=rules.current_answer(case).sent_on, now=now)
