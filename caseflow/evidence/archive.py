"""The evidence ZIP: the case summary PDF, every letter as sent (PDF, or the email as .eml), the data packages
that went out and the Bpost receipts. Entry names are made safe and unique as every ZIP's are
(package_zip.EntryNames): a receipt uploaded as "../../x.pdf" stays inside the folder it is unpacked in."""
import io
import os
import zipfile

from flask import current_app

from caseflow import attachments
from caseflow.letters import pdf
from caseflow.letters.package_zip import EntryNames, safe_name
from caseflow.mail import outbox as mail
from caseflow.models import Case, Letter


def letter_file(case: Case, letter: Letter) -> tuple[str, bytes]:
    """(file name, bytes) of one letter as it went out: the email message, or the registered letter's PDF."""
    stem = f"{letter.sent_on.isoformat()}-{letter.id}-{letter.kind}"
    if letter.outbox_message is not None:
        message = letter.outbox_message
        try:
            email = mail.build_email(message, current_app.config["MAIL_SENDER"])
        except OSError:  # the attached package is gone from disk: the message without it
            saved, message.attachment_path = message.attachment_path, None
            try:
                email = mail.build_email(message, current_app.config["MAIL_SENDER"])
            finally:
                message.attachment_path = saved
        return f"{stem}.eml", email.as_bytes()
    return f"{stem}.pdf", pdf.sent_letter_pdf(letter, reference=case.reference)


def evidence_zip(case: Case, summary_name: str, summary: bytes, *, folders: dict) -> bytes:
    """The ZIP beside the summary. `folders`: the folder names in the reader's language."""
    buffer = io.BytesIO()
    names = EntryNames()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(names(summary_name), summary)
        for letter in case.letters:
            name, data = letter_file(case, letter)
            zf.writestr(names(folders["letters"], name), data)
            if letter.package_path:
                path = os.path.join(current_app.instance_path, letter.package_path)
                if os.path.isfile(path):
                    zf.write(path, names(folders["packages"], f"{letter.id}-{safe_name(letter.package_name)}"))
            if letter.receipt_path and os.path.isfile(attachments.path_of(letter.receipt_path)):
                zf.write(attachments.path_of(letter.receipt_path),
                         names(folders["receipts"], f"{letter.id}-{safe_name(letter.receipt_name)}"))
    return buffer.getvalue()
