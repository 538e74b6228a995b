"""Reading an archive's tar stream into a private staging folder, by rules no archive can bend.

The rules, each checked before a byte of the member concerned is written (and the staging folder is not the
installation: restore.py writes there only once the whole archive passed):
- the first member is manifest.json, a regular file of at most MANIFEST_LIMIT bytes, in the format expected;
- the manifest's database is the archive's own member for its kind (database.sqlite or database.dump), never a path
  elsewhere; its files lie in instance/<one of STORED_FOLDERS>/, nothing at the top of instance/ (config.py,
  secret_key, audit_key, the anchor log...) and nowhere else;
- every path is relative, '/'-separated, without '', '.' or '..' parts, backslashes, NUL or control characters;
- every member is a regular file (no directory, symlink, hardlink, device, fifo or sparse file), listed in the
  manifest, present once, with the manifest's size and SHA-256; everything the manifest lists is present.
"""
import hashlib
import json
import os
import tarfile
import zlib

from caseflow.backup.archive import DATABASE_MEMBERS, MANIFEST, STORED_FOLDERS
from caseflow.backup.database import BackupError

MANIFEST_LIMIT = 64 * 1024 * 1024
BLOCK = 1024 * 1024
READ_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error)


def _parts(name: str) -> list[str]:
    """The parts of a member's path, or BackupError when it could leave its folder."""
    if not isinstance(name, str) or not name:
        raise BackupError("the archive holds a member without a name")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise BackupError(f"the archive holds an absolute path: {name!r}")
    if "\\" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise BackupError(f"the archive holds a path with a backslash or control character: {name!r}")
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise BackupError(f"the archive holds a path that leaves its folder: {name!r}")
    return parts


def check_file_path(name: str) -> list[str]:
    """A stored file's path: instance/<folder of stored files>/..., nothing else."""
    parts = _parts(name)
    if parts[0] != "instance" or len(parts) < 3 or parts[1] not in STORED_FOLDERS:
        raise BackupError(f"the archive would write {name!r}: a restore writes only the database and "
                          f"instance/{{{','.join(STORED_FOLDERS)}}}/")
    return parts


def _entry(item, what: str) -> dict:
    if (not isinstance(item, dict) or not isinstance(item.get("path"), str)
            or not isinstance(item.get("size"), int) or item["size"] < 0
            or not isinstance(item.get("sha256"), str) or len(item["sha256"]) != 64):
        raise BackupError(f"the manifest's entry for {what} is malformed")
    return item


def check_manifest(manifest, expected_format: int) -> dict[str, dict]:
    """What the archive may hold, by member name, from a manifest that passes the rules."""
    if not isinstance(manifest, dict) or manifest.get("format") != expected_format:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"the manifest is not of backup format {expected_format} (it says {found!r})")
    db_entry = _entry(manifest.get("database"), "the database")
    kind = db_entry.get("kind")
    if kind not in DATABASE_MEMBERS:
        raise BackupError(f"the manifest names an unknown database kind: {kind!r}")
    if db_entry["path"] != DATABASE_MEMBERS[kind]:
        raise BackupError(f"the manifest names a database that is not the archive's own {DATABASE_MEMBERS[kind]}: "
                          f"{db_entry['path']!r}")
    files = manifest.get("files")
    if not isinstance(files, list) or not isinstance(manifest.get("created_at"), str):
        raise BackupError("the manifest has no list of files or no creation time")
    listed = {db_entry["path"]: db_entry}
    for item in files:
        _entry(item, "a file")
        check_file_path(item["path"])
        if item["path"] in listed:
            raise BackupError(f"the manifest lists {item['path']!r} twice")
        listed[item["path"]] = item
    return listed


def _check_member(member: tarfile.TarInfo) -> list[str]:
    parts = _parts(member.name)
    if not member.isreg() or member.issparse():
        raise BackupError(f"the archive holds a link, folder or device instead of a file: {member.name!r}")
    return parts


def _write(source, dest: str, item: dict, name: str) -> None:
    """Copy one member into the staging folder, checking its size and hash as it goes."""
    os.makedirs(os.path.dirname(dest), mode=0o700, exist_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as out:
        while block := source.read(BLOCK):
            size += len(block)
            if size > item["size"]:
                break
            digest.update(block)
            out.write(block)
    if size != item["size"] or digest.hexdigest() != item["sha256"]:
        raise BackupError(f"damaged in the archive (size or SHA-256 differs from the manifest): {name}")


def unpack(stream, into: str, *, expected_format: int) -> dict:
    """Read the tar.gz stream into `into` (an empty private folder) by the rules above; return the manifest."""
    try:
        return _unpack(stream, into, expected_format)
    except READ_ERRORS as error:
        raise BackupError(f"the archive's content is not a readable tar.gz stream ({error})") from None


def _unpack(stream, into: str, expected_format: int) -> dict:
    with tarfile.open(fileobj=stream, mode="r|gz") as tar:
        first = tar.next()
        if first is None or first.name != MANIFEST:
            raise BackupError("the archive does not start with its manifest.json")
        _check_member(first)
        if first.size > MANIFEST_LIMIT:
            raise BackupError(f"the archive's manifest.json is over {MANIFEST_LIMIT} bytes")
        try:
            manifest = json.loads(tar.extractfile(first).read())
        except (ValueError, UnicodeDecodeError):
            raise BackupError("the archive's manifest.json is not readable JSON") from None
        listed = check_manifest(manifest, expected_format)
        seen = set()
        while (member := tar.next()) is not None:  # not `for member in tar`: that starts again at the first
            parts = _check_member(member)
            if member.name not in listed:
                if parts[0] == "instance":
                    check_file_path(member.name)
                raise BackupError(f"a file not in the manifest: {member.name!r}")
            if member.name in seen:
                raise BackupError(f"the archive holds {member.name!r} twice")
            seen.add(member.name)
            dest = os.path.join(into, *parts)
            _write(tar.extractfile(member), dest, listed[member.name], member.name)
            try:
                os.utime(dest, (member.mtime, member.mtime), follow_symlinks=False)
            except (OverflowError, ValueError, TypeError):  # an impossible time: the file keeps today's
                pass
    missing = sorted(set(listed) - seen)
    if missing:
        raise BackupError(f"missing from the archive: {', '.join(missing[:5])}")
    return manifest
