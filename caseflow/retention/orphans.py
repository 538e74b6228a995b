"""Stored files that belong to no case (a crash between writing a file and committing its case, or between
committing a deletion and removing the file) are removed once they are old enough that no save is still running."""
import os
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.mail.models import OutboxMessage
from caseflow.models import Case, Letter, PackageFile


def _referenced() -> set[str]:
    """Every stored file the database refers to, as paths relative to the instance folder."""
    refs = {os.path.join("attachments", name) for name in db.session.scalars(
        select(Case.attachment_path).where(Case.attachment_path.is_not(None)))}
    refs |= {os.path.join("packages", str(case_id), name) for case_id, name in db.session.execute(
        select(PackageFile.case_id, PackageFile.stored_name)).all()}
    refs |= {os.path.normpath(p) for p in db.session.scalars(
        select(Letter.package_path).where(Letter.package_path.is_not(None)))}
    refs |= {os.path.normpath(p) for p in db.session.scalars(
        select(OutboxMessage.attachment_path).where(OutboxMessage.attachment_path.is_not(None)))}
    refs |= {os.path.join("attachments", name) for name in db.session.scalars(  # Bpost receipts (caseflow.registered)
        select(Letter.receipt_path).where(Letter.receipt_path.is_not(None)))}
    return refs | _referenced_by_intake()


def _referenced_by_intake() -> set[str]:
    """The emails taken in (caseflow.intake) and their attachments, under intake/ and intake/attachments/."""
    from caseflow.intake.models import IntakeAttachment, IntakeMessage

    refs = {os.path.join("intake", os.path.basename(name)) for name in db.session.scalars(
        select(IntakeMessage.raw_path).where(IntakeMessage.raw_path.is_not(None), IntakeMessage.raw_path != ""))}
    refs |= {os.path.join("intake", "attachments", os.path.basename(name)) for name in db.session.scalars(
        select(IntakeAttachment.stored_name).where(IntakeAttachment.stored_name.is_not(None)))}
    return refs


def find_orphans(now: datetime, min_age: timedelta) -> list[str]:
    """Files under attachments/, packages/ and intake/ that no case, package, letter or message refers to, older
    than min_age (a save still running has written its file but not yet committed its row)."""
    instance = current_app.instance_path
    refs = _referenced()
    found = []
    for folder in ("attachments", "packages", "intake"):
        for root, _, files in os.walk(os.path.join(instance, folder)):
            for name in files:
                full = os.path.join(root, name)
                rel = os.path.relpath(full, instance)
                if rel in refs:
                    continue
                if now.timestamp() - os.path.getmtime(full) >= min_age.total_seconds():
                    found.append(full)
    return sorted(found)


def remove_orphans(now: datetime) -> int:
    from caseflow.retention.anonymise import delete_files

    return delete_files(find_orphans(now, timedelta(hours=current_app.config["ORPHAN_MIN_AGE_HOURS"])))
