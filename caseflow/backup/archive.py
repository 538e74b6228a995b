"""`backup DIR`: the database snapshot, every file in instance/'s folders and manifest.json, as one tar.gz.

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
from dataclasses import dataclass
from datetime import datetime, timezone

from caseflow.backup import database

PREFIX = "caseflow-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
FORMAT = 1
# Not copied: the database itself (dumped instead) and the secrets (keep them apart from the backups).
SKIPPED_TOP_LEVEL = {"secret_key", "config.py"}


@dataclass(frozen=True)
class BackupResult:
    path: str
    size: int
    files: int
    removed: list


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files(instance_path: str, db_file: str | None) -> list[str]:
    """Every file in instance/'s folders (attachments/, packages/, mail/, ...), relative, sorted."""
    found = []
    for root, dirs, files in os.walk(instance_path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, instance_path)
            if os.sep not in rel:  # top level: the database, secrets, settings
                continue
            if db_file and os.path.abspath(full) == os.path.abspath(db_file):
                continue
            found.append(rel.replace(os.sep, "/"))
    return sorted(found)


def _stamp(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def create(uri: str, instance_path: str, target_dir: str, *, now: datetime, revision: str | None,
           keep: int | None = None) -> BackupResult:
    """Write one archive into target_dir (readable by the owner only); with keep, remove all but the newest."""
    os.makedirs(target_dir, mode=0o700, exist_ok=True)
    kind = database.kind_of(uri)
    db_file = database.sqlite_path(uri) if kind == "sqlite" else None
    with tempfile.TemporaryDirectory(prefix="caseflow-backup-") as staging:
        dump_name = database.dump(uri, staging)
        files, vanished = [], []
        for rel in stored_files(instance_path, db_file):
            source = os.path.join(instance_path, rel)
            dest = os.path.join(staging, "instance", rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            try:
                shutil.copy2(source, dest)
            except FileNotFoundError:
                vanished.append(rel)
                continue
            files.append({"path": f"instance/{rel}", "size": os.path.getsize(dest), "sha256": sha256_of(dest)})
        dump_path = os.path.join(staging, dump_name)
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(timezone.utc).isoformat(),
            "alembic_revision": revision,
            "database": {"kind": kind, "path": dump_name, "size": os.path.getsize(dump_path),
                         "sha256": sha256_of(dump_path)},
            "files": files,
            "vanished": vanished,
        }
        with open(os.path.join(staging, MANIFEST), "w") as fh:
            json.dump(manifest, fh, indent=1)
        final = os.path.join(target_dir, f"{PREFIX}{_stamp(now)}{SUFFIX}")
        partial = final + ".partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(os.path.join(staging, MANIFEST), arcname=MANIFEST)
            tar.add(dump_path, arcname=dump_name)
            for item in files:
                tar.add(os.path.join(staging, item["path"]), arcname=item["path"])
            raw.flush()
        os.replace(partial, final)  # never a half-written archive under the final name
    removed = rotate(target_dir, keep) if keep else []
    return BackupResult(final, os.path.getsize(final), len(files), removed)


def archives(target_dir: str) -> list[str]:
    """This folder's archives, oldest first (their names sort by time)."""
    return sorted(os.path.join(target_dir, name) for name in os.listdir(target_dir)
                  if name.startswith(PREFIX) and name.endswith(SUFFIX))


def rotate(target_dir: str, keep: int) -> list[str]:
    old = archives(target_dir)[:-keep] if keep > 0 else []
    for path in old:
        os.remove(path)
    return old
