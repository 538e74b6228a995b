"""One backup of this installation, for the `backup` command and the daily job; restoring one."""
import os

from flask import current_app

from caseflow import clock
from caseflow.backup import archive, keys
from caseflow.backup import restore as restore_module
from caseflow.backup.database import BackupError
from caseflow.extensions import db


def current_revision() -> str | None:
    from sqlalchemy import text

    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no migrations table: an empty database
        db.session.rollback()
        return None


def protected_paths(app) -> set[str]:
    """Files no backup holds and no restore writes, wherever the settings put them: the secrets and settings at the
    top of instance/, the audit anchor log, the backup key file."""
    instance = app.instance_path
    paths = {os.path.join(instance, name) for name in ("config.py", "secret_key", "audit_key")}
    anchor = app.config.get("AUDIT_ANCHOR_FILE")
    if anchor:
        paths.add(anchor if os.path.isabs(anchor) else os.path.join(instance, anchor))
    key_file = keys.key_file_path(app.config)
    if key_file:
        paths.add(key_file)
    return {os.path.abspath(path) for path in paths}


def make_backup(target_dir: str, keep: int | None = None, now=None) -> archive.BackupResult:
    """One sealed archive of this installation (used by the command and the daily job); refuses without a key."""
    app = current_app
    key = keys.for_backup(app.config)  # first: without a key nothing is dumped, nothing written
    key_file = keys.key_file_path(app.config)
    if key_file and os.path.dirname(key_file) == os.path.abspath(target_dir):
        raise BackupError(f"the backup key file {key_file} is in the backup folder: keep it elsewhere")
    revision = current_revision()
    db.session.rollback()  # hold no transaction open while the snapshot is taken
    return archive.create(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, target_dir, key=key,
                          now=now or clock.now(), revision=revision, keep=keep, skip=protected_paths(app))


def restore_backup(archive_path: str, *, key: str | None, force: bool = False,
                   allow_legacy: bool = False) -> restore_module.RestoreResult:
    """Bring back ARCHIVE into this installation (the `restore` command)."""
    app = current_app
    db.session.remove()
    return restore_module.restore(archive_path, app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, db.engine,
                                  key=key, force=force, allow_legacy=allow_legacy, protected=protected_paths(app))
