"""One backup of this installation, for the `backup` command and the daily job."""
from flask import current_app

from caseflow import clock
from caseflow.backup import archive
from caseflow.extensions import db


def current_revision() -> str | None:
    from sqlalchemy import text

    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no migrations table: an empty database
        db.session.rollback()
        return None


def make_backup(target_dir: str, keep: int | None = None, now=None) -> archive.BackupResult:
    """One archive of this installation (used by the command and the daily job)."""
    app = current_app
    revision = current_revision()
    db.session.rollback()  # hold no transaction open while the snapshot is taken
    return archive.create(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, target_dir,
                          now=now or clock.now(), revision=revision, keep=keep)
