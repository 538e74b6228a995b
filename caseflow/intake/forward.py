"""A message a colleague forwarded: the original sender and date from the forwarded block.

The shapes real mail programs write, in Dutch, French and English:
Outlook ("Van: / Verzonden:", "From: / Sent:", "De : / Envoyé :"), Gmail ("---------- Forwarded message ---------"),
Apple Mail ("Begin doorgestuurd bericht:", "Begin forwarded message:") and Thunderbird
("-------- Doorgestuurd bericht --------", "-------- Forwarded Message --------").
"""
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import getaddresses, parsedate_to_datetime

from caseflow.intake.text import fold

_MARKERS = re.compile(
    r"^\s*(?:-{3,}\s*(?:forwarded message|doorgestuurd bericht|message transfere|original message|"
    r"oorspronkelijk bericht|message d'origine)\s*-{3,}"
    r"|begin (?:doorgestuurd bericht|forwarded message)\s*:"
    r"|debut du message reexpedie\s*:"
    r"|_{10,})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_FIELD = re.compile(r"^\s*\**\s*(van|from|de|verzonden|sent|envoye|datum|date|onderwerp|subject|objet|aan|to|a)"
                    r"\s*\**\s*:\s*\**\s*(.*?)\s*$", re.IGNORECASE)
_FROM_KEYS, _DATE_KEYS, _SUBJECT_KEYS = {"van", "from", "de"}, {"verzonden", "sent", "envoye", "datum", "date"}, \
    {"onderwerp", "subject", "objet"}

MONTHS = {
    **dict.fromkeys(["januari", "jan", "january", "janvier", "janv"], 1),
    **dict.fromkeys(["februari", "feb", "february", "fevrier", "fevr", "fev"], 2),
    **dict.fromkeys(["maart", "mrt", "march", "mar", "mars"], 3),
    **dict.fromkeys(["april", "apr", "avril", "avr"], 4),
    **dict.fromkeys(["mei", "may", "mai"], 5),
    **dict.fromkeys(["juni", "jun", "june", "juin"], 6),
    **dict.fromkeys(["juli", "jul", "july", "juillet", "juil"], 7),
    **dict.fromkeys(["augustus", "aug", "august", "aout"], 8),
    **dict.fromkeys(["september", "sep", "sept", "septembre"], 9),
    **dict.fromkeys(["oktober", "okt", "october", "oct", "octobre"], 10),
    **dict.fromkeys(["november", "nov", "novembre"], 11),
    **dict.fromkeys(["december", "dec", "decembre"], 12),
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\.? ([a-z]+)\.? (\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]+)\.? (\d{1,2}),? (\d{4})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_TIME = re.compile(r"\b(\d{1,2})[:h.](\d{2})(?::\d{2})?\s*(am|pm)?\b")


@dataclass
class Forwarded:
    """What the forwarded block says about the original message."""

    from_name: str | None
    from_email: str | None
    date: datetime | None  # naive = local (Brussels) time as the colleague's mail program showed it
    subject: str | None
    body: str  # the original message's text, below its header block


def parse_date(text: str) -> datetime | None:
    """A date as mail programs print it in a forwarded block, in any of the three languages."""
    text = (text or "").strip()
    try:
        return parsedate_to_datetime(text)  # RFC 2822 (Thunderbird, Gmail in English)
    except (TypeError, ValueError, IndexError):
        pass
    folded = fold(text)
    day = month = year = None
    if m := _DAY_MONTH_YEAR.search(folded):
        if m.group(2) in MONTHS:
            day, month, year = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3))
    if month is None and (m := _MONTH_DAY_YEAR.search(folded)) and m.group(1) in MONTHS:
        day, month, year = int(m.group(2)), MONTHS[m.group(1)], int(m.group(3))
    if month is None and (m := _NUMERIC.search(folded)):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))  # Belgian order: day first
    if month is None:
        return None
    hour = minute = 0
    if m := _TIME.search(folded[folded.find(str(year)):]):
        hour, minute = int(m.group(1)), int(m.group(2))
        if m.group(3) == "pm" and hour < 12:
            hour += 12
        elif m.group(3) == "am" and hour == 12:
            hour = 0
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def find_forwarded(text: str) -> Forwarded | None:
    """The first forwarded block in the text, or None when there is none."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if _MARKERS.match(fold(line)) or _starts_outlook_block(lines, start):
            found = _read_block(lines, start + (0 if _starts_outlook_block(lines, start) else 1))
            if found is not None:
                return found
    return None


def _starts_outlook_block(lines: list[str], index: int) -> bool:
    """Outlook puts no marker line: the block starts with 'Van:' followed within a few lines by 'Verzonden:'."""
    m = _FIELD.match(fold(lines[index]))
    if not m or m.group(1) not in _FROM_KEYS:
        return False
    following = [_FIELD.match(fold(line)) for line in lines[index + 1:index + 4]]
    return any(f and f.group(1) in ("verzonden", "sent", "envoye") for f in following)


def _read_block(lines: list[str], start: int) -> Forwarded | None:
    fields: dict[str, str] = {}
    index = start
    while index < len(lines) and not lines[index].strip():  # blank lines after the marker (Apple Mail)
        index += 1
    last_key = None
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            break
        m = _FIELD.match(fold(line))
        if m:
            # keep the original spelling of the value (the fold only finds the key)
            value = line.split(":", 1)[1].strip().strip("*").strip()
            last_key = m.group(1)
            fields.setdefault(last_key, value)
        elif last_key in ("aan", "to", "a"):
            pass  # a long recipient list wrapped over several lines
        else:
            break
        index += 1
    sender = next((fields[k] for k in ("van", "from", "de") if k in fields), None)
    if not sender:
        return None
    name, address = _address(sender)
    when = next((parse_date(fields[k]) for k in ("verzonden", "sent", "envoye", "datum", "date") if k in fields), None)
    subject = next((fields[k] for k in ("onderwerp", "subject", "objet") if k in fields), None)
    body = "\n".join(lines[index:]).strip()
    return Forwarded(from_name=name, from_email=address, date=when, subject=subject, body=body)


def _address(value: str) -> tuple[str | None, str | None]:
    """'Jan Claes <jan@example.be>', 'Jan Claes [mailto:jan@example.be]', 'jan@example.be'."""
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value)
    name, address = getaddresses([value])[0] if value else ("", "")
    if "@" not in address:
        m = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", value)
        address = m.group(0) if m else ""
        name = name or value.replace(address, "").strip(" <>\"'")
    return (name.strip().strip('"') or None), (address.lower() or None)
