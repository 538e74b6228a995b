"""`flask --app caseflow backup DIR [--keep N]` and `restore ARCHIVE [--force]`."""
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from caseflow.backup import restore as restore_module
from caseflow.backup.database import BackupError
from caseflow.backup.service import make_backup
from caseflow.extensions import db


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


commands = (backup_command, restore_command)
