"""An email (RFC 5322 bytes) read into what a case needs: who, when it arrived, what it asks, what it carries.

Stdlib `email` with policy.default; HTML is turned into text (by a linear parser), never rendered. Pure: no Flask,
no database (a case reference in In-Reply-To/References is looked up through the `lookup` callable given by the
caller). Every message is hostile until shown otherwise: the work per message is bounded (`Limits`), header values
are cleaned of control characters once, here, and nothing a message holds makes this raise. Whatever could be read
is returned, also when the message cannot become a case by itself (`valid` False); a message that could not be read
in full has an `error` of QUARANTINE and is kept for a person to look at.
"""
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.errors import CloseBoundaryNotFoundDefect, StartBoundaryNotFoundDefect
from email.parser import BytesHeaderParser
from typing import Callable

from caseflow.clock import BRUSSELS
from caseflow.intake.authentication import sender_authenticated
from caseflow.intake.forward import find_forwarded
from caseflow.intake.headers import (
    arrival,
    automated,
    aware,
    clean,
    header,
    msgid,
    raw_all,
    sender,
)
from caseflow.intake.suggest import find_reference, strip_reply_prefix, suggest_rights
from caseflow.intake.text import detect_language, html_to_text, own_words, unflow

COLLEAGUE_DOMAINS = ("labelstudio.be",)

# Why a message cannot become a case without a person looking at it (the UI words these in Dutch).
ERRORS = {
    "unreadable": "not an email: no headers could be read",
    "no_sender": "no sender: the message has no From address",
    "truncated": "truncated: the multipart message ends before its closing boundary; parts may be missing",
    "no_date": "no date: neither a Received nor a Date header could be read",
    "too_large": "too large: only its headers were read",
    "too_complex": "too complex: more MIME parts, or deeper nesting, than Caseflow reads",
    "unparseable": "unreadable: its structure or encoding could not be read",
    "timeout": "reading it took longer than Caseflow allows for one email",
    "intake_failed": "could not be taken in as read: kept as it came",
}
# Errors that put a message in quarantine: kept with its raw bytes, shown as text, for a person to decide.
QUARANTINE = ("unreadable", "too_large", "too_complex", "unparseable", "timeout", "intake_failed")


@dataclass(frozen=True)
class Limits:
    """How much of one message is read (settings CASEFLOW_INTAKE_MAX_*; see config.py)."""

    max_bytes: int = 25 * 1024 * 1024  # larger: only the headers are read
    max_depth: int = 20  # MIME nesting (multiparts, attached messages)
    max_parts: int = 200
    max_attachments: int = 50  # kept; further ones are listed in the warnings, not stored
    max_text_chars: int = 200_000  # of the text kept
    max_seconds: float = 20.0  # wall-clock time for one message

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(max_bytes=int(config["INTAKE_MAX_MESSAGE_MB"]) * 1024 * 1024,
                   max_depth=int(config["INTAKE_MAX_DEPTH"]), max_parts=int(config["INTAKE_MAX_PARTS"]),
                   max_attachments=int(config["INTAKE_MAX_ATTACHMENTS"]),
                   max_text_chars=int(config["INTAKE_MAX_TEXT_CHARS"]),
                   max_seconds=float(config["INTAKE_MAX_SECONDS"]))


class _Stop(Exception):
    """Reading stops here: the message goes to quarantine with this error code."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code, self.detail = code, detail


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Parsed:
    file: str | None = None
    valid: bool = False
    error: str | None = None  # a key of ERRORS
    from_name: str | None = None
    from_email: str | None = None
    received_at: datetime | None = None  # aware
    date_source: str | None = None  # received, date, forwarded
    subject: str = ""
    language: str | None = None
    rights: list[str] = field(default_factory=list)
    reference: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    text: str = ""
    forwarded_by: str | None = None  # the colleague's address, for a forwarded message
    automated: bool = False  # a newsletter, an auto-reply: rights are not suggested
    warnings: list[str] = field(default_factory=list)
    sender_authenticated: bool = False  # the message's own From, by a trusted Authentication-Results header
    forward_claimed_at: datetime | None = None  # an unauthenticated forward's claimed date, not believed
    detail: str | None = None  # what stopped the reading, for a quarantined message

    @property
    def requester_authenticated(self) -> bool:
        """The requester's address is proven: the message itself, not a colleague's forward of it, authenticated."""
        return self.sender_authenticated and not self.forwarded_by

    @property
    def quarantined(self) -> bool:
        return self.error in QUARANTINE

    @property
    def received_date(self) -> date | None:
        return self.received_at.astimezone(BRUSSELS).date() if self.received_at else None

    @property
    def error_text(self) -> str | None:
        return ERRORS.get(self.error) if self.error else None

    def as_json(self) -> dict:
        """What `flask intake parse` prints for one file."""
        return {
            "file": self.file, "valid": self.valid, "error": self.error_text, "error_code": self.error,
            "from_name": self.from_name, "from_email": self.from_email,
            "received_date": self.received_date.isoformat() if self.received_date else None,
            "date_source": self.date_source, "subject": self.subject, "language": self.language,
            "rights": self.rights, "reference": self.reference,
            "attachments": [a.name for a in self.attachments], "message_id": self.message_id,
            "forwarded_by": self.forwarded_by, "automated": self.automated, "text_chars": len(self.text),
            "warnings": self.warnings, "sender_authenticated": self.sender_authenticated,
            "forward_claimed_date": (self.forward_claimed_at.astimezone(BRUSSELS).date().isoformat()
                                     if self.forward_claimed_at else None),
            "quarantined": self.quarantined, "detail": self.detail,
        }


def parse_bytes(raw: bytes, file: str | None = None, *, lookup: Callable[[list[str]], str | None] | None = None,
                colleague_domains=COLLEAGUE_DOMAINS, trusted_authserv_ids=(), limits: Limits = Limits()) -> Parsed:
    """Read one message; never raises. `lookup(message_ids)` returns the reference of the case whose letter had
    one of them. `trusted_authserv_ids`: the receiving servers whose Authentication-Results are believed."""
    result = Parsed(file=file)
    try:
        _read(result, raw or b"", lookup, tuple(colleague_domains), tuple(trusted_authserv_ids), limits)
    except _Stop as stop:
        result.error, result.detail = stop.code, stop.detail or None
    except Exception as error:  # noqa: BLE001 - any fault in a hostile message: quarantine, never a crash
        result.error, result.detail = "unparseable", clean(f"{type(error).__name__}: {error}", 500)
    result.valid = result.error is None
    return result


def _read(result: Parsed, raw: bytes, lookup, colleague_domains, trusted_ids, limits: Limits) -> None:
    deadline = time.monotonic() + limits.max_seconds
    head = raw[:1024 * 1024]  # the headers are in here; never a copy of the whole message
    headers = BytesHeaderParser(policy=policy.default).parsebytes(head) if head.strip() else None
    if headers is None or not list(headers.keys()):
        raise _Stop("unreadable")
    _read_headers(result, headers, colleague_domains, trusted_ids)
    if len(raw) > limits.max_bytes:
        raise _Stop("too_large", f"{len(raw):,} bytes; at most {limits.max_bytes:,} are read")
    # Counted in the bytes before the email library builds its tree (which recurses once per nesting level):
    # multipart and message/rfc822 headers, and boundary lines.
    containers = len(re.findall(rb"(?i)boundary\s*=", raw)) + len(re.findall(rb"(?i)message/rfc822", raw))
    delimiters = raw.count(b"\n--")
    if containers > limits.max_parts or delimiters > 2 * limits.max_parts + 10:
        raise _Stop("too_complex", f"about {max(containers, delimiters):,} parts; at most {limits.max_parts} "
                                   "are read")
    msg = message_from_bytes(raw, policy=policy.default)
    parts = _parts(msg, limits)
    _check_time(deadline)
    truncated = _truncated(parts)
    body, result.attachments = _body_and_attachments(parts, result.warnings, limits, deadline)
    result.text = body
    own = own_words(body)

    if result.from_email and result.from_email.rsplit("@", 1)[-1] in colleague_domains:
        _take_forwarded(result, msg, body, limits, deadline)
        if result.forwarded_by:
            own = own_words(result.text)
    _check_time(deadline)
    if len(result.text) > limits.max_text_chars:
        result.text = result.text[:limits.max_text_chars]
        result.warnings.append("text_cut")
    result.language = detect_language(f"{result.subject}\n{own or result.text}"[:20_000])
    if not result.automated:
        result.rights = suggest_rights(strip_reply_prefix(result.subject), own[:20_000])
    result.reference = find_reference(result.subject, own, result.text,
                                      [result.in_reply_to, *reversed(result.references)], lookup)

    if truncated:
        result.error = "truncated"
    elif not result.from_email:
        result.error = "no_sender"
    elif result.received_at is None:
        result.error = "no_date"
    if not result.text.strip():
        result.warnings.append("no text")


def _read_headers(result: Parsed, msg, colleague_domains, trusted_ids) -> None:
    """What the headers say; enough for a quarantined message's row in the inbox."""
    result.subject = header(msg, "Subject")
    result.message_id = msgid(header(msg, "Message-ID"))
    result.in_reply_to = msgid(header(msg, "In-Reply-To"))
    result.references = re.findall(r"<[^<>\s]+>", header(msg, "References", limit=20_000))[:100]
    result.from_name, result.from_email = sender(msg)
    result.received_at, result.date_source = arrival(msg)
    result.automated = automated(msg)
    domain = result.from_email.rsplit("@", 1)[-1] if result.from_email else None
    result.sender_authenticated = sender_authenticated(raw_all(msg, "Authentication-Results"), domain, trusted_ids)


def _check_time(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _Stop("timeout")


def _parts(msg, limits: Limits) -> list:
    """Every part, depth-first in order, without recursion; too deep or too many: quarantine."""
    found, stack = [], [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > limits.max_depth:
            raise _Stop("too_complex", f"nested more than {limits.max_depth} deep")
        found.append(part)
        if len(found) > limits.max_parts:
            raise _Stop("too_complex", f"more than {limits.max_parts} parts")
        if part.is_multipart():
            children = part.get_payload()
            stack.extend((child, depth + 1) for child in reversed(children if isinstance(children, list) else []))
    return found


def _truncated(parts: list) -> bool:
    return any(isinstance(d, (CloseBoundaryNotFoundDefect, StartBoundaryNotFoundDefect))
               for part in parts for d in part.defects)


def _is_attachment(part) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def _body_and_attachments(parts: list, warnings: list[str], limits: Limits,
                          deadline: float) -> tuple[str, list[Attachment]]:
    plain, html, found = [], [], []
    for part in parts:
        _check_time(deadline)
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822" or _is_attachment(part):
            if len(found) >= limits.max_attachments:
                if "attachments_dropped" not in warnings:
                    warnings.append("attachments_dropped")
                continue
            data = _payload(part)
            name = _filename(part) or _default_name(part, len(found) + 1)
            found.append(Attachment(name=name, content_type=clean(part.get_content_type(), 100), data=data))
            continue
        if part.get_content_type() == "text/plain":
            plain.append(_text_of(part, warnings))
        elif part.get_content_type() == "text/html":
            html.append(html_to_text(_text_of(part, warnings)))
    body = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(t for t in html if t.strip())
    return body.replace("\r\n", "\n").strip(), found


def _filename(part) -> str:
    """The sender's file name, made safe to show and to offer as a download name: no control characters (a CR/LF
    in an RFC 2231 name made the download fail), no folders."""
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 - an unreadable name: a default one is given
        return ""
    return clean(name.replace("/", "_").replace("\\", "_"), 200).strip(". ")


def _payload(part) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        return inner.as_bytes(policy=policy.default) if hasattr(inner, "as_bytes") else b""
    try:
        return part.get_payload(decode=True) or b""
    except Exception:
        return b""


def _default_name(part, index: int) -> str:
    extension = {"message/rfc822": "eml", "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
                 "image/gif": "gif"}.get(part.get_content_type(), "bin")
    return f"bijlage-{index}.{extension}"


def _text_of(part, warnings: list[str]) -> str:
    """Decode a text part's bytes: its charset (iso-8859-1 read as windows-1252, as Windows writes it), else
    UTF-8, else windows-1252; format=flowed joined."""
    data = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "").lower()
    if charset in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", ""):
        candidates = ["utf-8", "windows-1252"] if charset in ("us-ascii", "ascii", "") else ["windows-1252"]
    else:
        candidates = [charset, "utf-8", "windows-1252"]
    text = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    if text is None:
        text = data.decode("utf-8", errors="replace")
        warnings.append("undecodable characters replaced")
    text = text.replace("\r\n", "\n").replace("\x00", "")
    params = {k.lower(): (v or "").lower() for k, v in part.get_params(failobj=[])[1:]}
    if params.get("format") == "flowed":
        text = unflow(text, delsp=params.get("delsp") == "yes")
    return text


def _take_forwarded(result: Parsed, msg, body: str, limits: Limits, deadline: float) -> None:
    """A colleague forwarded it: the original sender is suggested as the requester. The day it reached the
    colleague counts only when the colleague's own message is authenticated; otherwise anyone could have written
    the "original message" block, so the day this email reached the mailbox counts and the claimed day is kept
    apart (`forward_claimed_at`, warning "unauthenticated_forward")."""
    forwarded = find_forwarded(body)
    if forwarded is not None and forwarded.from_email:
        result.forwarded_by = result.from_email
        result.from_name, result.from_email = clean(forwarded.from_name, 200) or None, clean(forwarded.from_email, 254)
        if forwarded.date is not None:
            when = forwarded.date
            _claim_date(result, when.replace(tzinfo=BRUSSELS) if when.tzinfo is None else when)
        else:
            result.warnings.append("forwarded block without a readable date: the forward's own date is used")
        result.subject = clean(forwarded.subject) or result.subject
        result.text = forwarded.body or body
        return
    inner = next((a for a in result.attachments if a.content_type == "message/rfc822"), None)
    if inner is not None:  # forwarded as an attachment
        original = message_from_bytes(inner.data, policy=policy.default)
        name, address = sender(original)
        if address:
            result.forwarded_by = result.from_email
            result.from_name, result.from_email = name, address
            when = aware(header(original, "Date"))
            if when:
                _claim_date(result, when)
            result.subject = header(original, "Subject") or result.subject
            text, _ = _body_and_attachments(_parts(original, limits), result.warnings, limits, deadline)
            result.text = text or body


def _claim_date(result: Parsed, when: datetime) -> None:
    if result.sender_authenticated:
        result.received_at, result.date_source = when, "forwarded"
    else:
        result.forward_claimed_at = when
        result.warnings.append("unauthenticated_forward")


def parse_file(path: str, **kwargs) -> Parsed:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as error:
        result = Parsed(file=path, error="unreadable")
        result.warnings.append(str(error))
        return result
    return parse_bytes(raw, file=path, **kwargs)
