"""`flask --app caseflow backup DIR [--keep N]` and `restore ARCHIVE [--force]`."""
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from caseflow import clock
from caseflow.extensions import db
from caseflow.backup.database import BackupError
from caseflow.backup import archive, restore as restore_module


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


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--keep", type=click.IntRange(min=1), default=None, help="Keep only the newest N archives in DIRECTORY.")
@with_appcontext
def backup_command(directory, keep):
    """Write one consistent archive (database, stored files, manifest) into DIRECTORY, while Caseflow runs."""
    started = time.monotonic()
    try:
        result = make_backup(directory, keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written: {result.path} ({result.size} bytes, {result.files} files, "
               f"{time.monotonic() - started:.1f} s)")
    for path in result.removed:
        click.echo(f"removed old backup: {path}")


@click.command("restore")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the data of a non-empty installation.")
@with_appcontext
def restore_command(archive_path, force):
    """Check ARCHIVE against its manifest and bring back its database and stored files."""
    started = time.monotonic()
    db.session.remove()
    try:
        result = restore_module.restore(archive_path, current_app.config["SQLALCHEMY_DATABASE_URI"],
                                        current_app.instance_path, db.engine, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored backup of {result.created_at}: {result.cases} cases, {result.files} files "
               f"({time.monotonic() - started:.1f} s)")


def register(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
