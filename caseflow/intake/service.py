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
from caseflow.intake.parse import QUARANTINE, Limits, clean, parse_bytes
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


def _letter_recipient(reference: str | None, message_ids: list[str]) -> str | None:
    """The address a letter of this case went to, when the email replies to that letter (its Message-ID)."""
    if not reference or not message_ids:
        return None
    return db.session.scalar(
        select(OutboxMessage.recipient).join(Letter, Letter.outbox_message_id == OutboxMessage.id)
        .join(Case, Letter.case_id == Case.id)
        .where(Case.reference == reference.upper(), OutboxMessage.message_id.in_(message_ids[:100])).limit(1))


def trusted_authserv_ids(config) -> tuple[str, ...]:
    """CASEFLOW_INTAKE_TRUSTED_AUTHSERV_IDS as a tuple (one id given as a plain string counts too)."""
    value = config.get("INTAKE_TRUSTED_AUTHSERV_IDS") or ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse(raw: bytes, file: str | None = None, lookup=reference_for):
    """The one parser for the mailbox, the web import and the command: the same limits and trust everywhere."""
    config = current_app.config
    return parse_bytes(raw, file=file, lookup=lookup, colleague_domains=tuple(config["INTAKE_COLLEAGUE_DOMAINS"]),
                       trusted_authserv_ids=trusted_authserv_ids(config), limits=Limits.from_config(config))


def known(message_id: str) -> IntakeMessage | None:
    return db.session.scalar(select(IntakeMessage).where(IntakeMessage.message_id == message_id))


def from_requester(message: IntakeMessage, case: Case) -> bool:
    """The email is the requester's own: sent from the case's address, and proven to be (the sender authenticated
    by our receiving server, or a reply to a letter Caseflow itself sent to that address). Only such an email
    joins its case by itself, or counts as the requester's reply for the identity. References are sequential:
    anyone can name a case."""
    address = (case.requester_email or "").strip().lower()
    if not address or (message.from_email or "").strip().lower() != address:
        return False
    return bool(message.sender_authenticated) or (message.answers_letter_to or "").strip().lower() == address


def take_in(raw: bytes, *, source: str, folder=None, uidvalidity=None, uid=None, now: datetime | None = None,
            commit_now: bool = True, parsed=None, oversize: int | None = None) -> tuple[IntakeMessage, bool]:
    """Keep the message (once: by Message-ID) and what the parser read; (message, True) when it is new.

    A message that names a case (its reference, or the letter it answers) joins that case at once only when it
    is from the requester (from_requester); otherwise it waits in the inbox with the case suggested. With
    commit_now False the caller commits (the poll commits its cursor with it). `parsed`: the message read
    already (the web import reads it once); `oversize`: only its headers were fetched, the whole being larger.
    A message that could not be read in full is kept all the same, in quarantine (parse.QUARANTINE).
    """
    _, now = moment(None, now)
    parsed = parsed or parse(raw)
    if oversize is not None:
        parsed.error, parsed.valid = "too_large", False
        parsed.detail = f"{oversize:,} bytes; only its headers were fetched"
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = (parsed.message_id or f"<sha256-{sha256}@caseflow.invalid>")[:255]
    existing = known(message_id)
    if existing is not None:
        return existing, False
    written = []
    try:
        raw_name = _write(directory(), raw, ".eml")
        written.append(path_of(raw_name))
        reply_ids = [i for i in [parsed.in_reply_to, *parsed.references] if i]
        message = IntakeMessage(
            source=source, folder=folder, uidvalidity=uidvalidity, uid=uid, message_id=message_id,
            raw_path=raw_name, raw_size=oversize or len(raw), sha256=sha256, valid=parsed.valid,
            error=parsed.error, problem_detail=parsed.detail, from_name=(parsed.from_name or "")[:200] or None,
            from_email=(parsed.from_email or "")[:254] or None, forwarded_by=(parsed.forwarded_by or "")[:254] or None,
            subject=(parsed.subject or "")[:500], received_at=parsed.received_at, received_on=parsed.received_date,
            language=parsed.language, rights=" ".join(parsed.rights), reference=parsed.reference,
            text=(parsed.text or "").replace("\x00", ""), status="new", fetched_at=now,
            sender_authenticated=parsed.requester_authenticated, forward_claimed_at=parsed.forward_claimed_at,
            answers_letter_to=(_letter_recipient(parsed.reference, reply_ids) or "")[:254] or None,
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
        if case is not None and from_requester(message, case):
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


def quarantine(raw: bytes, *, source: str, error: Exception, folder=None, uidvalidity=None, uid=None,
               now: datetime | None = None, commit_now: bool = True) -> tuple[IntakeMessage, bool]:
    """Keep a message that could not be taken in as read: its raw bytes and the reason, nothing read from it
    (what failed may be anything it holds), in the inbox for a person to open as text, make a case of or dismiss."""
    _, now = moment(None, now)
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = f"<sha256-{sha256}@caseflow.invalid>"
    existing = known(message_id)
    if existing is not None:
        return existing, False
    raw_name = _write(directory(), raw, ".eml")
    try:
        message = IntakeMessage(source=source, folder=folder, uidvalidity=uidvalidity, uid=uid, message_id=message_id,
                                raw_path=raw_name, raw_size=len(raw), sha256=sha256, valid=False,
                                error="intake_failed", problem_detail=clean(f"{type(error).__name__}: {error}", 500),
                                subject="", text="", status="new", fetched_at=now, sender_authenticated=False)
        db.session.add(message)
        db.session.flush()
        if commit_now:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        _discard([path_of(raw_name)])
        raise
    return message, True


def raw_text(message: IntakeMessage, limit: int = 200_000) -> str | None:
    """The message as it came, as text (never rendered): for a quarantined email that could not be read."""
    if not message.raw_path:
        return None
    try:
        with open(path_of(message.raw_path), "rb") as fh:
            data = fh.read(limit)
    except OSError:
        return None
    return data.decode("utf-8", "replace").replace("\x00", "")


def case_named(message: IntakeMessage) -> Case | None:
    return _case_for(message.reference)


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


def open_case_from(message: IntakeMessage, *, actor: User, now=None, confirm_claimed_date: bool = False,
                   **case_fields) -> Case:
    """Make a case of the email (the fields as staff confirmed them); the email stays with the case.

    The email is claimed in the case's own transaction, so two colleagues never make two cases of one email.
    The same form saved twice (its form_token) raises duplicates.AlreadySaved naming the case it made.
    A date before the email's own arrival, for a forward whose sender was not authenticated, must be confirmed.
    """
    _, now = moment(None, now)
    _raise_if_saved(case_fields.get("form_token"))
    _require_new(message)
    received_on = case_fields.get("received_on")
    if (message.forward_claimed_at is not None and message.received_on is not None and received_on is not None
            and received_on < message.received_on and not confirm_claimed_date):
        raise ServiceError(_l("This forward's sender could not be verified, so the date of the original message is "
                              "only claimed: the email itself reached the mailbox on %(date)s. Check the earlier date "
                              "with the colleague and tick the box below, or keep the date the email arrived.",
                              date=message.received_on.strftime("%d/%m/%Y")), field="confirm_claimed_date")
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
    case.sender_authenticated = bool(message.sender_authenticated)
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
    day it arrived (the existing identity-received service, with the email as what was received).

    Only an email from the requester (from_requester) is recorded as "a reply from the requester's address";
    for any other the identity method is for staff to choose (the identity form, see answer_needs_method)."""
    if message.case_id != case.id:
        raise ServiceError(_l("This email does not belong to this case."))
    if message.received_on is None:
        raise ServiceError(_l("The email has no date of receipt; record the answer by hand."))
    clarifying = case.identity_verified_on is not None
    if not clarifying and not from_requester(message, case):
        raise ServiceError(NOT_FROM_REQUESTER)
    what = _l("Answer by email of %(date)s: %(subject)s", date=message.received_on.strftime("%d/%m/%Y"),
              subject=message.subject or "—")
    prefix = "" if clarifying else str(_l("Reply from the requester's email address")) + ". "
    return case_service.record_identity(case, actor=actor, method=prefix + str(what),
                                        received_on=message.received_on, expected_version=expected_version, now=now)


NOT_FROM_REQUESTER = _l("This email is not proven to come from the requester (another address, or a sender that "
                        "could not be verified): choose yourself how the identity was verified.")


def answer_needs_method(case: Case, message: IntakeMessage) -> bool:
    """The email answers an identity request, but is not proven to be the requester's: staff choose the method."""
    return case.identity_verified_on is None and not from_requester(message, case)


def quarantined_count() -> int:
    """Emails in quarantine that nobody has dealt with yet."""
    return db.session.scalar(select(func.count(IntakeMessage.id)).where(
        IntakeMessage.status == "new", IntakeMessage.error.in_(QUARANTINE))) or 0


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
