"""`restore ARCHIVE`: authenticate the whole archive, read it by unpack.py's rules, then bring back the database and
the folders of stored files.

The order is the safety: (1) the key check and every chunk's tag, to the end of the file, before a byte of plaintext
is used; (2) the tar stream into a private staging folder, every path, type, size and hash checked; (3) only then,
and only if the installation is empty or --force was given, the database and instance/'s STORED_FOLDERS replaced.
Nothing at the top of instance/ (config.py, secret_key, audit_key, the anchor log, the SQLite database's file other
than through the database load) is ever written, nor any path in `protected`.

An unencrypted archive of before (a plain .tar.gz, manifest format 1) is refused unless the caller allows it
(`--unencrypted-legacy`): nothing authenticates it, so the same path rules are all that stand; only the operator can
vouch for where it came from.
"""
import os
import shutil
import tempfile
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy import table as sql_table

from caseflow.backup import database, sealed, unpack
from caseflow.backup.archive import FORMAT, LEGACY_FORMAT, stored_files
from caseflow.backup.database import BackupError

GZIP_MAGIC = b"\x1f\x8b"
LEGACY_REFUSED = ("this is an unencrypted backup of an older Caseflow (a plain .tar.gz): nothing proves it was not "
                  "altered; restore it only if you know where it came from, with --unencrypted-legacy")


@dataclass(frozen=True)
class RestoreResult:
    cases: int
    files: int
    created_at: str


def format_of(archive_path: str) -> str:
    """'sealed' (this version's encrypted archive) or 'legacy' (a plain tar.gz of before); anything else refused."""
    try:
        with open(archive_path, "rb") as fh:
            start = fh.read(len(sealed.MAGIC))
    except OSError as error:
        raise BackupError(f"the archive cannot be read: {error.strerror}") from None
    if start == sealed.MAGIC:
        return "sealed"
    if start[:2] == GZIP_MAGIC:
        return "legacy"
    raise BackupError("not a Caseflow backup archive")


def existing_data(engine, instance_path: str, skip=()) -> list[str]:
    """What a restore would overwrite: rows in the main tables, stored files."""
    found = []
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in ("case", "user", "audit_event"):
            if table in tables and conn.execute(select(func.count()).select_from(sql_table(table))).scalar():
                found.append(f"table {table}")
    files = stored_files(instance_path, skip) if os.path.isdir(instance_path) else []
    if files:
        found.append(f"{len(files)} stored file(s) under {instance_path}")
    return found


def _staged(fh, staging: str, *, key: str | None, legacy: bool) -> dict:
    """The archive read into staging, once it is shown to be whole; its manifest."""
    if legacy:
        return unpack.unpack(fh, staging, expected_format=LEGACY_FORMAT)
    if not key:
        raise BackupError("no backup key given: the archive cannot be decrypted")
    aead = sealed.authenticate(fh, key)  # to the last byte, before anything is unpacked
    return unpack.unpack(sealed.open_plaintext(fh, aead), staging, expected_format=FORMAT)


def restore(archive_path: str, uri: str, instance_path: str, engine, *, key: str | None, force: bool = False,
            allow_legacy: bool = False, protected=()) -> RestoreResult:
    kind = database.kind_of(uri)
    db_file = database.sqlite_path(uri) if kind == "sqlite" else None
    protected = {os.path.abspath(p) for p in protected} | ({os.path.abspath(db_file)} if db_file else set())
    legacy = format_of(archive_path) == "legacy"
    if legacy and not allow_legacy:
        raise BackupError(LEGACY_REFUSED)
    with open(archive_path, "rb") as fh, tempfile.TemporaryDirectory(prefix="caseflow-restore-") as staging:
        manifest = _staged(fh, staging, key=key, legacy=legacy)
        if manifest["database"]["kind"] != kind:
            raise BackupError(f"the archive holds a {manifest['database']['kind']} database, this installation "
                              f"uses {kind}")
        _check_targets(manifest["files"], instance_path, protected)
        present = existing_data(engine, instance_path, protected)
        if present and not force:
            raise BackupError("this installation is not empty (" + "; ".join(present) + "): "
                              "restore with --force to replace it")
        engine.dispose()  # no pooled connection may hold a lock on what is replaced
        database.load(uri, os.path.join(staging, manifest["database"]["path"]))
        _replace_files(staging, manifest["files"], instance_path, protected)
    engine.dispose()
    with engine.connect() as conn:
        cases = conn.execute(text('SELECT COUNT(*) FROM "case"')).scalar()
    return RestoreResult(cases=cases, files=len(manifest["files"]), created_at=manifest["created_at"])


def _destination(instance_path: str, path: str) -> str:
    parts = unpack.check_file_path(path)  # checked when unpacked; checked again where it is written
    return os.path.join(instance_path, *parts[1:])


def _check_targets(files: list[dict], instance_path: str, protected: set) -> None:
    """Before anything is replaced: no file lands on a protected path, or through a symlink below its folder (a
    folder of stored files may itself be a symlink, to a larger disk say; nothing inside it may lead out)."""
    for item in files:
        dest = _destination(instance_path, item["path"])
        if os.path.abspath(dest) in protected:
            raise BackupError(f"the archive would overwrite {os.path.abspath(dest)}, which a restore never writes")
        folder = os.path.realpath(os.path.join(instance_path, item["path"].split("/")[1]))
        if os.path.commonpath([folder, os.path.realpath(os.path.dirname(dest))]) != folder:
            raise BackupError(f"{dest} leads out of {folder} through a symlink: nothing was restored")


def _replace_files(staging: str, files: list[dict], instance_path: str, protected: set) -> None:
    """instance/'s STORED_FOLDERS become exactly the archive's; everything else in instance/ stays untouched."""
    os.makedirs(instance_path, mode=0o700, exist_ok=True)
    for rel in stored_files(instance_path, protected):
        os.remove(os.path.join(instance_path, rel))
    for item in files:
        dest = _destination(instance_path, item["path"])
        os.makedirs(os.path.dirname(dest), mode=0o700, exist_ok=True)
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        staged = os.path.join(staging, *item["path"].split("/"))
        with open(staged, "rb") as source, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        os.chmod(dest, 0o600)
        shutil.copystat(staged, dest, follow_symlinks=False)  # the file's time as it was backed up
