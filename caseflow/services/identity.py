"""The identity ladder (docs/architecture.md §1; GDPR Art. 5(1)(c), 12(2), 12(6)): ask for the lightest proof that is enough,
stop the clock while waiting, and record how the identity was verified."""
from datetime import date

from flask_babel import lazy_gettext as _l

from caseflow.extensions import db
from caseflow.legal.rights import IDENTITY_CHECKS
from caseflow.models import Case, Suspension, User
from caseflow.services import (
    ServiceError,
    audit,
    audit_parts,
    check_version,
    commit,
    locked,
    moment,
    refresh_deadline,
    require_open,
    with_text,
)


def request_identity(
    case: Case, *, actor: User, asked_on: date | None = None, note: str = "", check: str | None = None,
    reason: str = "", expected_version=None, today=None, now=None,
) -> Case:
    """Ask for proof of identity (by the lightest method that is enough) or clarification: the clock stops then."""
    today, now = moment(today, now)
    asked_on = asked_on or today
    check_version(case, expected_version)
    require_open(case)
    if case.status == "awaiting_identity":
        raise ServiceError(_l("Proof of identity has already been requested and has not yet arrived."))
    if case.identity_verified_on is None:
        check, reason = _ladder_step(check or "knowledge", reason, asking=True)
    if asked_on > today:
        raise ServiceError(_l("The date cannot be in the future."), field="asked_on")
    if asked_on < case.received_on:
        raise ServiceError(_l("The date cannot be before the request was received."), field="asked_on")
    if any(s.ended_on and s.ended_on > asked_on for s in case.suspensions):
        raise ServiceError(_l("The date overlaps an earlier suspension."), field="asked_on")
    before = case.status
    case.status = "awaiting_identity"
    case.identity_requested_on = asked_on
    if case.identity_verified_on is None:
        case.identity_check, case.identity_check_reason = check, reason
    db.session.add(Suspension(case=case, started_on=asked_on))
    audit(case, actor, "identity_requested", detail=audit_parts(asked_on.isoformat(), check, reason, note),
          before=before, after=case.status, at=now)
    refresh_deadline(case)
    commit()
    return case


def _ladder_step(check: str, reason: str, *, asking: bool) -> tuple[str, str | None]:
    """The method of the identity ladder, checked: an identity document only with the doubt that remains."""
    if check not in IDENTITY_CHECKS:
        raise ServiceError(_l("Choose how the identity is verified."), field="check")
    if asking and check == "account":
        raise ServiceError(_l("A request from the account's own email or postal address needs nothing more: record "
                              "the identity as verified instead of asking for proof."), field="check")
    reason = (reason or "").strip()
    if check == "document" and not reason:
        raise ServiceError(_l("An identity document is a last resort: write down why doubt remains after the "
                              "lighter checks (account address, order number with postcode)."), field="reason")
    return check, (reason or None) if check == "document" else None


def _unproven_account(case: Case, check: str, reason: str) -> str | None:
    """"The request came from the account's address" for an email whose sender was not authenticated: nothing
    proves it did (GBA 145/2022 trusts the address only when the mail really comes from it), so staff say why."""
    if check != "account" or case.channel != "email" or case.sender_authenticated is not False:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("The sender of this email could not be verified, so its address alone proves nothing: "
                              "write down why you are sure it is the account holder (e.g. a reply from the "
                              "account's address), or choose another step."), field="reason")
    return reason


def record_identity(
    case: Case, *, actor: User, method: str = "", check: str | None = None, reason: str = "",
    copy_destroyed: bool = False, received_on: date | None = None, expected_version=None, today=None, now=None,
) -> Case:
    """Record the requester's answer: identity verified (or, if it already was, the clarification received).

    `check`: the step of the identity ladder used (rights.IDENTITY_CHECKS), `method` what was checked. An identity
    document needs the reason it was needed and the confirmation that the copy has been destroyed.
    A running suspension ends on the day the answer arrived, which moves the deadline by the days waited.
    Verifying clears the refusals for want of identity, a change to decisions: it takes the case's lock
    (services.lock_case), as deciding, answering and closing do.
    """
    with locked(case):
        today, now = moment(today, now)
        received_on = received_on or today
        check_version(case, expected_version)
        require_open(case)
        running = next((s for s in case.suspensions if s.ended_on is None), None)
        if case.identity_verified_on is not None and running is None:
            raise ServiceError(_l("The identity has already been verified."))
        verifying = case.identity_verified_on is None
        if verifying and check is not None:
            account_reason = _unproven_account(case, check, reason)
            check, reason = _ladder_step(check, reason, asking=False)
            reason = account_reason or reason
            if check == "document" and not copy_destroyed:
                raise ServiceError(_l("Confirm that the copy of the identity document has been destroyed: it may not be "
                                      "kept after the check."), field="copy_destroyed")
        elif not (method or "").strip():
            raise ServiceError(_l("Say what the requester clarified.") if case.identity_verified_on
                               else _l("Say how the identity was verified."), field="method")
        if received_on > today:
            raise ServiceError(_l("The date cannot be in the future."), field="received_on")
        if running is not None and received_on < running.started_on:
            raise ServiceError(_l("The answer cannot arrive before it was requested."), field="received_on")
        if received_on < case.received_on:
            raise ServiceError(_l("The date cannot be before the request was received."), field="received_on")
        before_deadline, before_status = case.deadline, case.status
        if running is not None:
            running.ended_on = received_on
            case.identity_requested_on = None
        cleared = []
        if case.identity_verified_on is None:
            case.identity_verified_on = received_on
            case.identity_method = (method or "").strip() or None
            # the step used (None from a script that only describes it: never the step merely asked for)
            case.identity_check, case.identity_check_reason = check, reason if check is not None else None
            action = "identity_verified"
            # a refusal because the identity was not verified no longer holds: the right must be decided anew
            cleared = [r for r in case.rights if r.refusal_code == "identity_not_verified"]
        else:
            action = "clarification_received"
        case.status = "in_progress"
        refresh_deadline(case)
        audit(case, actor, action, detail=audit_parts(received_on.isoformat(), check if verifying else None,
                                                      reason if verifying else None, method),
              before=before_status, after=case.status, at=now)
        if verifying and check == "document":
            case.identity_copy_destroyed_on = today
            audit(case, actor, "identity_copy_destroyed", detail=today.isoformat(), at=now)
        if case.deadline != before_deadline:
            audit(case, actor, "deadline_changed", detail=str(running.days if running else ""),
                  before=before_deadline.isoformat(), after=case.deadline.isoformat(), at=now)
        for right in cleared:
            audit(case, actor, "outcome_cleared", detail=audit_parts(right.right, right.refusal_code),
                  before=with_text(right.outcome, right.outcome_reason), at=now)
            right.outcome = right.refusal_code = right.outcome_reason = right.outcome_at = right.outcome_by = None
        commit()
        return case
