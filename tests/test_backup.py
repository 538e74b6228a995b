"""backup DIR / restore ARCHIVE: a consistent archive taken while cases are written, restored into a fresh instance."""
import io
import json
import os
import tarfile
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, text

from caseflow import create_app
from caseflow.backup import archive
from caseflow.extensions import db
from caseflow.models import AuditEvent, Case, User
from config import TestConfig
from tests.fixtures.cases import open_case
from tests.fixtures.sealing import chunks, seal, tar_gz, unseal


def _state(app):
    """Everything a restore must bring back: cases, events and stored files, by id and path."""
    with app.app_context():
        cases = {c.id: (c.reference, c.requester_name, c.requester_email, c.received_on, c.status,
                        c.attachment_path, c.version) for c in db.session.scalars(select(Case))}
        events = {e.id: (e.case_id, e.action, e.detail, e.before, e.after, e.hash)
                  for e in db.session.scalars(select(AuditEvent))}
        files = {}
        for rel in archive.stored_files(app.instance_path):
            files[rel] = archive.sha256_of(os.path.join(app.instance_path, rel))
        db.session.remove()
    return cases, events, files


def _members(path):
    """The (name, bytes) members of a sealed archive, in order (decrypted by the tests' own reader)."""
    with open(path, "rb") as fh:
        plain = unseal(fh.read())
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]


def _manifest(path):
    name, data = _members(path)[0]
    assert name == "manifest.json"
    return json.loads(data)


def _fresh_app(tmp_path, uri):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = uri
    target = create_app(config)
    target.instance_path = str(tmp_path / "restored-instance")
    return target


def _empty_database(target):
    with target.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def test_backup_while_cases_are_written_restores_case_by_case_event_by_event_file_by_file(app, admin, tmp_path):
    for i in range(5):
        open_case(admin, requester_name=f"Vóór {i}", attachment=io.BytesIO(b"scan %d" % i),
                  attachment_name=f"scan-{i}.pdf")
    before_backup = 5
    stop, errors, written = threading.Event(), [], []
    admin_id = admin.id

    def writer():
        with app.app_context():
            actor = db.session.get(User, admin_id)
            try:
                n = 0
                while not stop.is_set() and n < 200:
                    case = open_case(actor, requester_name=f"Tijdens {n}", attachment=io.BytesIO(b"x" * 5000),
                                     attachment_name="brief.pdf")
                    written.append(case.id)
                    n += 1
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 3 and thread.is_alive():
        stop.wait(0.01)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    stop.set()
    thread.join()
    assert not errors and result.exit_code == 0, result.output
    assert "backup written" in result.output
    source_cases, source_events, source_files = _state(app)

    [path] = archive.archives(str(tmp_path / "backups"))
    assert path.endswith(".cfbackup") and oct(os.stat(path).st_mode & 0o777) == "0o600"
    manifest = _manifest(path)
    assert all(len(item["sha256"]) == 64 and item["size"] > 0 for item in manifest["files"])

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        target = _fresh_app(tmp_path, "sqlite:///" + str(tmp_path / "restored.sqlite"))
    else:  # one PostgreSQL database for the test run: emptied, as a fresh installation's would be
        target = _fresh_app(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
        db.session.remove()
        _empty_database(target)
    with target.app_context():  # the CLI runs in the current app's context: the fresh one's
        restored = target.test_cli_runner().invoke(args=["restore", path])
    assert restored.exit_code == 0, restored.output
    cases, events, files = _state(target)

    assert len(cases) >= before_backup + 3 and len(manifest["files"]) >= len(cases)  # + files of cases in flight
    for case_id, values in cases.items():
        assert values == source_cases[case_id]
        assert files[f"attachments/{values[5]}"] == source_files[f"attachments/{values[5]}"]
    assert events and all(values == source_events[event_id] for event_id, values in events.items())
    assert {e[0] for e in events.values()} == set(cases)
    assert set(files) <= set(source_files)
    with target.app_context():
        verify = target.test_cli_runner().invoke(args=["audit", "verify"])
        db.engine.dispose()
    assert verify.exit_code == 0, verify.output


def test_restore_refuses_a_non_empty_installation_unless_forced(app, admin, tmp_path, runner):
    open_case(admin, attachment=io.BytesIO(b"scan"), attachment_name="scan.pdf")
    assert runner.invoke(args=["backup", str(tmp_path)]).exit_code == 0
    [path] = archive.archives(str(tmp_path))
    refused = runner.invoke(args=["restore", path])
    assert refused.exit_code != 0 and "not empty" in refused.output and "--force" in refused.output
    open_case(admin, requester_name="Na de back-up")
    forced = runner.invoke(args=["restore", path, "--force"])
    assert forced.exit_code == 0, forced.output
    db.session.remove()
    assert [c.requester_name for c in db.session.scalars(select(Case))] == ["Jan Claes"]


def test_the_archive_is_encrypted_and_holds_only_the_database_and_the_folders_of_stored_files(app, admin, tmp_path,
                                                                                             runner):
    open_case(admin, requester_name="Geheime Naam", attachment=io.BytesIO(b"scan van Geheime Naam"),
              attachment_name="scan.pdf")
    instance = app.instance_path
    for name in ("config.py", "audit_key", "audit-anchors.log"):
        with open(os.path.join(instance, name), "w") as fh:
            fh.write("top-level file")
    os.makedirs(os.path.join(instance, "scratch"), exist_ok=True)
    with open(os.path.join(instance, "scratch", "notes.txt"), "w") as fh:
        fh.write("not a stored file")
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "b")])
        assert result.exit_code == 0, result.output
        assert "not backed up (not a folder of stored files): instance/scratch/" in result.output
        [path] = archive.archives(str(tmp_path / "b"))
        with open(path, "rb") as fh:
            raw = fh.read()
        assert raw.startswith(b"CFBACKUP\x01") and b"Geheime" not in raw and b"scan van" not in raw
        names = [name for name, _ in _members(path)]
        assert names[:2] == ["manifest.json", "database.sqlite" if app.config["SQLALCHEMY_DATABASE_URI"]
                             .startswith("sqlite") else "database.dump"]
        assert names[2:] and all(n.startswith("instance/attachments/") for n in names[2:])
        assert _manifest(path)["not_backed_up"] == ["scratch"]
    finally:
        for name in ("config.py", "audit_key", "audit-anchors.log"):
            os.remove(os.path.join(instance, name))
        os.remove(os.path.join(instance, "scratch", "notes.txt"))
        os.rmdir(os.path.join(instance, "scratch"))


def test_restore_refuses_a_damaged_archive(app, admin, tmp_path, runner):
    """Sealed again with the right key, but one stored file differs from the manifest's SHA-256."""
    open_case(admin, attachment=io.BytesIO(b"original scan"), attachment_name="scan.pdf")
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    [path] = archive.archives(str(tmp_path / "b"))
    members = [(name, b"tampered scan" if name.startswith("instance/attachments/") else data)
               for name, data in _members(path)]
    damaged = tmp_path / "damaged.cfbackup"
    damaged.write_bytes(seal(tar_gz(members)))
    before = archive.stored_files(app.instance_path)
    result = runner.invoke(args=["restore", str(damaged), "--force"])
    assert result.exit_code != 0 and "damaged" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert archive.stored_files(app.instance_path) == before
    assert [c.requester_name for c in db.session.scalars(select(Case))] == ["Jan Claes"]


def test_keep_rotates_old_archives_the_unencrypted_ones_of_before_first(app, admin, tmp_path, runner):
    from caseflow.backup.service import make_backup

    (tmp_path / "caseflow-backup-20260309T023000000000Z.tar.gz").write_bytes(b"an old plain archive")
    for hour in range(4):
        make_backup(str(tmp_path), keep=2, now=datetime(2026, 3, 10, hour, tzinfo=timezone.utc))
    names = [os.path.basename(p) for p in archive.archives(str(tmp_path))]
    assert names == ["caseflow-backup-20260310T020000000000Z.cfbackup",
                     "caseflow-backup-20260310T030000000000Z.cfbackup"]
    result = runner.invoke(args=["backup", str(tmp_path), "--keep", "1"])
    assert result.exit_code == 0 and result.output.count("removed old backup") == 2


def test_backup_without_a_key_is_refused_and_writes_nothing(app, admin, tmp_path, runner, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_KEY", None)
    result = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert result.output == ("Error: no backup key: set CASEFLOW_BACKUP_KEY or CASEFLOW_BACKUP_KEY_FILE "
                             "(a backup is never written unencrypted)\n")
    assert not (tmp_path / "b").exists()


def test_the_daily_backup_without_a_key_records_a_failure_with_the_reason(app, admin, tmp_path, monkeypatch):
    from caseflow.jobs import runner as jobs
    from caseflow.jobs.models import JobRun

    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "daily"))
    monkeypatch.setitem(app.config, "BACKUP_KEY", None)
    result = jobs.run("backup", today=date(2026, 3, 10), now=datetime(2026, 3, 10, 1, 30, tzinfo=timezone.utc))
    assert result.status == "failed" and "no backup key" in result.error
    run = db.session.scalar(select(JobRun).where(JobRun.job == "backup"))
    assert run.status == "failed" and "no backup key" in run.error
    assert not os.path.exists(tmp_path / "daily") or not os.listdir(tmp_path / "daily")

    monkeypatch.setitem(app.config, "BACKUP_KEY", "test-only-backup-key")
    again = jobs.run("backup", today=date(2026, 3, 10), now=datetime(2026, 3, 10, 1, 40, tzinfo=timezone.utc))
    assert again.status == "done" and len(archive.archives(str(tmp_path / "daily"))) == 1


def test_a_short_key_or_two_key_settings_are_refused(app, admin, tmp_path, runner, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_KEY", "kort")
    short = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert short.exit_code != 0 and "too short" in short.output
    key_file = tmp_path / "backup.key"
    key_file.write_text("a-key-from-a-file-0123456789\n")
    monkeypatch.setitem(app.config, "BACKUP_KEY_FILE", str(key_file))
    both = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert both.exit_code != 0 and "keep one" in both.output
    assert not (tmp_path / "b").exists()


def test_the_key_file_setting_and_restore_with_key_file_or_the_hidden_prompt(app, admin, tmp_path, runner,
                                                                            monkeypatch):
    open_case(admin, attachment=io.BytesIO(b"scan"), attachment_name="scan.pdf")
    key_file = tmp_path / "keys" / "backup.key"
    key_file.parent.mkdir()
    key_file.write_text("a-key-from-a-file-0123456789\n")
    monkeypatch.setitem(app.config, "BACKUP_KEY", None)
    monkeypatch.setitem(app.config, "BACKUP_KEY_FILE", str(key_file))
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    [path] = archive.archives(str(tmp_path / "b"))
    with open(path, "rb") as fh:
        unseal(fh.read(), "a-key-from-a-file-0123456789")  # the file's newline is not part of the key

    assert runner.invoke(args=["restore", path, "--force"]).exit_code == 0  # the key file of the settings
    monkeypatch.setitem(app.config, "BACKUP_KEY_FILE", None)
    by_file = runner.invoke(args=["restore", path, "--force", "--key-file", str(key_file)])
    assert by_file.exit_code == 0, by_file.output
    asked = runner.invoke(args=["restore", path, "--force"], input="a-key-from-a-file-0123456789\n")
    assert asked.exit_code == 0 and "Backup key" in asked.output and "a-key-from-a-file" not in asked.output
    wrong = runner.invoke(args=["restore", path, "--force"], input="not-the-key-at-all-000\n")
    assert wrong.exit_code != 0 and "wrong backup key" in wrong.output

    key_file.rename(tmp_path / "b" / "backup.key")  # beside the archives: refused
    monkeypatch.setitem(app.config, "BACKUP_KEY_FILE", str(tmp_path / "b" / "backup.key"))
    beside = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert beside.exit_code != 0 and "keep it elsewhere" in beside.output


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 2 * 1024 * 1024 + 5])
def test_the_container_is_the_documented_layout_in_chunks_of_one_mebibyte(size):
    """Written by sealed.SealedWriter, read by the tests' own reader of the documented layout, and back."""
    from caseflow.backup import sealed

    plaintext = os.urandom(size)
    out = io.BytesIO()
    writer = sealed.SealedWriter(out, "test-only-backup-key")
    for start in range(0, size, 300_000):  # written in pieces, as tarfile does
        writer.write(plaintext[start:start + 300_000])
    writer.finish()
    data = out.getvalue()
    assert unseal(data) == plaintext
    lengths = [n - 4 - 16 for _, n in chunks(data)]
    assert lengths[:-1] == [1024 * 1024] * (len(lengths) - 1) and lengths[-1] == size - 1024 * 1024 * (len(lengths) - 1)
    out.seek(0)
    assert sealed.open_plaintext(out, sealed.authenticate(out, "test-only-backup-key")).read() == plaintext
