"""`backup DIR`: the database snapshot and the folders of stored files, as one encrypted, authenticated archive.

`caseflow-backup-<UTC time>.cfbackup` is sealed.py's container around a gzip-compressed tar stream:

    manifest.json                 first member: format 2, created_at, alembic_revision, the database's kind, member
                                  name, size and SHA-256, every stored file's path, size and SHA-256, `vanished`,
                                  and `not_backed_up` (folders of instance/ that are none of STORED_FOLDERS)
    database.sqlite | database.dump   SQLite's online backup, or pg_dump --format=custom
    instance/<folder>/...         the files of STORED_FOLDERS, nothing else of instance/

Nothing at the top of instance/ is ever in an archive: not the SQLite database (dumped instead), not config.py,
secret_key, audit_key or the audit anchor log (keep the secrets apart from the backups). Nor is a file named in
`skip` (the settings' key and anchor files, should they lie inside a folder).

The database is copied first (a consistent snapshot), then the files: every file the snapshot refers to was
written before the case that refers to it was committed, so it is there. A file removed in between (a package
file deleted a moment later) is listed under `vanished` and left out.
"""
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

from caseflow.backup import database, sealed

PREFIX = "caseflow-backup-"
SUFFIX = ".cfbackup"
LEGACY_SUFFIX = ".tar.gz"  # the unencrypted archives of before: rotated away like the others
MANIFEST = "manifest.json"
FORMAT = 2
LEGACY_FORMAT = 1
# The folders of instance/ that hold stored files, and the only ones a backup holds and a restore writes:
# scans, saved emails and Bpost receipts (attachments), taken-in emails and quarantine (intake), .eml files of
# the file transport (mail), data packages (packages). A new folder of stored files must be added here.
STORED_FOLDERS = ("attachments", "intake", "mail", "packages")
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.dump"}


@dataclass(frozen=True)
class BackupResult:
    path: str
    size: int
    files: int
    removed: list
    not_backed_up: list = field(default_factory=list)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files(instance_path: str, skip=None) -> list[str]:
    """Every file in STORED_FOLDERS under instance/ (relative, '/'-separated, sorted), but those in skip (paths)."""
    skipped = {os.path.abspath(path) for path in ([skip] if isinstance(skip, str) else skip or ())}
    found = []
    for folder in STORED_FOLDERS:
        top = os.path.join(instance_path, folder)
        for root, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                full = os.path.join(root, name)
                if os.path.abspath(full) in skipped:
                    continue
                found.append(os.path.relpath(full, instance_path).replace(os.sep, "/"))
    return sorted(found)


def other_folders(instance_path: str) -> list[str]:
    """Folders at the top of instance/ that are no folder of stored files (not backed up, said so)."""
    if not os.path.isdir(instance_path):
        return []
    return sorted(name for name in os.listdir(instance_path) if not name.startswith(".")
                  and name not in STORED_FOLDERS and os.path.isdir(os.path.join(instance_path, name)))


def _stamp(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _stage(uri: str, instance_path: str, staging: str, skip) -> tuple[str, list, list]:
    dump_name = database.dump(uri, staging)
    files, vanished = [], []
    for rel in stored_files(instance_path, skip):
        source = os.path.join(instance_path, rel)
        dest = os.path.join(staging, "instance", rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        try:
            shutil.copy2(source, dest)
        except FileNotFoundError:
            vanished.append(rel)
            continue
        files.append({"path": f"instance/{rel}", "size": os.path.getsize(dest), "sha256": sha256_of(dest)})
    return dump_name, files, vanished


def create(uri: str, instance_path: str, target_dir: str, *, key: str, now: datetime, revision: str | None,
           keep: int | None = None, skip=()) -> BackupResult:
    """Write one sealed archive into target_dir (readable by the owner only); with keep, remove all but the newest."""
    if not key:
        raise database.BackupError("no backup key: a backup is never written unencrypted")
    os.makedirs(target_dir, mode=0o700, exist_ok=True)
    kind = database.kind_of(uri)
    skip = set(skip) | ({database.sqlite_path(uri)} if kind == "sqlite" else set())
    with tempfile.TemporaryDirectory(prefix="caseflow-backup-") as staging:
        dump_name, files, vanished = _stage(uri, instance_path, staging, skip)
        dump_path = os.path.join(staging, dump_name)
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(timezone.utc).isoformat(),
            "alembic_revision": revision,
            "database": {"kind": kind, "path": dump_name, "size": os.path.getsize(dump_path),
                         "sha256": sha256_of(dump_path)},
            "files": files,
            "vanished": vanished,
            "not_backed_up": other_folders(instance_path),
        }
        with open(os.path.join(staging, MANIFEST), "w") as fh:
            json.dump(manifest, fh, indent=1)
        final = os.path.join(target_dir, f"{PREFIX}{_stamp(now)}{SUFFIX}")
        partial = final + ".partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                writer = sealed.SealedWriter(raw, key)
                with tarfile.open(fileobj=writer, mode="w|gz") as tar:  # a stream: one chunk in memory at a time
                    tar.add(os.path.join(staging, MANIFEST), arcname=MANIFEST)  # first: read before anything else
                    tar.add(dump_path, arcname=dump_name)
                    for item in files:
                        tar.add(os.path.join(staging, item["path"]), arcname=item["path"])
                writer.finish()
                os.fsync(raw.fileno())
        except BaseException:
            os.remove(partial)
            raise
        os.replace(partial, final)  # never a half-written archive under the final name
    removed = rotate(target_dir, keep) if keep else []
    return BackupResult(final, os.path.getsize(final), len(files), removed, manifest["not_backed_up"])


def archives(target_dir: str) -> list[str]:
    """This folder's archives, oldest first (their names sort by time), the unencrypted ones of before included."""
    return sorted(os.path.join(target_dir, name) for name in os.listdir(target_dir)
                  if name.startswith(PREFIX) and name.endswith((SUFFIX, LEGACY_SUFFIX)))


def rotate(target_dir: str, keep: int) -> list[str]:
    old = archives(target_dir)[:-keep] if keep > 0 else []
    for path in old:
        os.remove(path)
    return old
