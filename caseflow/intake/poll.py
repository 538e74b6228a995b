"""Polling the info@ mailbox over IMAP (stdlib imaplib): new messages into the triage inbox, each exactly once.

Caseflow never changes the mailbox: the folder is selected read-only and bodies are read with BODY.PEEK, so
nothing is deleted, moved or marked as read. Where the poll stands is kept per folder (UIDVALIDITY and the last
UID taken in) and committed with each message, so a restart or a dropped connection goes on where it stopped;
a second process, or a mailbox whose UIDVALIDITY changed (everything gets new UIDs), is caught by the
Message-ID, which is unique in intake_message.
"""
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select, update

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import service as services
from caseflow.intake.models import IntakeCursor

log = logging.getLogger(__name__)

# Why a poll could not run, in the reader's language on the admin jobs page (the detail is kept beside it).
PROBLEMS = {
    "unreachable": _l("The mail server cannot be reached; Caseflow tries again at the next run."),
    "login": _l("The mail server refused the user name or password (CASEFLOW_IMAP_USERNAME, "
                "CASEFLOW_IMAP_PASSWORD); Caseflow tries again at the next run."),
    "folder": _l("The mail folder (CASEFLOW_IMAP_FOLDER) does not exist on the mail server."),
    "interrupted": _l("The connection to the mail server broke off; what was fetched is kept and the rest follows "
                      "at the next run."),
}


class PollError(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass
class PollReport:
    fetched: list[int] = field(default_factory=list)  # intake_message ids taken in now
    attached: int = 0  # of those, attached to a case by their reference
    quarantined: int = 0  # of those, kept in quarantine: they could not be read in full
    duplicates: int = 0  # already known by Message-ID (a second process, a new UIDVALIDITY)
    problem: str | None = None
    detail: str | None = None


def connect(config) -> imaplib.IMAP4:
    """Log in to the configured server; PollError (unreachable, login) instead of a stack trace."""
    host, timeout = config["IMAP_HOST"], int(config["IMAP_TIMEOUT"])
    port = int(config["IMAP_PORT"] or (993 if config["IMAP_USE_SSL"] else 143))
    try:
        if config["IMAP_USE_SSL"]:
            conn = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)
        else:
            conn = imaplib.IMAP4(host, port, timeout=timeout)
            if config["IMAP_STARTTLS"]:
                conn.starttls(ssl_context=ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        raise PollError("unreachable", f"{host}:{port}: {error}") from None
    try:
        conn.login(config["IMAP_USERNAME"] or "", config["IMAP_PASSWORD"] or "")
    except imaplib.IMAP4.error as error:
        _close(conn)
        raise PollError("login", _text(error)) from None
    return conn


def _text(error) -> str:
    text = str(error)
    return text[2:-1] if text.startswith(("b'", 'b"')) else text


def _close(conn) -> None:
    try:
        conn.logout()
    except Exception:
        pass


def poll(config, *, now: datetime | None = None, limit: int | None = None) -> PollReport:
    """Take in every message not yet seen; errors are reported, never raised."""
    report = PollReport()
    folder = config["IMAP_FOLDER"] or "INBOX"
    conn = None
    try:
        conn = connect(config)
        typ, data = conn.select(_quoted(folder), readonly=True)
        if typ != "OK":
            raise PollError("folder", f"{folder}: {_text(data[0] if data else '')}")
        uidvalidity = int(conn.response("UIDVALIDITY")[1][0])
        cursor = _cursor(folder, uidvalidity)
        since = (now or clock.now()).date() - timedelta(days=int(config["IMAP_FIRST_SCAN_DAYS"]))
        max_bytes = int(config["INTAKE_MAX_MESSAGE_MB"]) * 1024 * 1024
        for uid in _new_uids(conn, cursor.last_uid, since):
            _take(conn, folder, uidvalidity, uid, report, now, max_bytes)
            if limit is not None and len(report.fetched) + report.duplicates >= limit:
                break
    except PollError as error:
        report.problem, report.detail = error.code, error.detail
    except (OSError, imaplib.IMAP4.abort, imaplib.IMAP4.error, EOFError) as error:
        db.session.rollback()
        report.problem, report.detail = "interrupted", f"{type(error).__name__}: {_text(error)}"
    finally:
        if conn is not None:
            _close(conn)
    if report.problem:
        log.warning("intake: %s (%s)", report.problem, report.detail)
    return report


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cursor(folder: str, uidvalidity: int) -> IntakeCursor:
    """Where the poll of this folder stands; a new UIDVALIDITY starts it over (duplicates caught by Message-ID)."""
    cursor = db.session.scalar(select(IntakeCursor).where(IntakeCursor.folder == folder))
    if cursor is None:
        cursor = IntakeCursor(folder=folder, uidvalidity=uidvalidity, last_uid=0)
        db.session.add(cursor)
    elif cursor.uidvalidity != uidvalidity:
        log.warning("intake: UIDVALIDITY of %s changed (%s -> %s): scanning it again", folder, cursor.uidvalidity,
                    uidvalidity)
        cursor.uidvalidity, cursor.last_uid = uidvalidity, 0
    try:
        db.session.commit()
    except Exception:  # another process created it meanwhile
        db.session.rollback()
        cursor = db.session.scalar(select(IntakeCursor).where(IntakeCursor.folder == folder))
    return cursor


def _new_uids(conn, last_uid: int, since: date) -> list[int]:
    """UIDs after the last one taken in; on the first scan of a folder (or after a UIDVALIDITY change) only the
    mail of the last IMAP_FIRST_SCAN_DAYS days, not the mailbox's whole history."""
    if last_uid:
        typ, data = conn.uid("SEARCH", None, f"UID {last_uid + 1}:*")
    else:
        typ, data = conn.uid("SEARCH", None, "SINCE", since.strftime("%d-%b-%Y"))
    if typ != "OK":
        raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
    uids = sorted(int(u) for u in b" ".join(d for d in data if d).split())
    return [u for u in uids if u > last_uid]  # "n:*" also returns the last message when nothing is newer


def _fetch(conn, uid: int, item: str) -> bytes | None:
    typ, data = conn.uid("FETCH", str(uid), f"({item})")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid} failed: {data!r}")
    for part in data:
        if isinstance(part, tuple) and len(part) >= 2:
            return part[1]
    return None  # expunged meanwhile


def _size(conn, uid: int) -> int:
    typ, data = conn.uid("FETCH", str(uid), "(RFC822.SIZE)")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid} failed: {data!r}")
    m = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(d if isinstance(d, bytes) else d[0] for d in data if d))
    return int(m.group(1)) if m else 0


def _take(conn, folder: str, uidvalidity: int, uid: int, report: PollReport, now, max_bytes: int) -> None:
    """One message: skipped when its Message-ID is known, else fetched and kept; the cursor moves with it.

    Each message has its own error boundary: whatever fails while it is read or kept puts it in quarantine with
    its raw bytes, and the poll goes on with the next one. A message larger than the limit is not fetched: its
    headers are kept, in quarantine. Only trouble with the connection or the database stops the run."""
    header = _fetch(conn, uid, "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]") or b""
    m = re.search(rb"<[^<>\s]+>", header)
    if m and services.known(m.group(0).decode("ascii", "replace")) is not None:
        report.duplicates += 1
    else:
        size = _size(conn, uid)
        oversize = size if size > max_bytes else None
        raw = _fetch(conn, uid, "BODY.PEEK[HEADER]" if oversize else "BODY.PEEK[]")
        if raw is not None:
            where = dict(source="imap", folder=folder, uidvalidity=uidvalidity, uid=uid, now=now, commit_now=False)
            try:
                message, created = services.take_in(raw, oversize=oversize, **where)
            except Exception as error:  # noqa: BLE001 - one message never stops the intake
                db.session.rollback()
                log.warning("intake: %s uid %s quarantined: %s: %s", folder, uid, type(error).__name__, error)
                message, created = services.quarantine(raw, error=error, **where)
            if created:
                report.fetched.append(message.id)
                report.attached += message.status == "attached"
                report.quarantined += message.quarantined
            else:
                report.duplicates += 1
    db.session.execute(update(IntakeCursor).where(IntakeCursor.folder == folder, IntakeCursor.uidvalidity == uidvalidity,
                                                  IntakeCursor.last_uid < uid).values(last_uid=uid))
    db.session.commit()


def run_job(today: date, now: datetime):
    """The scheduler's intake job (jobs.JOBS): (status, count, counts for describe())."""
    config = current_app.config
    if not config.get("IMAP_HOST"):
        return "skipped", 0, {"reason": "not_configured"}
    report = poll(config, now=now)
    counts = {"fetched": len(report.fetched), "attached": report.attached, "quarantined": report.quarantined,
              "duplicates": report.duplicates}
    if report.problem:
        counts.update(problem=report.problem, detail=report.detail)
        return "failed", len(report.fetched), counts
    return "done", len(report.fetched), counts


def describe(counts: dict) -> list[str]:
    """The parts of a run's summary, in the current language (jobs.describe)."""
    parts = []
    if counts.get("reason") == "not_configured":
        parts.append(str(_l("no mailbox configured (CASEFLOW_IMAP_HOST)")))
        return parts
    if counts.get("problem") in PROBLEMS:
        parts.append(str(PROBLEMS[counts["problem"]]))
    parts.append(ngettext("%(num)d new email", "%(num)d new emails", counts.get("fetched", 0)))
    if counts.get("attached"):
        parts.append(ngettext("%(num)d added to its case", "%(num)d added to their cases", counts["attached"]))
    if counts.get("quarantined"):
        parts.append(ngettext("%(num)d kept in quarantine (could not be read in full)",
                              "%(num)d kept in quarantine (could not be read in full)", counts["quarantined"]))
    return parts
