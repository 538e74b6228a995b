"""Anonymise cases closed longer than RETENTION_YEARS ago (GDPR Art. 5(1)(e): kept no longer than necessary).

What goes: the requester's name, email, postal address and customer number, the request text and its scan,
letters' bodies and recipients (and their outbox copies) and Bpost receipts, uploaded exports and sent packages,
the emails taken in for the case (sender, subject, text, the original and its attachments), free-text notes
and reasons. What stays, for the statistics and to show the GBA what was done: the reference, the dates, the
rights, the outcomes and reason codes, who did what and when.

The audit trail: events are never deleted, and their hash chain must hold. Events whose texts may carry
personal data (old and new requester details, file names, notes, reasons) keep their action, actor and time;
their texts are blanked and only the texts' SHA-256 digests are kept (AuditEvent.redacted), from which the chain
still verifies, and nothing else can be put in their place. Events whose texts are codes and dates stay whole.
"""
import json
import os
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select, update

from caseflow import attachments, clock
from caseflow.audit.chain import CONTENT_FIELDS, digest
from caseflow.extensions import db
from caseflow.legal.rights import OPEN_STATUSES
from caseflow.models import AuditEvent, Case, PackageFile
from caseflow.services import audit

ANONYMOUS = "—"
# Events whose detail/before/after hold only codes, dates and staff names: kept as they are.
KEEP_TEXTS = {"case_opened", "assigned", "status_changed", "escalated", "deescalated", "deadline_changed",
              "extension_in_force", "outcome_cleared", "anonymised"}


def closed_before(today: date, years: int) -> date:
    """Cases closed on or before this day (Brussels) have been closed for longer than `years` years."""
    return today - relativedelta(years=years) - relativedelta(days=1)


def due_cases(today: date, years: int) -> list[Case]:
    cutoff = closed_before(today, years)
    candidates = db.session.scalars(select(Case).where(Case.anonymised_on.is_(None), Case.closed_at.is_not(None),
                                                       Case.status.not_in(OPEN_STATUSES)).order_by(Case.id)).all()
    return [c for c in candidates if c.closed_at.astimezone(clock.BRUSSELS).date() <= cutoff]


def _redact_events(case: Case) -> None:
    """Blank the texts of the case's events that may hold personal data; keep their digests for the chain."""
    table = AuditEvent.__table__
    rows = db.session.execute(select(table).where(table.c.case_id == case.id,
                                                  table.c.action.not_in(KEEP_TEXTS))).all()
    for row in rows:
        if all(getattr(row, name) is None for name in CONTENT_FIELDS):
            continue
        kept = json.loads(row.redacted) if row.redacted else {}
        for name in CONTENT_FIELDS:
            if getattr(row, name) is not None:
                kept[name] = digest(getattr(row, name))
        # a Core UPDATE: the ORM refuses changes to audit events; this is the one sanctioned one, and it keeps the
        # digests the chain is built from
        db.session.execute(update(table).where(table.c.id == row.id)
                           .values(detail=None, before=None, after=None, redacted=json.dumps(kept, sort_keys=True)))


def anonymise(case: Case, *, today: date, now: datetime) -> list[str]:
    """Strip the case of personal data (in the session; the caller commits). Returns the files to delete after."""
    instance = current_app.instance_path
    files = []
    if case.attachment_path:
        files.append(attachments.path_of(case.attachment_path))
    case.requester_name = ANONYMOUS
    case.requester_email = case.requester_address = case.customer_number = None
    case.request_text = ""
    case.attachment_name = case.attachment_path = None
    case.identity_method = None
    case.extension_reason = None if case.extension_reason is None else ANONYMOUS
    case.closing_note = None
    for right in case.rights:
        right.outcome_reason = None
        for action in right.actions:
            action.note = None
    for letter in case.letters:
        letter.body, letter.recipient = "", ANONYMOUS
        if letter.receipt_path:  # the Bpost receipt names the requester and their address
            files.append(attachments.path_of(letter.receipt_path))
            letter.receipt_path = letter.receipt_name = None
        if letter.package_path:
            files.append(os.path.join(instance, letter.package_path))
            letter.package_path = None
        message = letter.outbox_message
        if message is not None:
            message.body_text, message.body_html, message.recipient = "", None, ANONYMOUS
            message.attachment_path = None
    package_dir = os.path.join(instance, "packages", str(case.id))
    for record in db.session.scalars(select(PackageFile).where(PackageFile.case_id == case.id)).all():
        files.append(os.path.join(package_dir, record.stored_name))
        db.session.delete(record)
    files += _anonymise_emails(case)
    _redact_events(case)
    case.anonymised_on = today
    audit(case, None, "anonymised", detail=f"retention {current_app.config['RETENTION_YEARS']} years", at=now)
    return files


def _anonymise_emails(case: Case) -> list[str]:
    """The emails taken in for the case (caseflow.intake): their text, sender and files go; dates and status stay."""
    from caseflow.intake import service as intake
    from caseflow.intake.models import IntakeMessage

    files = []
    for message in db.session.scalars(select(IntakeMessage).where(IntakeMessage.case_id == case.id)).all():
        if message.raw_path:
            files.append(intake.path_of(message.raw_path))
        message.raw_path = ""  # the original email is gone
        message.from_name = message.from_email = message.forwarded_by = message.decision_note = None
        message.subject, message.text = "", ""
        for item in message.attachments:
            if item.stored_name:
                files.append(intake.path_of(item.stored_name, attachment=True))
            item.stored_name, item.name = None, ANONYMOUS
    return files


def delete_files(paths: list[str]) -> int:
    """After the commit: a crash before this leaves files of no case, which the orphan cleanup removes."""
    removed = 0
    for path in paths:
        try:
            os.remove(path)
            removed += 1
        except FileNotFoundError:
            pass
    return removed
