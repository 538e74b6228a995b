"""Email intake as services: take a message in (once), attach it to a case, make a case of it, dismiss it.

Like caseflow.services, these validate, change, audit and commit; they know nothing of requests. Files (the
raw message, its attachments) are written under instance/intake/ with random names before the row commits,
and removed again when it does not.
"""
import hashlib
import os
import secrets
from datetime import datetime

from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import filetypes
from caseflow.intake.models import IntakeAttachment, IntakeMessage
from caseflow.intake.parse import parse_bytes
from caseflow.mail.models import OutboxMessage
from caseflow.models import Case, Letter, User
from caseflow.services import ServiceError, audit, commit, duplicates, moment
from caseflow.services import cases as case_service
from caseflow.web import nav


def directory(*parts: str) -> str:
    path = os.path.join(current_app.instance_path, "intake", *parts)
    os.makedirs(path, exist_ok=True)
    return path


def path_of(stored: str, *, attachment: bool = False) -> str:
    folder = directory("attachments") if attachment else directory()
    return os.path.join(folder, os.path.basename(stored))


def _write(folder: str, data: bytes, suffix: str = "") -> str:
    name = secrets.token_hex(16) + suffix
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data)
    return name


def _discard(paths: list[str]) -> None:
    for path in paths:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def reference_for(message_ids: list[str]) -> str | None:
    """The case whose letter went out with one of these Message-IDs (a reply's In-Reply-To/References)."""
    return db.session.scalar(
        select(Case.reference).join(Letter, Letter.case_id == Case.id)
        .join(OutboxMessage, Letter.outbox_message_id == OutboxMessage.id)
        .where(OutboxMessage.message_id.in_(message_ids)).limit(1))


def parse(raw: bytes, file: str | None = None, lookup=reference_for):
    return parse_bytes(raw, file=file, lookup=lookup,
                       colleague_domains=tuple(current_app.config["INTAKE_COLLEAGUE_DOMAINS"]))


def known(message_id: str) -> IntakeMessage | None:
    return db.session.scalar(select(IntakeMessage).where(IntakeMessage.message_id == message_id))


def take_in(raw: bytes, *, source: str, folder=None, uidvalidity=None, uid=None, now: datetime | None = None,
            commit_now: bool = True) -> tuple[IntakeMessage, bool]:
    """Keep the message (once: by Message-ID) and what the parser read; (message, True) when it is new.

    A message whose reference (or the letter it answers) names a case is attached to that case at once and
    shown on its timeline. With commit_now False the caller commits (the poll commits its cursor with it).
    """
    _, now = moment(None, now)
    parsed = parse(raw)
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = (parsed.message_id or f"<sha256-{sha256}@caseflow.invalid>")[:255]
    existing = known(message_id)
    if existing is not None:
        return existing, False
    written = []
    try:
        raw_name = _write(directory(), raw, ".eml")
        written.append(path_of(raw_name))
        message = IntakeMessage(
            source=source, folder=folder, uidvalidity=uidvalidity, uid=uid, message_id=message_id,
            raw_path=raw_name, raw_size=len(raw), sha256=sha256, valid=parsed.valid, error=parsed.error,
            from_name=(parsed.from_name or "")[:200] or None, from_email=(parsed.from_email or "")[:254] or None,
            forwarded_by=parsed.forwarded_by, subject=(parsed.subject or "")[:500], received_at=parsed.received_at,
            received_on=parsed.received_date, language=parsed.language, rights=" ".join(parsed.rights),
            reference=parsed.reference, text=parsed.text, status="new", fetched_at=now,
        )
        limit = int(current_app.config["INTAKE_MAX_ATTACHMENT_MB"]) * 1024 * 1024
        for item in parsed.attachments:
            detected, _ = filetypes.sniff(item.data)
            row = IntakeAttachment(name=item.name[:255], declared_type=item.content_type[:100],
                                   detected_type=detected, size=item.size)
            if item.size > limit:
                row.refused = "too_large"
            else:
                row.stored_name = _write(directory("attachments"), item.data)
                written.append(path_of(row.stored_name, attachment=True))
            message.attachments.append(row)
        db.session.add(message)
        case = _case_for(parsed.reference)
        if case is not None:
            _attach(message, case, actor=None, now=now, automatic=True)
        db.session.flush()
        if commit_now:
            db.session.commit()
    except IntegrityError:  # another process took the same message in meanwhile
        db.session.rollback()
        _discard(written)
        existing = known(message_id)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        db.session.rollback()
        _discard(written)
        raise
    return message, True


def _case_for(reference: str | None) -> Case | None:
    if not reference:
        return None
    return db.session.scalar(select(Case).where(Case.reference == reference.upper()))


def _attach(message: IntakeMessage, case: Case, *, actor: User | None, now, automatic: bool = False) -> None:
    message.status, message.case, message.decided_by, message.decided_at = "attached", case, actor, now
    message.decision_note = message.reference if automatic else None
    when = message.received_on.isoformat() if message.received_on else ""
    audit(case, actor, "email_received", detail=" | ".join(p for p in (when, message.from_email or "") if p),
          after=message.subject or None, at=now)


def _require_new(message: IntakeMessage) -> None:
    if message.status != "new":
        raise ServiceError(_l("This email has already been dealt with."))


def attach(message: IntakeMessage, *, reference: str, actor: User, now=None) -> Case:
    """Add the email to an existing case (staff chose it), shown on that case's timeline."""
    _, now = moment(None, now)
    _require_new(message)
    case = _case_for((reference or "").strip())
    if case is None:
        raise ServiceError(_l("No case has this reference."), field="reference")
    _attach(message, case, actor=actor, now=now)
    commit()
    return case


def dismiss(message: IntakeMessage, *, reason: str, actor: User, now=None) -> IntakeMessage:
    """Not a GDPR request: kept, with who decided, when and why."""
    _, now = moment(None, now)
    _require_new(message)
    if not (reason or "").strip():
        raise ServiceError(_l("Say why this email is not a GDPR request."), field="reason")
    message.status, message.decided_by, message.decided_at = "dismissed", actor, now
    message.decision_note = reason.strip()
    db.session.commit()
    return message


def open_case_from(message: IntakeMessage, *, actor: User, now=None, **case_fields) -> Case:
    """Make a case of the email (the fields as staff confirmed them); the email stays with the case.

    The email is claimed in the case's own transaction, so two colleagues never make two cases of one email.
    The same form saved twice (its form_token) raises duplicates.AlreadySaved naming the case it made.
    """
    _, now = moment(None, now)
    _raise_if_saved(case_fields.get("form_token"))
    _require_new(message)
    claimed = db.session.execute(
        update(IntakeMessage).where(IntakeMessage.id == message.id, IntakeMessage.status == "new")
        .values(status="case", decided_by_id=actor.id, decided_at=now)).rowcount
    if not claimed:
        db.session.rollback()
        _raise_if_saved(case_fields.get("form_token"))  # the same form's first save won the race
        raise ServiceError(_l("This email has already been dealt with."))
    try:
        case = case_service.open_case(actor=actor, now=now, **case_fields)  # commits the claim with the case
    except BaseException:
        db.session.rollback()
        raise
    db.session.refresh(case)  # committed: read it back before the audit event bumps its version
    message = db.session.get(IntakeMessage, message.id, populate_existing=True)
    message.case = case
    audit(case, actor, "email_received", detail=" | ".join(
        p for p in (message.received_on.isoformat() if message.received_on else "", message.from_email or "") if p),
        after=message.subject or None, at=now)
    commit()
    return case


def _raise_if_saved(form_token: str | None) -> None:
    earlier = duplicates.saved_with_token((form_token or "").strip()[:64] or None)
    if earlier is not None:
        raise duplicates.AlreadySaved(earlier)


def answer_received(case: Case, message: IntakeMessage, *, actor: User, expected_version=None, now=None) -> Case:
    """The requester's email answers the request for identity or clarification: the clock runs again from the
    day it arrived (the existing identity-received service, with the email as what was received)."""
    if message.case_id != case.id:
        raise ServiceError(_l("This email does not belong to this case."))
    if message.received_on is None:
        raise ServiceError(_l("The email has no date of receipt; record the answer by hand."))
    clarifying = case.identity_verified_on is not None
    what = _l("Answer by email of %(date)s: %(subject)s", date=message.received_on.strftime("%d/%m/%Y"),
              subject=message.subject or "—")
    prefix = "" if clarifying else str(_l("Reply from the requester's email address")) + ". "
    return case_service.record_identity(case, actor=actor, method=prefix + str(what),
                                        received_on=message.received_on, expected_version=expected_version, now=now)


def untriaged_query():
    """The emails in the triage inbox, counted (a scalar subquery: the menu counts it with its other badges)."""
    return select(func.count(IntakeMessage.id)).where(IntakeMessage.status == "new").scalar_subquery()


def untriaged_count() -> int:
    """Emails in the triage inbox; counted once per request (the menu and the dashboard both show it)."""
    if has_request_context():
        return nav.counts()["untriaged"]
    return db.session.scalar(select(untriaged_query())) or 0


def waiting_answers(case: Case) -> list[IntakeMessage]:
    """Emails on a case waiting for identity/clarification that arrived on or after the day it was asked."""
    if case.status != "awaiting_identity" or case.identity_requested_on is None:
        return []
    return [m for m in case.intake_messages
            if m.received_on is not None and m.received_on >= case.identity_requested_on and m.received_on <= clock.today()]
