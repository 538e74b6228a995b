"""`restore ARCHIVE`: check the manifest against every member, then bring back the database and the files."""
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy import table as sql_table

from caseflow.backup import database
from caseflow.backup.archive import MANIFEST, sha256_of, stored_files
from caseflow.backup.database import BackupError


@dataclass(frozen=True)
class RestoreResult:
    cases: int
    files: int
    created_at: str


def _extract_checked(archive_path: str, into: str) -> dict:
    """Extract the archive, refusing anything the manifest does not list or whose size or hash differs."""
    try:
        tar = tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"not a Caseflow backup archive: {error}") from None
    with tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except (KeyError, ValueError, AttributeError):
            raise BackupError("the archive has no readable manifest.json") from None
        listed = {manifest["database"]["path"]: manifest["database"]}
        listed.update({item["path"]: item for item in manifest["files"]})
        members = [m for m in tar.getmembers() if m.isfile() and m.name != MANIFEST]
        unexpected = sorted({m.name for m in members} - set(listed))
        if unexpected:
            raise BackupError(f"files not in the manifest: {', '.join(unexpected[:5])}")
        tar.extractall(into, members=members, filter="data")  # no absolute paths, no '..', no links out
    for path, item in listed.items():
        full = os.path.join(into, path)
        if not os.path.isfile(full):
            raise BackupError(f"missing from the archive: {path}")
        if os.path.getsize(full) != item["size"] or sha256_of(full) != item["sha256"]:
            raise BackupError(f"damaged in the archive (size or SHA-256 differs from the manifest): {path}")
    return manifest


def existing_data(engine, instance_path: str, db_file: str | None) -> list[str]:
    """What a restore would overwrite: rows in the main tables, stored files."""
    found = []
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in ("case", "user", "audit_event"):
            if table in tables and conn.execute(select(func.count()).select_from(sql_table(table))).scalar():
                found.append(f"table {table}")
    files = stored_files(instance_path, db_file) if os.path.isdir(instance_path) else []
    if files:
        found.append(f"{len(files)} stored file(s) under {instance_path}")
    return found


def restore(archive_path: str, uri: str, instance_path: str, engine, *, force: bool = False) -> RestoreResult:
    kind = database.kind_of(uri)
    db_file = database.sqlite_path(uri) if kind == "sqlite" else None
    with tempfile.TemporaryDirectory(prefix="caseflow-restore-") as staging:
        manifest = _extract_checked(archive_path, staging)
        if manifest["database"]["kind"] != kind:
            raise BackupError(f"the archive holds a {manifest['database']['kind']} database, this installation "
                              f"uses {kind}")
        present = existing_data(engine, instance_path, db_file)
        if present and not force:
            raise BackupError("this installation is not empty (" + "; ".join(present) + "): "
                              "restore with --force to replace it")
        engine.dispose()  # no pooled connection may hold a lock on what is replaced
        database.load(uri, os.path.join(staging, manifest["database"]["path"]))
        _replace_files(os.path.join(staging, "instance"), instance_path, db_file)
    engine.dispose()
    with engine.connect() as conn:
        cases = conn.execute(text('SELECT COUNT(*) FROM "case"')).scalar()
    return RestoreResult(cases=cases, files=len(manifest["files"]), created_at=manifest["created_at"])


def _replace_files(source_root: str, instance_path: str, db_file: str | None) -> None:
    """instance/'s folders become exactly the archive's; top-level files (database, secrets) stay."""
    os.makedirs(instance_path, mode=0o700, exist_ok=True)
    for rel in stored_files(instance_path, db_file):
        os.remove(os.path.join(instance_path, rel))
    if os.path.isdir(source_root):
        for root, _, files in os.walk(source_root):
            for name in files:
                rel = os.path.relpath(os.path.join(root, name), source_root)
                dest = os.path.join(instance_path, rel)
                os.makedirs(os.path.dirname(dest), mode=0o700, exist_ok=True)
                shutil.copy2(os.path.join(root, name), dest)
                os.chmod(dest, 0o600)
