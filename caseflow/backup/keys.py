"""The backup key: CASEFLOW_BACKUP_KEY (a passphrase or key string) or the content of the file BACKUP_KEY_FILE.

Backups are never written without one. The string itself is not the AES key: sealed.py derives that with scrypt and a
salt of each archive's own. Surrounding whitespace (a key file's newline) is not part of the key.
"""
import os

from caseflow.backup.database import BackupError

MIN_LENGTH = 16
MAX_FILE_SIZE = 4096
NO_KEY = ("no backup key: set CASEFLOW_BACKUP_KEY or CASEFLOW_BACKUP_KEY_FILE (a backup is never written "
          "unencrypted)")


def read_key_file(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_SIZE + 1)
    except OSError as error:
        raise BackupError(f"the backup key file {path} cannot be read: {error.strerror}") from None
    if len(raw) > MAX_FILE_SIZE:
        raise BackupError(f"the backup key file {path} is over {MAX_FILE_SIZE} bytes: is it the right file?")
    try:
        key = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BackupError(f"the backup key file {path} is not UTF-8 text") from None
    if not key:
        raise BackupError(f"the backup key file {path} is empty")
    return key


def configured(config) -> str | None:
    """The key the settings give, or None when neither setting is set."""
    key, key_file = config.get("BACKUP_KEY"), config.get("BACKUP_KEY_FILE")
    if key and key_file:
        raise BackupError("both CASEFLOW_BACKUP_KEY and CASEFLOW_BACKUP_KEY_FILE are set: keep one")
    if key_file:
        return read_key_file(str(key_file))
    if key and str(key).strip():
        return str(key).strip()
    return None


def for_backup(config) -> str:
    """The key to write a backup with; refuses a missing or short one."""
    key = configured(config)
    if key is None:
        raise BackupError(NO_KEY)
    if len(key) < MIN_LENGTH:
        raise BackupError(f"the backup key is too short: at least {MIN_LENGTH} characters (a new one: "
                          "python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return key


def key_file_path(config) -> str | None:
    key_file = config.get("BACKUP_KEY_FILE")
    return os.path.abspath(str(key_file)) if key_file else None
