"""The access/portability package: uploaded data exports, zipped with a manifest and the Art. 15 sheet."""
import hashlib
import logging
import os
import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow import attachments
from caseflow.extensions import db
from caseflow.legal.rules import IDENTITY_NOT_VERIFIED
from caseflow.letters import package_zip as package
from caseflow.letters import pdf
from caseflow.models import AuditEvent, PackageFile
from caseflow.services import ServiceError, audit, check_version, commit, moment, require_open

log = logging.getLogger(__name__)


def folder(case) -> str:
    path = os.path.join(current_app.instance_path, "packages", str(case.id))
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def add_files(case, uploads, *, actor, now=None) -> list[PackageFile]:
    """Store uploaded exports (pairs of filename and stream) for the case's package.

    An empty file refuses the whole upload (an export that went wrong). A file with the same content as one
    already in the package is added but flagged: its `same_as` names the other file.
    """
    _, now = moment(None, now)
    uploads = [(name, stream) for name, stream in uploads if name]
    if not uploads:
        raise ServiceError(_l("Choose one or more files to add."), field="files")
    require_open(case)
    added, written = [], []
    known = {f.sha256: f.display_name for f in case.package_files if f.purged_at is None}
    try:
        for name, stream in uploads:
            stored = attachments.stored_name(name, "export")
            path = os.path.join(folder(case), stored)
            digest, size = hashlib.sha256(), 0
            with attachments.create_private(path) as out:
                written.append(path)
                while chunk := stream.read(64 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if size == 0:
                raise ServiceError(_l("%(name)s is empty (0 bytes): export it again; nothing was added.", name=name),
                                   field="files")
            name = attachments.shorten(name)
            record = PackageFile(case=case, display_name=name, stored_name=stored, size=size,
                                 sha256=digest.hexdigest(), uploaded_by=actor, uploaded_at=now)
            record.same_as = known.get(record.sha256)
            known.setdefault(record.sha256, name)
            db.session.add(record)
            added.append(record)
            audit(case, actor, "package_file_added", detail=name, after=f"{size} B, sha256 {digest.hexdigest()[:12]}…",
                  at=now)
        commit()
    except BaseException:
        db.session.rollback()
        for path in written:
            os.remove(path)
        raise
    return added


def remove_file(case, package_file_id, *, actor, expected_version=None, now=None) -> PackageFile:
    """Take a wrongly uploaded export out of the package and off the disk; ZIPs kept for sent letters stay as sent."""
    _, now = moment(None, now)
    record = next((f for f in case.package_files if str(f.id) == str(package_file_id)), None)
    if record is None:  # e.g. a second click on the same button
        raise ServiceError(_l("This file is no longer in the data package."))
    check_version(case, expected_version)
    require_open(case)
    path = os.path.join(folder(case), record.stored_name)
    db.session.delete(record)
    audit(case, actor, "package_file_removed", detail=record.display_name,
          before=f"{record.size} B, sha256 {record.sha256}", at=now)
    commit()  # the file goes only once the package no longer lists it: a failed commit leaves both in place
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError:  # out of every package now, but still on disk: an administrator must delete it by hand
        log.exception("package file %s was removed from case %s but could not be deleted", path, case.id)
    return record


def build(case, *, locale: str, now=None) -> tuple[str, bytes]:
    """The package as (file name, ZIP bytes)."""
    _, now = moment(None, now)
    if not case.package_files:
        raise ServiceError(_l("Add the exported data files first."))
    if any(f.purged_at for f in case.package_files):
        raise ServiceError(_l("The files of this package were deleted from the server after the retention period."))
    if case.identity_verified_on is None:
        raise ServiceError(IDENTITY_NOT_VERIFIED)
    files = [(f.display_name, os.path.join(folder(case), f.stored_name)) for f in case.package_files]
    data = package.build_package(files, reference=case.reference, info_sheet=pdf.info_sheet_pdf(locale, created_at=now),
                                 created_at=now)
    return f"{case.reference}-gegevens.zip", data


def snapshot(case, *, locale: str, now=None, passphrase: str | None = None) -> tuple[str, str]:
    """Write the package as sent with an answer; returns (file name, path relative to the instance folder).

    passphrase: the ZIP is encrypted (AES-256) with it, as it leaves by email; the passphrase is not kept.
    """
    name, data = build(case, locale=locale, now=now)
    if passphrase:
        data = package.encrypt(data, passphrase)
    stored = f"sent-{uuid.uuid4().hex[:8]}-{name}"
    with attachments.create_private(os.path.join(folder(case), stored)) as out:
        out.write(data)
    return name, os.path.relpath(os.path.join(folder(case), stored), current_app.instance_path)


def record_download(case, *, actor, files=None, source: str | None = None, now=None) -> None:
    """Audit a download: which files it held (default: the package as it is now) and, for a letter's ZIP, which."""
    _, now = moment(None, now)
    names = ", ".join(files if files is not None else [f.display_name for f in case.package_files])
    audit(case, actor, "package_downloaded", detail=f"{source}: {names}" if source else names, at=now,
          bump=False)  # reading never changes the case's version
    commit()


def files_in(letter) -> list[str]:
    """The original names of the exported files in the package that went with `letter`, in the package's order.

    Taken from what Caseflow recorded, never from the ZIP: an emailed package is encrypted with a passphrase that
    is not kept, and a file removed from the package later is gone from PackageFile but not from what was sent.
    The audit trail holds both: the package a letter took is every file added to the case's package, less those
    removed again, up to the moment the letter was written (add_files and remove_file record each one)."""
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.case_id == letter.case_id, AuditEvent.created_at <= letter.created_at,
               AuditEvent.action.in_(("package_file_added", "package_file_removed")))
        .order_by(AuditEvent.id))
    names = []
    for action, name in events:
        if action == "package_file_added":
            names.append(name)
        elif name in names:
            names.remove(name)
    return names
