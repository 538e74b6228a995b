"""Outgoing email: an outbox table written with the change that caused it, delivered over SMTP by the mail job.

Each message has a stable Message-ID and its attempt is committed before the SMTP conversation starts,
so a crash between sending and marking never leads to an automatic second send. Without
MAIL_SERVER the messages are written as .eml files under instance/mail/.
"""
import logging
import os
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from caseflow import clock
from caseflow.clock import as_utc
from caseflow.extensions import db
from caseflow.mail.models import OutboxMessage

log = logging.getLogger(__name__)

STATUSES = {
    "pending": _l("Waiting"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


def N_(text: str) -> str:
    """Mark a text for the catalog but keep it as it is: stored in English, translated when shown."""
    return text


# Caseflow's own texts in last_error. Stored in English, the same whoever is logged in; a stored text may
# go on with ": <technical detail>". Anything else there is an SMTP server's or the OS's own words.
INTERRUPTED = N_("Interrupted while sending: it may have been delivered. Retry only if it did not arrive.")
NOT_BUILT = N_("Not sent: the message could not be built")
OWN_ERRORS = (INTERRUPTED, NOT_BUILT)


def error_text(last_error: str | None) -> str:
    """A message's last_error in the reader's language, as far as Caseflow wrote it."""
    for own in OWN_ERRORS:
        if last_error == own or (last_error or "").startswith(own + ": "):
            return gettext(own) + last_error[len(own):]
    return last_error or ""


def render(template: str, locale: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of templates/mail/<template>.txt/.html in the recipient's language."""
    with force_locale(locale or "nl"):
        return (render_template(f"mail/{template}.txt", **context),
                render_template(f"mail/{template}.html", **context))


def enqueue(*, recipient: str, subject: str, text: str, html: str | None = None, kind: str,
            key: str | None = None, user=None, locale: str = "nl", now: datetime | None = None) -> OutboxMessage:
    """Put a message in the outbox; the caller's commit makes it (and the change that caused it) real."""
    now = as_utc(now or clock.now())
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "caseflow.invalid"
    message = OutboxMessage(
        key=key, message_id=f"<{uuid.uuid4().hex}@{domain}>", kind=kind, recipient=recipient, user=user,
        subject=subject, body_text=text, body_html=html, locale=locale, status="pending",
        attempts=0, next_attempt_at=now, created_at=now,
    )
    db.session.add(message)
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The same bytes on every attempt: headers come from the stored row only."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = current_app.config["LETTERS_SENDER"] if message.kind == "letter" else sender
    email["To"] = message.recipient
    email["Date"] = format_datetime(as_utc(message.created_at).astimezone(clock.BRUSSELS))
    email["Message-ID"] = message.message_id
    if message.kind == "letter":  # a letter to a requester: answers go to the shop's mailbox
        email["Reply-To"] = current_app.config["LETTERS_REPLY_TO"]
    else:
        email["Auto-Submitted"] = "auto-generated"
    # quoted-printable: 7-bit safe for a relay without 8BITMIME, and still readable in the raw message
    email.set_content(message.body_text, cte="quoted-printable")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    if message.attachment_path:
        with open(os.path.join(current_app.instance_path, message.attachment_path), "rb") as fh:
            email.add_attachment(fh.read(), maintype="application", subtype="zip", filename=message.attachment_name)
    email["Content-Language"] = message.locale  # after the parts: making them moves Content-* headers down
    return email


def backoff(attempts: int, config) -> timedelta:
    """Growing delay before the next attempt: base, 2x base, 4x base... capped."""
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _reply_text(reply) -> str:
    """An SMTP server's reply as people read it: '550 5.1.1 mailbox unavailable', not "(550, b'5.1.1 ...')"."""
    code, text = reply
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"


def smtp_error_text(error: Exception) -> str:
    """What went wrong in one readable line: the server's own words where it gave any."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt}: {_reply_text(reply)}" for rcpt, reply in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply_text((error.smtp_code, error.smtp_error))
    return f"{type(error).__name__}: {error}"


class PermanentError(Exception):
    """The server refused the message for good (5xx): retrying will not help."""


class SMTPTransport:
    """One SMTP connection for a delivery run, opened on first use."""

    def __init__(self, config):
        self.config = config
        self.smtp = None
        self.connect_error = None

    def _connect(self):
        cfg = self.config
        use_ssl, use_tls = cfg["MAIL_USE_SSL"], cfg["MAIL_USE_TLS"]
        port = cfg["MAIL_PORT"] or (465 if use_ssl else 587 if use_tls else 25)
        timeout = cfg["MAIL_TIMEOUT"]
        if use_ssl:
            smtp = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(cfg["MAIL_SERVER"], port, timeout=timeout)
            if use_tls:
                smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        return smtp

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        if self.connect_error is not None:  # the server was unreachable a moment ago: don't wait for it again
            raise self.connect_error
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except OSError as error:  # refused, timed out, TLS or login failed (SMTPException is an OSError)
                self.connect_error = error
                raise
        try:
            self.smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            if all(code >= 500 for code, _ in error.recipients.values()):
                raise PermanentError(smtp_error_text(error)) from error
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise PermanentError(smtp_error_text(error)) from error
            raise
        except OSError:  # includes SMTPServerDisconnected: start afresh next time
            self.close()
            raise

    def close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except OSError:
                pass
            self.smtp = None


class FileTransport:
    """No mail server configured: write each message as instance/mail/<date>-<id>.eml."""

    def __init__(self, directory):
        self.directory = directory

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        os.makedirs(self.directory, exist_ok=True)
        name = f"{as_utc(message.created_at):%Y%m%d-%H%M%S}-{message.id}.eml"
        with open(os.path.join(self.directory, name), "wb") as fh:
            fh.write(email.as_bytes())

    def close(self):
        pass


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sent) + len(self.deferred) + len(self.failed)

    def __str__(self):
        return f"{len(self.sent)} sent, {len(self.deferred)} to retry, {len(self.failed)} failed"


def _claim(message_id: int, now: datetime) -> bool:
    """Record the attempt before making it: pending -> sending, attempts + 1, committed."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(status="sending", attempts=OutboxMessage.attempts + 1, last_attempt_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _give_up_interrupted(now: datetime, config) -> list[int]:
    """A message left 'sending' by a crash may have gone out: fail it for an admin to judge, never resend it.

    Returns the ids given up on (for the report: their cases must hear of it too).
    """
    stuck_before = now - timedelta(seconds=config["MAIL_STUCK_AFTER_SECONDS"])
    stuck = (OutboxMessage.status == "sending", OutboxMessage.last_attempt_at < stuck_before)
    ids = db.session.scalars(select(OutboxMessage.id).where(*stuck)).all()
    if ids:  # the status condition again: another process may have given up on some of them first
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), *stuck)
                           .values(status="failed", last_error=INTERRUPTED))
    db.session.commit()
    return list(ids)


def deliver_due(now: datetime | None = None, *, only_id: int | None = None) -> DeliveryReport:
    """The mail job: try every message whose time has come, once, and record how it went."""
    config = current_app.config
    now = as_utc(now or clock.now())
    given_up = _give_up_interrupted(now, config)
    query = select(OutboxMessage.id).where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    if only_id is not None:
        query = query.where(OutboxMessage.id == only_id)
    ids = db.session.scalars(query.order_by(OutboxMessage.id)).all()
    report = DeliveryReport(failed=given_up)
    if not ids:
        return report
    if config.get("MAIL_SERVER"):
        transport = SMTPTransport(config)
    else:
        transport = FileTransport(os.path.join(current_app.instance_path, "mail"))
    try:
        for message_id in ids:
            if not _claim(message_id, now):
                continue  # another process took it
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            try:
                email = build_email(message, config["MAIL_SENDER"])
            except Exception as error:  # e.g. its attachment file is gone: nothing was sent, retrying won't help
                log.exception("message %s could not be built", message_id)
                message.status = "failed"
                message.last_error = f"{NOT_BUILT}: {type(error).__name__}: {error}"
                report.failed.append(message_id)
                db.session.commit()
                continue
            try:
                transport.send(email, message)
            except PermanentError as error:
                message.status, message.last_error = "failed", str(error)
                report.failed.append(message_id)
            except OSError as error:
                message.last_error = smtp_error_text(error)
                if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                    message.status = "failed"
                    report.failed.append(message_id)
                else:
                    message.status = "pending"
                    message.next_attempt_at = now + backoff(message.attempts, config)
                    report.deferred.append(message_id)
            else:
                message.status, message.sent_at, message.last_error = "sent", now, None
                report.sent.append(message_id)
            db.session.commit()
    finally:
        transport.close()
    if report.failed or report.deferred:
        log.warning("mail delivery: %s", report)
    return report


def retry(message: OutboxMessage, now: datetime | None = None) -> OutboxMessage:
    """An admin's retry of a failed message: queue it now and try it at once (same Message-ID)."""
    now = as_utc(now or clock.now())
    if message.status != "failed":
        return message
    message.status, message.next_attempt_at = "pending", now
    db.session.commit()
    deliver_due(now, only_id=message.id)
    db.session.refresh(message)
    return message
