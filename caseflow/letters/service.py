"""Letters and emails to the requester: drafted from templates, checked against the guard rails, sent and kept."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.legal import deadlines, rules
from caseflow.legal.checklists import open_items
from caseflow.legal.rights import PASSPHRASE_CHANNELS, REMEDY_OUTCOMES
from caseflow.letters import drafting as letters
from caseflow.letters import package_zip as package
from caseflow.letters import packages
from caseflow.mail import outbox as mail
from caseflow.models import Case, Letter, User
from caseflow.services import (
    ServiceError,
    StaleCaseError,
    audit,
    check_version,
    closing,
    commit,
    locked,
    moment,
    resolution,
)

PLACEHOLDER = re.compile(r"\[[^\]\n]{2,80}\]")  # e.g. "[reden van de verlenging]" left in a draft


def delivery_for(case: Case) -> str:
    """By email when the request came by email (or we only have an email address); else by registered letter.

    Once an email to the requester could not be delivered, by registered letter if we have their address.
    """
    if case.requester_address and case.failed_letters:
        return "registered_letter"
    if case.requester_email and (case.channel == "email" or not case.requester_address):
        return "email"
    return "registered_letter"


def draft(case: Case, kind: str, *, locale: str, sender_name: str, today: date) -> letters.Rendered:
    context = letters.context_for(case, today=today, sender_name=sender_name, locale=locale)
    context["package_by_email"] = kind == "answer" and sends_copy(case) and delivery_for(case) == "email"
    return letters.render(kind, context, locale)


def send_as_drafted(case: Case, kind: str, *, actor: User, today: date | None = None, now=None, locale: str = "nl",
                    delivered: bool = False, passphrase_channel: str = "phone") -> Letter:
    """Send the letter exactly as drafted, the answer with the data package where it gives a copy: drafted under
    the case's lock (services.lock_case), so from the decisions as they are when it is sent."""
    with locked(case):
        today = today or moment(None, now)[0]
        drafted = draft(case, kind, locale=locale, sender_name=actor.name, today=today)
        return send(case, actor=actor, kind=kind, locale=locale, subject=drafted.subject, body=drafted.body,
                    attach_package=kind == "answer" and sends_copy(case), today=today, now=now, delivered=delivered,
                    passphrase_channel=passphrase_channel)


sends_copy = rules.sends_copy


# In every (partial) refusal the requester must read where to complain and that they can go to court (Art. 12(4)).
REMEDY_WORDS = {"nl": ("rechter",), "en": ("court",)}


def problems(case: Case, kind: str, *, today: date) -> list:
    """Why this letter may not go out now (the guard rails); empty when it may."""
    found = []
    if not case.is_open:
        found.append(_l("This case is closed; it can no longer be changed."))
    if kind == "acknowledgement" and today > case.current_deadline(today):
        found.append(_l("The deadline (%(date)s) has passed: an acknowledgement would promise a date in the past. "
                        "Send the answer as soon as possible.", date=case.current_deadline(today).strftime("%d/%m/%Y")))
    if kind == "identity_request" and case.status != "awaiting_identity":
        found.append(_l("First record that you ask for proof of identity or clarification (the clock stops then); "
                        "then send this letter."))
    if kind == "extension_notice":
        if not case.extended:
            found.append(_l("First extend the deadline; then send the extension notice."))
        elif today > case.original_deadline(today):
            found.append(_l("The original deadline (%(date)s) has passed: the extension notice would be too late.",
                            date=case.original_deadline(today).strftime("%d/%m/%Y")))
        elif (delivery_for(case) == "registered_letter"
              and deadlines.registered_mail_received(today) > case.original_deadline(today)):
            found.append(_l("A registered letter posted today counts as received on %(received)s (the third working "
                            "day after posting), after the original deadline (%(date)s): the extension notice would "
                            "be too late. It had to be posted by %(posting)s.",
                            received=deadlines.registered_mail_received(today).strftime("%d/%m/%Y"),
                            date=case.original_deadline(today).strftime("%d/%m/%Y"),
                            posting=deadlines.latest_posting_day(case.original_deadline(today)).strftime("%d/%m/%Y")))
    if kind == "answer":
        found += [p.message for p in rules.answer(case)]
    if delivery_for(case) == "registered_letter" and not case.requester_address:
        found.append(_l("The case has no postal address for a registered letter."))
    return found


def send(
    case: Case, *, actor: User, kind: str, locale: str, subject: str, body: str, attach_package: bool = False,
    expected_version=None, today=None, now=None, delivered=False, passphrase_channel: str | None = None,
    expected_decisions: str | None = None,
) -> Letter:
    """Send the (possibly edited) letter: by email through the outbox, or kept as a registered letter to print.

    The exact text, when and by whom are stored on the case and in the audit trail. `delivered`: the letter
    already went out by other means (the demo's invented past): recorded as sent, never mailed.

    A data package sent by email is an encrypted ZIP; its passphrase reaches the requester another way
    (`passphrase_channel`, recorded with the time); the passphrase itself is never stored: it is handed back
    once as `letter.passphrase` for the staff member to pass on.

    expected_decisions: the resolution.decisions_stamp the answer was drafted from (None: not checked); a decision
    saved since (it does not bump the case's version) makes the answer stale. All under the case's lock
    (services.lock_case): the versions and the rules are checked on what is committed, and no decision or
    closing can commit between that check and this letter.
    """
    with locked(case):
        today, now = moment(today, now)
        check_version(case, expected_version)
        if kind == "answer":
            resolution.check_decisions(case, expected_decisions)
        if kind not in letters.KINDS or locale not in letters.LOCALES:
            raise ServiceError(_l("Unknown kind of letter or language."))
        refused = problems(case, kind, today=today)
        if refused:
            raise ServiceError(refused[0])
        subject, body = (subject or "").strip(), (body or "").strip()
        if not subject:
            raise ServiceError(_l("The subject cannot be empty."), field="subject")
        if not body:
            raise ServiceError(_l("The text cannot be empty."), field="body")
        if PLACEHOLDER.search(body):
            raise ServiceError(_l("Fill in or remove the text between square brackets: %(text)s",
                                  text=PLACEHOLDER.search(body).group(0)), field="body")
        if attach_package and kind != "answer":
            raise ServiceError(_l("Only the answer carries the data package."), field="attach_package")
        if attach_package and not case.package_files:
            raise ServiceError(_l("There is no package to attach: add the exported data files first."),
                               field="attach_package")
        if kind == "answer" and sends_copy(case) and not attach_package:
            raise ServiceError(_l("The answer gives the requester a copy of their data: attach the data package."),
                               field="attach_package")
        if kind == "answer" and any(r.outcome in REMEDY_OUTCOMES for r in case.rights):
            if letters.GBA["website"] not in body or not any(w in body.lower() for w in REMEDY_WORDS[locale]):
                raise ServiceError(_l("An answer that refuses (in part), or does not act on a right, must tell the "
                                      "requester that they can complain to the Data Protection Authority (%(website)s) "
                                      "and go to court. Put that passage back.", website=letters.GBA["website"]),
                                   field="body")
        delivery = delivery_for(case)
        encrypted = attach_package and delivery == "email"
        if encrypted and passphrase_channel not in PASSPHRASE_CHANNELS:
            raise ServiceError(_l("Choose how the requester gets the passphrase of the encrypted ZIP."),
                               field="passphrase_channel")
        letter = Letter(case=case, kind=kind, locale=locale, delivery=delivery, subject=subject, body=body + "\n",
                        sent_on=today, created_at=now, created_by=actor,
                        recipient=case.requester_email if delivery == "email"
                        else f"{case.requester_name}\n{case.requester_address}")
        letter.passphrase = package.new_passphrase() if encrypted else None  # not a column: never stored
        if attach_package:  # kept for every delivery: attached to the email, or downloaded to hand over with the letter
            letter.package_name, letter.package_path = packages.snapshot(case, locale=locale, now=now,
                                                                         passphrase=letter.passphrase)
        if encrypted:
            letter.passphrase_channel = passphrase_channel
        if delivery == "email":
            letter.outbox_message = mail.enqueue(recipient=case.requester_email, subject=subject, text=letter.body,
                                                 kind="letter", locale=locale, now=now)
            if delivered:
                letter.outbox_message.status, letter.outbox_message.sent_at = "sent", now
            if attach_package:
                letter.outbox_message.attachment_name = letter.package_name
                letter.outbox_message.attachment_path = letter.package_path
        db.session.add(letter)
        if kind == "answer":
            case.answer_sent_on = today
        attached = f"\n\n[{letter.package_name}]" if letter.package_name else ""
        audit(case, actor, "letter_sent", detail=f"{kind} | {delivery}", after=f"{subject}\n\n{letter.body}{attached}",
              at=now)
        if encrypted:
            audit(case, actor, "package_passphrase", detail=f"{passphrase_channel} | {kind}", after=letter.package_name,
                  at=now)
        if kind == "answer" and letter.delivered:  # an email ticks them once the server took it (after_delivery)
            _tick_done_by_answer(case, letter, actor=actor, today=today, now=now)
        if kind == "extension_notice":  # the requester is told (in time): from now on the extended deadline counts
            sync_deadline(case, actor, now=now)
        commit()
        return letter


def _tick_done_by_answer(case: Case, letter: Letter, *, actor: User, today: date, now) -> None:
    """The answer delivers the copy: tick those checklist lines now, as done by this letter (audited)."""
    for right, item in open_items(case):
        if item.done_by_answer:
            resolution.add_action(right, actor=actor, system=item.system, description=item.label(letter.locale),
                                  note=letter.subject, performed_on=today, checklist_item=item.key, now=now)


def deliver_outbox(now=None):
    """The mail job: deliver what is due, then bring the cases in line with what happened to their letters."""
    report = mail.deliver_due(now)
    after_delivery(report.failed + report.sent, now=now)
    return report


def retry(message, now=None):
    """An admin's retry of a failed message, and then the same for its case as after the mail job."""
    message = mail.retry(message, now)
    after_delivery([message.id], now=now)
    return message


def after_delivery(message_ids: list[int], *, now=None) -> None:
    """Bring the cases in line with what the outbox did with their letters (the mail job and an admin's retry).

    A letter the outbox gave up on goes into the case's trail; a delivered answer ticks the lines it does (the
    copy delivered); an extension notice that never arrived in time does not count (Art. 12(3)), so the stored
    deadline goes back, and forward again once a retry delivers it in time. One case at a time, each under its
    lock (services.lock_case), its time taken once the lock is held; a colleague saving the case at that moment
    only makes it try again.
    """
    if not message_ids:
        return
    letter_ids = db.session.scalars(select(Letter.id).where(Letter.outbox_message_id.in_(message_ids))).all()
    for letter_id in letter_ids:
        for attempt in (1, 2):
            try:
                letter = db.session.get(Letter, letter_id, populate_existing=True)
                with locked(letter.case):  # the rules of closing, on the decisions as committed
                    _sync_letter(letter, now or moment()[1])
                    commit()
                break
            except StaleCaseError:
                if attempt == 2:
                    raise
                db.session.expire_all()  # commit() rolled back: read the colleague's change, then redo


def _sync_letter(letter: Letter, now) -> None:
    case = letter.case
    if letter.failed:
        audit(case, None, "letter_failed", detail=f"{letter.kind} | {letter.delivery}",
              after=letter.outbox_message.last_error, at=now)
    elif letter.kind == "answer" and letter.delivered and case.is_open:
        _tick_done_by_answer(case, letter, actor=letter.created_by, today=letter.sent_on, now=now)
        closing.close_if_due(case, now=now)
    sync_deadline(case, None, now=now)


def sync_deadline(case: Case, actor: User | None, *, now) -> None:
    """Store the deadline that now counts, audited: the extension comes into force once the notice is told in
    time (an email accepted, a registered letter received by the presumption or the receipt), or falls away."""
    deadline = case.current_deadline()
    if deadline != case.deadline:
        before, case.deadline = case.deadline, deadline
        audit(case, actor, "extension_in_force" if case.extension_effective else "extension_not_in_force",
              before=before.isoformat(), after=deadline.isoformat(), at=now)
