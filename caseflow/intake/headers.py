"""The headers of an email, read safely: decoded, cleaned of control characters once (a CR/LF hidden in an encoded
word never reaches a name, a subject, a log line or an outgoing header), and never raising on what a hostile
sender wrote. Pure, like parse.py."""
import re
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

from caseflow.clock import BRUSSELS

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")



def clean(value, limit: int = 1000) -> str:
    """A header value made safe once: no CR, LF or other control characters, whitespace collapsed, capped."""
    return re.sub(r"\s+", " ", CONTROL.sub(" ", str(value or ""))).strip()[:limit]


def header(msg, name: str, limit: int = 1000) -> str:
    """The header's decoded value, cleaned; a header the email library cannot read is decoded by hand."""
    try:
        value = str(msg.get(name) or "")
    except Exception:  # noqa: BLE001 - e.g. CR/LF hidden in an encoded word: read the raw text instead
        value = decoded(next(iter(raw_all(msg, name)), ""))
    return clean(value, limit)


def raw_all(msg, name: str) -> list[str]:
    """The raw (unparsed) values of every header of this name, in order."""
    return [str(value) for key, value in msg.raw_items() if key.lower() == name.lower()]


def decoded(raw: str) -> str:
    try:
        return str(make_header(decode_header(raw)))
    except Exception:  # noqa: BLE001 - an unknown charset or a broken encoded word: the raw text
        return raw


def msgid(value: str) -> str | None:
    m = re.search(r"<[^<>\s]+>", value or "")
    return m.group(0) if m else (value.strip() or None)


def sender(msg) -> tuple[str | None, str | None]:
    """The From (else Sender) address and name. A header the library refuses (a CR/LF hidden in an encoded name)
    is split into addresses before its names are decoded, so a name can never smuggle in another address."""
    for header in ("From", "Sender"):
        try:
            pairs = getaddresses([str(msg.get(header) or "")])
        except Exception:  # noqa: BLE001
            raw = CONTROL.sub(" ", next(iter(raw_all(msg, header)), "")).strip()
            bracketed = re.fullmatch(r"(.*)<([^<>\s]+@[^<>\s]+)>", raw)
            pairs = ([(decoded(bracketed.group(1)), bracketed.group(2))] if bracketed
                     else [(decoded(name), address) for name, address in getaddresses([raw])])
        pairs = [(n, a) for n, a in pairs if "@" in a]
        if pairs:
            name, address = pairs[0]
            return natural_order(clean(name, 200)) or None, clean(address, 254).replace(" ", "").lower() or None
    return None, None


def natural_order(name: str) -> str:
    """Outlook's 'Claes, Jan' as people write it: 'Jan Claes'."""
    m = re.fullmatch(r"([^,@]+),\s*([^,@]+)", name)
    return f"{m.group(2).strip()} {m.group(1).strip()}" if m else name


def arrival(msg) -> tuple[datetime | None, str | None]:
    """The topmost Received header's time (when our server got it), else the Date header."""
    for received in raw_all(msg, "Received")[:1]:
        stamp = str(received).rsplit(";", 1)[-1].strip() if ";" in str(received) else ""
        when = aware(stamp)
        if when:
            return when, "received"
    when = aware(header(msg, "Date"))
    return (when, "date") if when else (None, None)


def aware(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(re.sub(r"\s*\([^)]*\)\s*$", "", text))
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=BRUSSELS) if when.tzinfo is None else when


def automated(msg) -> bool:
    precedence = header(msg, "Precedence").lower()
    auto = header(msg, "Auto-Submitted").lower()
    return bool(msg.get("List-Unsubscribe") or msg.get("List-Id") or precedence in ("bulk", "list", "junk")
                or (auto and auto != "no"))
