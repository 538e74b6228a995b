"""An email (RFC 5322 bytes) read into what a case needs: who, when it arrived, what it asks, what it carries.

Stdlib `email` with policy.default; HTML is turned into text, never rendered. Pure: no Flask, no database
(a case reference in In-Reply-To/References is looked up through the `lookup` callable given by the caller).
Whatever could be read is returned, also when the message cannot become a case by itself (`valid` False).
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.errors import CloseBoundaryNotFoundDefect, StartBoundaryNotFoundDefect
from email.utils import getaddresses, parsedate_to_datetime
from typing import Callable

from caseflow.clock import BRUSSELS
from caseflow.intake.forward import find_forwarded
from caseflow.intake.suggest import suggest_rights
from caseflow.intake.text import detect_language, html_to_text, own_words, unflow

REFERENCE = re.compile(r"\bDSR-(\d{4})-(\d{4,})\b", re.IGNORECASE)
COLLEAGUE_DOMAINS = ("labelstudio.be",)

# Why a message cannot become a case without a person looking at it (the UI words these in Dutch).
ERRORS = {
    "unreadable": "not an email: no headers could be read",
    "no_sender": "no sender: the message has no From address",
    "truncated": "truncated: the multipart message ends before its closing boundary; parts may be missing",
    "no_date": "no date: neither a Received nor a Date header could be read",
}


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
            "warnings": self.warnings,
        }


def parse_bytes(raw: bytes, file: str | None = None, *, lookup: Callable[[list[str]], str | None] | None = None,
                colleague_domains=COLLEAGUE_DOMAINS) -> Parsed:
    """Read one message. `lookup(message_ids)` returns the reference of the case whose letter had one of them."""
    result = Parsed(file=file)
    msg = message_from_bytes(raw or b"", policy=policy.default)
    if not raw or not raw.strip() or not list(msg.keys()):
        result.error = "unreadable"
        return result
    result.subject = _header(msg, "Subject")
    result.message_id = _msgid(_header(msg, "Message-ID"))
    result.in_reply_to = _msgid(_header(msg, "In-Reply-To"))
    result.references = re.findall(r"<[^<>\s]+>", _header(msg, "References"))
    result.from_name, result.from_email = _sender(msg)
    result.received_at, result.date_source = _arrival(msg)
    result.automated = _automated(msg)
    truncated = _truncated(msg)
    body, result.attachments = _body_and_attachments(msg, result.warnings)
    result.text = body
    own = own_words(body)

    if result.from_email and result.from_email.rsplit("@", 1)[-1] in colleague_domains:
        _take_forwarded(result, msg, body)
        if result.forwarded_by:
            own = own_words(result.text)

    result.language = detect_language(f"{result.subject}\n{own or result.text}")
    if not result.automated:
        result.rights = suggest_rights(_strip_reply_prefix(result.subject), own)
    result.reference = _reference(result, lookup)

    if truncated:
        result.error = "truncated"
    elif not result.from_email:
        result.error = "no_sender"
    elif result.received_at is None:
        result.error = "no_date"
    if not result.text.strip():
        result.warnings.append("no text")
    result.valid = result.error is None
    return result


def _header(msg, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # an undecodable header: keep the raw text
        value = msg.get_all(name, failobj=[""])[0] if hasattr(msg, "get_all") else ""
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _msgid(value: str) -> str | None:
    m = re.search(r"<[^<>\s]+>", value or "")
    return m.group(0) if m else (value.strip() or None)


def _sender(msg) -> tuple[str | None, str | None]:
    value = _header(msg, "From") or _header(msg, "Sender")
    pairs = [(n, a) for n, a in getaddresses([value]) if "@" in a] if value else []
    if not pairs:
        return None, None
    name, address = pairs[0]
    return _natural_order(name.strip()) or None, address.strip().lower()


def _natural_order(name: str) -> str:
    """Outlook's 'Claes, Jan' as people write it: 'Jan Claes'."""
    m = re.fullmatch(r"([^,@]+),\s*([^,@]+)", name)
    return f"{m.group(2).strip()} {m.group(1).strip()}" if m else name


def _arrival(msg) -> tuple[datetime | None, str | None]:
    """The topmost Received header's time (when our server got it), else the Date header."""
    for received in msg.get_all("Received", failobj=[])[:1]:
        stamp = str(received).rsplit(";", 1)[-1].strip() if ";" in str(received) else ""
        when = _aware(stamp)
        if when:
            return when, "received"
    when = _aware(_header(msg, "Date"))
    return (when, "date") if when else (None, None)


def _aware(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(re.sub(r"\s*\([^)]*\)\s*$", "", text))
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=BRUSSELS) if when.tzinfo is None else when


def _automated(msg) -> bool:
    precedence = _header(msg, "Precedence").lower()
    auto = _header(msg, "Auto-Submitted").lower()
    return bool(msg.get("List-Unsubscribe") or msg.get("List-Id") or precedence in ("bulk", "list", "junk")
                or (auto and auto != "no"))


def _truncated(msg) -> bool:
    return any(isinstance(d, (CloseBoundaryNotFoundDefect, StartBoundaryNotFoundDefect))
               for part in msg.walk() for d in part.defects)


def _is_attachment(part) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def _body_and_attachments(msg, warnings: list[str]) -> tuple[str, list[Attachment]]:
    plain, html, found = [], [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822" or _is_attachment(part):
            data = _payload(part)
            name = part.get_filename() or _default_name(part, len(found) + 1)
            found.append(Attachment(name=name, content_type=part.get_content_type(), data=data))
            continue
        if part.get_content_type() == "text/plain":
            plain.append(_text_of(part, warnings))
        elif part.get_content_type() == "text/html":
            html.append(html_to_text(_text_of(part, warnings)))
    body = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(t for t in html if t.strip())
    return body.replace("\r\n", "\n").strip(), found


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
    text = text.replace("\r\n", "\n")
    params = {k.lower(): (v or "").lower() for k, v in part.get_params(failobj=[])[1:]}
    if params.get("format") == "flowed":
        text = unflow(text, delsp=params.get("delsp") == "yes")
    return text


def _take_forwarded(result: Parsed, msg, body: str) -> None:
    """A colleague forwarded it: the original sender and the day it reached the colleague count."""
    forwarded = find_forwarded(body)
    if forwarded is not None and forwarded.from_email:
        result.forwarded_by = result.from_email
        result.from_name, result.from_email = forwarded.from_name, forwarded.from_email
        if forwarded.date is not None:
            when = forwarded.date
            result.received_at = when.replace(tzinfo=BRUSSELS) if when.tzinfo is None else when
            result.date_source = "forwarded"
        else:
            result.warnings.append("forwarded block without a readable date: the forward's own date is used")
        result.subject = forwarded.subject or result.subject
        result.text = forwarded.body or body
        return
    inner = next((a for a in result.attachments if a.content_type == "message/rfc822"), None)
    if inner is not None:  # forwarded as an attachment
        original = message_from_bytes(inner.data, policy=policy.default)
        name, address = _sender(original)
        if address:
            result.forwarded_by = result.from_email
            result.from_name, result.from_email = name, address
            when = _aware(_header(original, "Date"))
            if when:
                result.received_at, result.date_source = when, "forwarded"
            result.subject = _header(original, "Subject") or result.subject
            text, _ = _body_and_attachments(original, result.warnings)
            result.text = text or body


def _strip_reply_prefix(subject: str) -> str:
    return re.sub(r"^(?:\s*(?:re|fw|fwd|tr|antw|doorst|wg)\s*:\s*)+", "", subject or "", flags=re.IGNORECASE)


def _reference(result: Parsed, lookup) -> str | None:
    """DSR-YYYY-NNNN in the subject or the sender's own words, or the case of a letter this replies to."""
    for text in (result.subject, own_words(result.text), result.text):
        m = REFERENCE.search(text or "")
        if m:
            return f"DSR-{m.group(1)}-{m.group(2)}"
    ids = [i for i in [result.in_reply_to, *reversed(result.references)] if i]
    if ids and lookup is not None:
        return lookup(ids)
    return None


def parse_file(path: str, **kwargs) -> Parsed:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as error:
        result = Parsed(file=path, error="unreadable")
        result.warnings.append(str(error))
        return result
    return parse_bytes(raw, file=path, **kwargs)
