"""`flask --app caseflow backup DIR [--keep N]` and `restore ARCHIVE [--force] [--key-file F] [--unencrypted-legacy]`."""
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from caseflow.backup import keys
from caseflow.backup import restore as restore_module
from caseflow.backup.database import BackupError
from caseflow.backup.service import make_backup, restore_backup


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--keep", type=click.IntRange(min=1), default=None, help="Keep only the newest N archives in DIRECTORY.")
@with_appcontext
def backup_command(directory, keep):
    """Write one consistent, encrypted archive (database, stored files, manifest) into DIRECTORY, while Caseflow
    runs. The key: CASEFLOW_BACKUP_KEY or CASEFLOW_BACKUP_KEY_FILE; without one nothing is written."""
    started = time.monotonic()
    try:
        result = make_backup(directory, keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written: {result.path} ({result.size} bytes, {result.files} files, encrypted, "
               f"{time.monotonic() - started:.1f} s)")
    for name in result.not_backed_up:
        click.echo(f"not backed up (not a folder of stored files): instance/{name}/")
    for path in result.removed:
        click.echo(f"removed old backup: {path}")


def _key(archive_path: str, key_file: str | None, allow_legacy: bool) -> str | None:
    """The key to open ARCHIVE with: --key-file, else the settings, else asked for (hidden)."""
    kind = restore_module.format_of(archive_path)
    if kind == "legacy":
        if not allow_legacy:
            raise BackupError(restore_module.LEGACY_REFUSED)
        return None
    if key_file:
        return keys.read_key_file(key_file)
    key = keys.configured(current_app.config)
    if key is None:
        key = click.prompt("Backup key", hide_input=True).strip()
    return key


@click.command("restore")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the data of a non-empty installation.")
@click.option("--key-file", type=click.Path(dir_okay=False), default=None,
              help="Read the backup key from this file (default: the settings, else asked for).")
@click.option("--unencrypted-legacy", "allow_legacy", is_flag=True,
              help="Accept an unencrypted .tar.gz of an older Caseflow (nothing authenticates it).")
@with_appcontext
def restore_command(archive_path, force, key_file, allow_legacy):
    """Decrypt and authenticate ARCHIVE, check every member, then bring back its database and stored files."""
    started = time.monotonic()
    try:
        key = _key(archive_path, key_file, allow_legacy)
        result = restore_backup(archive_path, key=key, force=force, allow_legacy=allow_legacy)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored backup of {result.created_at}: {result.cases} cases, {result.files} files "
               f"({time.monotonic() - started:.1f} s)")


commands = (backup_command, restore_command)
