"""restore ARCHIVE against archives made to harm: each is refused in one line, and nothing of the installation changes.

The crafted archives are built by hand (tests/fixtures/sealing.py, from the documented layout), most of them sealed
with the RIGHT key from a real backup's own members: authentication alone must not let a bad path through.
"""
import hashlib
import io
import json
import os
import stat
import tarfile

import pytest
from sqlalchemy import select

from caseflow.backup import archive
from caseflow.extensions import db
from caseflow.models import Case
from tests.fixtures.cases import open_case
from tests.fixtures.sealing import chunks, entry, manifest, seal, tar_gz, unseal


@pytest.fixture
def backup(app, admin, tmp_path, runner):
    """A real backup's members (manifest first), then a case and a file added after it, so a restore would show."""
    open_case(admin, requester_name="In de back-up", attachment=io.BytesIO(b"scan in the backup"),
              attachment_name="scan.pdf")
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    [path] = archive.archives(str(tmp_path / "b"))
    with open(path, "rb") as fh:
        raw = fh.read()
    with tarfile.open(fileobj=io.BytesIO(unseal(raw)), mode="r:gz") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    open_case(admin, requester_name="Na de back-up", attachment=io.BytesIO(b"scan after"), attachment_name="na.pdf")
    return {"path": path, "raw": raw, "members": members}


def _snapshot(app):
    """Every file under instance/ (top level too) by hash, and the cases' names: what a refused restore keeps."""
    files = {}
    for root, _, names in os.walk(app.instance_path):
        for name in names:
            full = os.path.join(root, name)
            with open(full, "rb") as fh:
                files[os.path.relpath(full, app.instance_path)] = hashlib.sha256(fh.read()).hexdigest()
    db.session.remove()
    cases = sorted(c.requester_name for c in db.session.scalars(select(Case)))
    db.session.remove()
    return files, cases


def _refused(app, runner, path, *words, args=()):
    before = _snapshot(app)
    result = runner.invoke(args=["restore", str(path), "--force", *args])
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    for word in words:
        assert word in result.output
    after = _snapshot(app)
    assert after == before
    assert after[1] == ["In de back-up", "Na de back-up"]
    assert not os.path.exists(os.path.join(app.instance_path, "config.py"))
    return result.output


def _with(members, *extra, manifest_files=None):
    """The backup's members plus `extra`, under a manifest that lists them all with the right sizes and hashes."""
    old = json.loads(members[0][1])
    database = next((name, data) for name, data in members if name == old["database"]["path"])
    files = [(n, d) for n, d in members[1:] if n.startswith("instance/")] + list(extra)
    listed = files if manifest_files is None else manifest_files
    return [("manifest.json", manifest(database, listed, kind=old["database"]["kind"]))] + \
        [database] + files


def _sealed(tmp_path, members, name="crafted.cfbackup", **kw):
    path = tmp_path / name
    path.write_bytes(seal(tar_gz(members), **kw))
    return path


def test_the_crafted_archives_are_made_right(app, backup, tmp_path, runner):
    """The control: the backup's own members, sealed by hand in small chunks, restore; so each refusal below is for
    the one thing wrong with its archive."""
    path = _sealed(tmp_path, _with(backup["members"]), chunk=700)
    assert len(chunks(path.read_bytes())) > 3
    result = runner.invoke(args=["restore", str(path), "--force"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert [c.requester_name for c in db.session.scalars(select(Case))] == ["In de back-up"]


@pytest.mark.parametrize("name", ["instance/config.py", "instance/secret_key", "instance/audit_key",
                                  "instance/audit-anchors.log", "instance/caseflow.sqlite", "instance/scratch/x.py",
                                  "config.py", "instance/attachments", "migrations/env.py"])
def test_an_archive_writing_outside_the_folders_of_stored_files_is_refused(app, backup, tmp_path, runner, name):
    """The review's archive: instance/config.py and secret_key, listed with their right SHA-256, the right key."""
    planted = b"import os; os.system('touch /tmp/pwned')\n"
    path = _sealed(tmp_path, _with(backup["members"], (name, planted), ("instance/secret_key", b"forged")))
    _refused(app, runner, path, "would write", "a restore writes only the database")


def test_a_member_the_manifest_does_not_list_is_refused(app, backup, tmp_path, runner):
    members = _with(backup["members"]) + [("instance/config.py", b"print('planted')\n")]
    _refused(app, runner, _sealed(tmp_path, members), "instance/config.py")
    members = _with(backup["members"]) + [("instance/attachments/extra.pdf", b"not listed")]
    _refused(app, runner, _sealed(tmp_path, members, "b.cfbackup"), "not in the manifest")


@pytest.mark.parametrize("name", ["../x", "instance/attachments/../../config.py", "instance/attachments/../secret_key",
                                  "/tmp/caseflow-outside", "instance//attachments/x", "instance/attachments/./x",
                                  "instance\\attachments\\..\\..\\config.py", "instance/attachments/x\ny"])
def test_a_path_that_leaves_its_folder_is_refused(app, backup, tmp_path, runner, name):
    path = _sealed(tmp_path, _with(backup["members"], (name, b"planted")))
    _refused(app, runner, path)
    assert not os.path.exists("/tmp/caseflow-outside") and not os.path.exists(os.path.join(app.instance_path, "..",
                                                                                           "x"))


def test_the_same_path_as_a_bare_member_is_refused_even_when_not_listed(app, backup, tmp_path, runner):
    members = _with(backup["members"]) + [("../../outside", b"planted")]
    _refused(app, runner, _sealed(tmp_path, members), "leaves its folder")


def test_a_file_that_would_be_written_through_a_symlink_out_of_its_folder_is_refused(app, backup, tmp_path, runner):
    outside = tmp_path / "outside"
    outside.mkdir()
    link = os.path.join(app.instance_path, "attachments", "sub")
    os.symlink(outside, link)
    try:
        path = _sealed(tmp_path, _with(backup["members"], ("instance/attachments/sub/planted.py", b"planted")))
        _refused(app, runner, path, "through a symlink")
        assert not os.listdir(outside)
    finally:
        os.remove(link)


def test_a_manifest_naming_a_database_outside_the_archive_is_refused(app, backup, tmp_path, runner):
    outside = tmp_path / "outside.sqlite"
    outside.write_bytes(dict(backup["members"])[json.loads(backup["members"][0][1])["database"]["path"]])
    old = json.loads(backup["members"][0][1])
    for named in (str(outside), "../outside.sqlite", "instance/attachments/db.sqlite", "database.sqlite/../x"):
        listed = json.loads(backup["members"][0][1])
        listed["database"]["path"] = named
        members = [("manifest.json", json.dumps(listed).encode())] + backup["members"][1:]
        output = _refused(app, runner, _sealed(tmp_path, members, f"{len(named)}.cfbackup"))
        assert "database" in output or "leaves its folder" in output
    wrong_kind = "postgresql" if old["database"]["kind"] == "sqlite" else "sqlite"
    listed = json.loads(backup["members"][0][1])
    listed["database"]["kind"] = wrong_kind
    members = [("manifest.json", json.dumps(listed).encode())] + backup["members"][1:]
    _refused(app, runner, _sealed(tmp_path, members, "kind.cfbackup"), "database")


def _special(name, kind, **kw):
    info = tarfile.TarInfo(name)
    info.type = kind
    for key, value in kw.items():
        setattr(info, key, value)
    return info


@pytest.mark.parametrize("info", [
    _special("instance/attachments/link", tarfile.SYMTYPE, linkname="../../config.py"),
    _special("instance/attachments/link", tarfile.SYMTYPE, linkname="/etc/passwd"),
    _special("instance/attachments/hard", tarfile.LNKTYPE, linkname="instance/attachments/x"),
    _special("instance/attachments/dir", tarfile.DIRTYPE, mode=0o777),
    _special("instance/attachments/dev", tarfile.CHRTYPE, devmajor=1, devminor=3),
    _special("instance/attachments/blk", tarfile.BLKTYPE, devmajor=8, devminor=0),
    _special("instance/attachments/fifo", tarfile.FIFOTYPE),
], ids=["symlink-up", "symlink-absolute", "hardlink", "directory", "char-device", "block-device", "fifo"])
def test_links_folders_and_devices_are_refused(app, backup, tmp_path, runner, info):
    members = _with(backup["members"], manifest_files=[(n, d) for n, d in backup["members"][2:]]
                    + [(info.name, b"")])
    members.append((info, None))
    _refused(app, runner, _sealed(tmp_path, members), "link, folder or device")


def test_a_member_twice_or_one_missing_or_the_manifest_not_first_is_refused(app, backup, tmp_path, runner):
    members = _with(backup["members"])
    _refused(app, runner, _sealed(tmp_path, members + [members[-1]], "twice.cfbackup"), "twice")
    _refused(app, runner, _sealed(tmp_path, members[:-1], "missing.cfbackup"), "missing")
    _refused(app, runner, _sealed(tmp_path, members[1:] + members[:1], "late.cfbackup"), "manifest")
    _refused(app, runner, _sealed(tmp_path, [(n, d) for n, d in members if n != "manifest.json"], "none.cfbackup"),
             "manifest")
    listed = json.loads(members[0][1])
    listed["format"] = 1
    _refused(app, runner, _sealed(tmp_path, [("manifest.json", json.dumps(listed).encode())] + members[1:],
                                  "format.cfbackup"), "format 2")
    _refused(app, runner, _sealed(tmp_path, [("manifest.json", b"{not json")] + members[1:], "json.cfbackup"),
             "JSON")


def test_a_file_whose_content_differs_from_its_manifest_entry_is_refused(app, backup, tmp_path, runner):
    members = [(n, b"other bytes" if n.startswith("instance/") else d) for n, d in backup["members"]]
    _refused(app, runner, _sealed(tmp_path, members), "damaged")


def test_an_archive_sealed_with_another_key_is_refused(app, backup, tmp_path, runner, monkeypatch):
    path = _sealed(tmp_path, _with(backup["members"]), key="somebody-elses-backup-key")
    _refused(app, runner, path, "wrong backup key")
    monkeypatch.setitem(app.config, "BACKUP_KEY", "not-the-key-it-was-made-with")
    _refused(app, runner, backup["path"], "wrong backup key")


@pytest.mark.parametrize("where", ["magic", "version", "salt", "nonce prefix", "key check", "length",
                                   "ciphertext", "tag"])
def test_a_flipped_byte_anywhere_is_refused(app, backup, tmp_path, runner, where):
    raw = bytearray(backup["raw"])
    offset, size = chunks(bytes(raw))[0]
    at = {"magic": 3, "version": 8, "salt": 20, "nonce prefix": 30, "key check": 50, "length": offset + 3,
          "ciphertext": offset + size // 2, "tag": offset + size - 1}[where]
    raw[at] ^= 0x01
    path = tmp_path / "flipped.cfbackup"
    path.write_bytes(bytes(raw))
    _refused(app, runner, path)


def test_chunks_reordered_dropped_repeated_or_the_file_cut_short_or_extended_are_refused(app, backup, tmp_path,
                                                                                          runner):
    data = _sealed(tmp_path, _with(backup["members"]), chunk=500).read_bytes()
    parts = [data[o:o + n] for o, n in chunks(data)]
    head = data[:65]
    assert len(parts) >= 4
    variants = {
        "swapped": head + parts[1] + parts[0] + b"".join(parts[2:]),
        "dropped": head + parts[0] + b"".join(parts[2:]),
        "repeated": head + parts[0] + b"".join(parts),
        "last dropped": head + b"".join(parts[:-1]),
        "cut in a chunk": data[:-7],
        "header only": head,
        "header cut": data[:40],
        "extended": data + b"\x00\x00\x00\x20" + b"x" * 32,
        "trailing byte": data + b"\x00",
    }
    for name, variant in variants.items():
        path = tmp_path / f"{name}.cfbackup"
        path.write_bytes(variant)
        output = _refused(app, runner, path)
        if name == "last dropped":
            assert "cut short" in output


def test_unreasonable_scrypt_parameters_are_refused_before_any_work(app, backup, tmp_path, runner):
    raw = bytearray(backup["raw"])
    raw[10] = 30  # N = 2^30: gigabytes of memory
    path = tmp_path / "scrypt.cfbackup"
    path.write_bytes(bytes(raw))
    _refused(app, runner, path, "scrypt")


def test_an_unencrypted_backup_of_before_is_refused_unless_asked_for_and_then_holds_to_the_same_rules(
        app, backup, tmp_path, runner):
    plain = [(n, d) for n, d in _with(backup["members"])]
    listed = json.loads(plain[0][1])
    listed["format"] = 1
    legacy = [("manifest.json", json.dumps(listed).encode())] + plain[1:]
    path = tmp_path / "caseflow-backup-20260301T023000000000Z.tar.gz"
    path.write_bytes(tar_gz(legacy))
    _refused(app, runner, path, "unencrypted", "--unencrypted-legacy")

    evil = legacy[1:] + [("instance/config.py", b"print('planted')\n")]
    listed["files"].append(entry("instance/config.py", b"print('planted')\n"))
    evil_path = tmp_path / "evil.tar.gz"
    evil_path.write_bytes(tar_gz([("manifest.json", json.dumps(listed).encode())] + evil))
    _refused(app, runner, evil_path, "would write", args=["--unencrypted-legacy"])

    result = runner.invoke(args=["restore", str(path), "--force", "--unencrypted-legacy"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert [c.requester_name for c in db.session.scalars(select(Case))] == ["In de back-up"]


def test_what_is_not_a_backup_is_refused(app, backup, tmp_path, runner):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some text")
    _refused(app, runner, path, "not a Caseflow backup")
    path = tmp_path / "garbage.cfbackup"
    path.write_bytes(seal(b"not a tar.gz at all"))
    _refused(app, runner, path, "not a readable tar.gz")


def test_a_refused_restore_writes_nothing_into_a_fresh_installation_either(app, backup, tmp_path, runner):
    """Also the staging folder goes: nothing of a refused archive is left in the temporary folder."""
    import tempfile

    path = _sealed(tmp_path, _with(backup["members"], ("instance/config.py", b"print('planted')\n")))
    leftovers = set(os.listdir(tempfile.gettempdir()))
    _refused(app, runner, path)
    assert not {n for n in set(os.listdir(tempfile.gettempdir())) - leftovers if n.startswith("caseflow-restore-")}
    assert stat.S_IMODE(os.stat(backup["path"]).st_mode) == 0o600
