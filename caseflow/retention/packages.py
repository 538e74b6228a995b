"""Data packages do not stay on the server: their files are deleted a set number of days after delivery.

What was sent stays known: each file's name, size and SHA-256 (the PackageFile rows, marked purged) and the
letters' package names; the trail says what was deleted and when.
"""
import logging
import os
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.letters.packages import folder
from caseflow.models import Letter
from caseflow.services import audit, commit, moment

log = logging.getLogger(__name__)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError:  # still on disk: logged for an administrator; the next run tries again
        log.exception("package file %s could not be deleted", path)
        raise


def purge_delivered_packages(today: date | None = None, now: datetime | None = None,
                             days: int | None = None) -> int:
    """Delete the package files of every case whose last package went out at least `days` days ago
    (PACKAGE_RETENTION_DAYS): the uploaded exports that went with it and the ZIPs kept for its letters.
    Returns how many cases were purged."""
    today, now = moment(today, now)
    days = current_app.config["PACKAGE_RETENTION_DAYS"] if days is None else days
    cutoff = today - timedelta(days=days)
    letters = db.session.scalars(select(Letter).where(Letter.package_path.is_not(None)).order_by(Letter.id)).all()
    last = {}
    for letter in letters:
        if letter.delivered:
            last[letter.case_id] = letter  # the latest delivered package letter per case
    purged = 0
    for letter in last.values():
        if letter.sent_on > cutoff:
            continue
        case = letter.case
        files = [f for f in case.package_files if f.purged_at is None and f.uploaded_at <= letter.created_at]
        zips = [ltr for ltr in case.letters if ltr.package_path and ltr.created_at <= letter.created_at]
        if not files and not zips:
            continue
        for record in files:
            _remove(os.path.join(folder(case), record.stored_name))
            record.purged_at = now
        for sent in zips:
            _remove(os.path.join(current_app.instance_path, sent.package_path))
            sent.package_path = None  # the name stays: what was sent, not the data
        listing = "\n".join(f"{f.display_name}: {f.size} B, sha256 {f.sha256}" for f in files)
        audit(case, None, "package_purged", detail=", ".join(s.package_name or "" for s in zips) or None,
              after=listing or None, at=now, bump=False)
        commit()
        purged += 1
    return purged
