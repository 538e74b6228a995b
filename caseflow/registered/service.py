"""Recording how a registered letter went out; the deadline follows when the letter was an extension notice."""
from datetime import date

from flask_babel import lazy_gettext as _l

from caseflow import attachments
from caseflow.legal import tracking
from caseflow.letters.service import sync_deadline
from caseflow.models import Letter, User
from caseflow.services import ServiceError, audit, check_version, commit, moment, require_open

RECEIPT_TYPES = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",)}


def _check_receipt(name: str, stream) -> None:
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = stream.read(8)
    stream.seek(0)
    if extension not in RECEIPT_TYPES or not head.startswith(RECEIPT_TYPES[extension]):
        raise ServiceError(_l("The receipt must be a PDF or a photo (JPEG or PNG)."), field="receipt")


def check_tracking_number(text: str | None, field: str = "tracking_number") -> str:
    """The normalized Bpost number, or a ServiceError saying what is expected."""
    number = tracking.normalize(text)
    if not tracking.is_valid(number):
        raise ServiceError(tracking.EXPECTED, field=field)
    return number


def record_posting(letter: Letter, *, actor: User, posted_on: date, tracking_number: str,
                   delivered_on: date | None = None, receipt=None, receipt_name: str | None = None,
                   expected_version=None, today: date | None = None, now=None) -> Letter:
    """Record when a registered letter was posted, its Bpost number, and (optionally) the delivery the receipt
    shows and the receipt itself. Corrections overwrite, with old and new in the trail."""
    today, now = moment(today, now)
    case = letter.case
    check_version(case, expected_version)
    require_open(case)
    if letter.delivery != "registered_letter":
        raise ServiceError(_l("Only a registered letter has a posting date and a tracking number."))
    if posted_on is None:
        raise ServiceError(_l("Enter a valid date."), field="posted_on")
    if posted_on < letter.sent_on:
        raise ServiceError(_l("The posting date cannot be before the letter was written (%(date)s).",
                              date=letter.sent_on.strftime("%d/%m/%Y")), field="posted_on")
    if posted_on > today:
        raise ServiceError(_l("The posting date cannot be in the future."), field="posted_on")
    number = check_tracking_number(tracking_number)
    if delivered_on is not None and delivered_on < posted_on:
        raise ServiceError(_l("The letter cannot have been delivered before it was posted."), field="delivered_on")
    if delivered_on is not None and delivered_on > today:
        raise ServiceError(_l("The delivery date cannot be in the future."), field="delivered_on")
    if receipt is not None:
        _check_receipt(receipt_name or "", receipt)

    before = _proof(letter)
    letter.posted_on, letter.tracking_number, letter.delivered_on = posted_on, number, delivered_on
    if receipt is not None:
        old = letter.receipt_path
        letter.receipt_path, letter.receipt_name = attachments.save(receipt, receipt_name), receipt_name
        attachments.discard(old)
    audit(case, actor, "letter_posted", detail=f"{letter.kind} | {letter.id}", before=before, after=_proof(letter),
          at=now)
    if letter.kind == "extension_notice":  # posted too late, the extension falls away; in time, it holds
        sync_deadline(case, actor, now=now)
    commit()
    return letter


def _proof(letter: Letter) -> str | None:
    """The proof as one audit value: posted, number, delivered, receipt."""
    if letter.posted_on is None:
        return None
    parts = [letter.posted_on.isoformat(), letter.tracking_number]
    if letter.delivered_on:
        parts.append(f"delivered {letter.delivered_on.isoformat()}")
    if letter.receipt_name:
        parts.append(letter.receipt_name)
    return " | ".join(parts)
