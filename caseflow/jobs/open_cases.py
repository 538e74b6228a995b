"""The open cases as the daily jobs read them: as plain rows and ladder facts for all, in full for the few the
jobs act on or list, in a few queries whatever the size of the register."""
from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseflow.extensions import db
from caseflow.legal import escalation
from caseflow.legal.rights import OPEN_STATUSES
from caseflow.models import Case, Letter, Suspension


def loaded(ids) -> list[Case]:
    """Cases with everything the ladder and the emails read, loaded in a few queries (in chunks of ids)."""
    ids = sorted(ids)
    cases = []
    for start in range(0, len(ids), 5000):
        cases += db.session.scalars(
            select(Case).where(Case.id.in_(ids[start:start + 5000]))
            .options(selectinload(Case.rights), selectinload(Case.suspensions), selectinload(Case.assignee),
                     selectinload(Case.letters).selectinload(Letter.outbox_message))
            .order_by(Case.id)
        ).all()
    return cases


def open_facts() -> tuple[list, dict]:
    """The open cases as plain rows, and what the ladder needs to know of each (escalation.CaseFacts).

    Read as columns, not as objects: the ladder is decided for every open case every day, but only the few that
    change rung (and those the reminders list) are loaded in full. Only the extended cases need their letters,
    to know whether the extension was told in time (Art. 12(3))."""
    open_ = Case.status.in_(OPEN_STATUSES)
    rows = sorted(db.session.execute(  # sorted here: ORDER BY id would walk every case by its key instead
        select(Case.id, Case.received_on, Case.extended_on, Case.identity_requested_on, Case.escalation_level,
               Case.assignee_id).where(open_)).all(), key=lambda r: r.id)
    suspended = defaultdict(int)  # finished suspensions only, as Case.suspended_days() without a day
    for case_id, started, ended in db.session.execute(
            select(Suspension.case_id, Suspension.started_on, Suspension.ended_on)
            .join(Case, Case.id == Suspension.case_id).where(open_, Suspension.ended_on.is_not(None))):
        suspended[case_id] += (ended - started).days
    in_force = {case.id for case in loaded([r.id for r in rows if r.extended_on is not None])
                if case.extension_effective}
    facts = {r.id: escalation.CaseFacts(received_on=r.received_on, is_open=True, extended=r.id in in_force,
                                        suspended_days=suspended[r.id], identity_requested_on=r.identity_requested_on)
             for r in rows}
    return rows, facts


def level_of(case: Case, today: date) -> str | None:
    """The case's rung of the escalation ladder today, with this installation's settings."""
    return level(escalation.CaseFacts.of(case), today)


def level(facts: escalation.CaseFacts, today: date) -> str | None:
    config = current_app.config
    return escalation.level(facts, today, config["WARNING_DAYS"], config["IDENTITY_WAIT_DAYS"])
