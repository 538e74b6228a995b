"""The work per right: what was done (actions, checklist lines ticked or not applicable) and the outcome decided.

Every function validates against the rules of docs/architecture.md §2-3 and the per-right checklists, writes audit events and
commits one unit of work, or raises ServiceError and leaves the database untouched.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal import checklists, rules
from caseflow.legal.rights import OUTCOMES, REFUSING_OUTCOMES, SYSTEMS
from caseflow.models import Case, CaseRight, ResolutionAction, User
from caseflow.services import (
    ServiceError,
    StaleCaseError,
    audit,
    audit_parts,
    check_version,
    commit,
    locked,
    moment,
    require_open,
    with_text,
)


def _case_right(case: Case, case_right_id) -> CaseRight:
    right = next((r for r in case.rights if r.id == int(case_right_id)), None)
    if right is None:
        raise ServiceError(_l("This right is not part of the case."))
    return right


def _start_work(case: Case, actor: User, now: datetime) -> None:
    if case.status == "new":
        case.status = "in_progress"
        audit(case, actor, "status_changed", before="new", after="in_progress", at=now)


def _start_work_quietly(case: Case, actor: User, now: datetime) -> None:
    """new -> in_progress without touching the case's version: only the first of two colleagues acting at once
    moves it (a guarded UPDATE), and neither is told the other changed the case."""
    if case.status != "new":
        return
    moved = db.session.execute(update(Case).where(Case.id == case.id, Case.status == "new")
                               .values(status="in_progress").execution_options(synchronize_session=False))
    if moved.rowcount:
        audit(case, actor, "status_changed", before="new", after="in_progress", at=now, bump=False)


def already_dealt_with(action: ResolutionAction):
    """What a colleague is told when the line was dealt with meanwhile: by whom and when."""
    at = action.created_at.astimezone(clock.BRUSSELS)
    when = at.strftime("%H:%M") if at.date() == clock.today() else at.strftime("%d/%m/%Y %H:%M")
    if action.not_applicable:
        return _l("Already marked not applicable by %(name)s at %(time)s.", name=action.user.name, time=when)
    return _l("Already ticked by %(name)s at %(time)s.", name=action.user.name, time=when)


def _line_action(right: CaseRight, item_key: str) -> ResolutionAction | None:
    return db.session.scalar(select(ResolutionAction).where(ResolutionAction.case_right_id == right.id,
                                                            ResolutionAction.checklist_item == item_key))


def record_action(
    case: Case, case_right_id, *, actor: User, system: str, description: str, note: str = "",
    performed_on: date | None = None, checklist_item: str | None = None, not_applicable: bool = False,
    expected_version=None, today=None, now=None,
) -> ResolutionAction:
    """Record what was done for one right (in which system, what, when, with a note), maybe ticking a checklist line.

    A checklist line can also be marked not applicable; the note then says why. An action is added, never
    overwrites: it does not check or bump the case's version (expected_version is accepted and ignored), so
    colleagues working on other lines or rights are not stopped; the same line dealt with twice is refused,
    also when two colleagues do it at the same moment (a unique constraint). A line can make a decision invalid
    (data kept, direct marketing), so this takes the case's lock (services.lock_case) like deciding, answering
    and closing.
    """
    with locked(case):
        today, now = moment(today, now)
        performed_on = performed_on or today
        require_open(case)
        right = _case_right(case, case_right_id)
        if checklist_item:
            done = next((a for a in right.actions if a.checklist_item == checklist_item), None)
            if done is not None:
                raise ServiceError(already_dealt_with(done))
            problems = rules.checklist_line(case, right, checklist_item, not_applicable=not_applicable)
            if problems:
                raise ServiceError(problems[0].message)
            if not_applicable and not (note or "").strip():
                raise ServiceError(_l("Say why this item does not apply."), field="note")
        elif not_applicable:
            raise ServiceError(_l("Only a checklist item can be marked not applicable."))
        if system not in SYSTEMS:
            raise ServiceError(_l("Choose the system in which the action took place."), field="system")
        if not (description or "").strip():
            raise ServiceError(_l("Describe what was done."), field="description")
        if performed_on > today:
            raise ServiceError(_l("The date cannot be in the future."), field="performed_on")
        if performed_on < case.received_on:
            raise ServiceError(_l("The date cannot be before the request was received."), field="performed_on")
        action = add_action(right, actor=actor, system=system, description=description, note=note,
                            performed_on=performed_on, checklist_item=checklist_item, not_applicable=not_applicable,
                            now=now, quietly=True)
        try:
            commit()
        except IntegrityError:  # a colleague dealt with the same line a moment ago (a writer not taking the lock)
            done = _line_action(right, checklist_item) if checklist_item else None
            if done is None:
                raise
            raise ServiceError(already_dealt_with(done)) from None
        return action


def tick(case: Case, case_right_id, item_key: str, *, actor: User, not_applicable: bool = False, note: str = "",
         today=None, now=None) -> ResolutionAction:
    """Tick a checklist line on the case page (or mark it not applicable, the note saying why): done today, in
    the line's own system, described by the line itself."""
    right = _case_right(case, case_right_id)
    item = checklists.item(right.right, item_key)
    if item is None:
        raise ServiceError(_l("This checklist item does not belong to this right."))
    return record_action(case, right.id, actor=actor, system=item.system, description=item.nl, note=note,
                         checklist_item=item.key, not_applicable=not_applicable, today=today, now=now)


def add_action(
    right: CaseRight, *, actor: User, system: str, description: str, note: str | None, performed_on: date,
    checklist_item: str | None = None, not_applicable: bool = False, now: datetime, quietly: bool = False,
) -> ResolutionAction:
    """Put an action (already checked) on the right, with its audit event, inside the caller's unit of work.

    quietly: without bumping the case's version (an action conflicts only with the same checklist line).
    """
    case = right.case
    action = ResolutionAction(
        case_right=right, user=actor, system=system, description=description.strip(),
        note=(note or "").strip() or None, performed_on=performed_on, created_at=now,
        checklist_item=checklist_item or None, not_applicable=bool(not_applicable),
    )
    db.session.add(action)
    (_start_work_quietly if quietly else _start_work)(case, actor, now)
    audit(case, actor, "item_not_applicable" if not_applicable else "action_recorded",
          detail=audit_parts(right.right, system, performed_on.isoformat(), action.description), after=action.note,
          at=now, bump=not quietly)
    return action


def decisions_stamp(case: Case) -> str:
    """The versions of the case's decisions, as a form carries them: an answer drafted from decisions that a
    colleague changed since is stale (the decisions no longer bump the case's version)."""
    return ",".join(f"{r.id}:{r.version}" for r in case.rights)


def check_decisions(case: Case, expected_stamp) -> None:
    """None: the caller does not check. Anything else must be the case's current decisions_stamp."""
    if expected_stamp is not None and expected_stamp != decisions_stamp(case):
        raise StaleCaseError()


def set_outcome(
    case: Case, case_right_id, *, actor: User, outcome: str, refusal_code: str | None = None,
    reason: str = "", expected_right_version=None, now=None,
) -> CaseRight:
    """Decide one right: granted, partially granted, refused (with a reason code and reasons) or not applicable.

    The decision has its own version (CaseRight.version): expected_right_version is checked against it (None: not
    checked), and the case's version is not bumped, so a decision conflicts only with a change to the same decision;
    colleagues deciding other rights or working other parts of the case are not stopped. The rules (caseflow.legal.rules)
    still check every decision at answer and close time, from the current state: the case's lock
    (services.lock_case), taken here as there, makes sure that state is the committed one, whichever goes first.
    """
    with locked(case):
        _, now = moment(None, now)
        require_open(case)
        right = _case_right(case, case_right_id)
        check_version(right, expected_right_version)
        if outcome not in OUTCOMES:
            raise ServiceError(_l("Choose an outcome."), field="outcome")
        reason = (reason or "").strip()
        if outcome not in REFUSING_OUTCOMES:
            refusal_code = None
        if right.outcome and outcome != right.outcome and reason and reason == (right.outcome_reason or "").strip():
            # the reasons were written for the previous decision: never send them with another one
            if outcome == "granted":
                reason = ""
            else:
                raise ServiceError(_l("These reasons were written for the previous decision (%(outcome)s). Write "
                                      "the reasons for this decision, or clear the field.",
                                      outcome=OUTCOMES.get(right.outcome, right.outcome)), field="reason")
        problems = rules.decision(case, right, outcome=outcome, refusal_code=refusal_code, reason=reason)
        if problems:
            raise ServiceError(problems[0].message, field=problems[0].field)
        before = (right.outcome, right.outcome_reason)
        right.outcome = outcome
        right.refusal_code = refusal_code
        right.outcome_reason = reason or None
        right.outcome_at = now
        right.outcome_by = actor
        _start_work_quietly(case, actor, now)
        audit(case, actor, "outcome_set", detail=audit_parts(right.right, refusal_code),
              before=with_text(*before), after=with_text(outcome, right.outcome_reason), at=now, bump=False)
        commit()  # a colleague who saved this decision a moment ago (its version moved on): StaleCaseError
        return right
