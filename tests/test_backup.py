"""backup DIR / restore ARCHIVE: a consistent archive taken while cases are written, restored into a fresh instance."""
import io
import json
import os
import tarfile
import threading

from sqlalchemy import select, text

from caseflow import create_app
from caseflow.backup import archive
from caseflow.extensions import db
from caseflow.models import AuditEvent, Case, User
from config import TestConfig
from tests.fixtures.cases import open_case


def _state(app):
    """Everything a restore must bring back: cases, events and stored files, by id and path."""
    with app.app_context():
        cases = {c.id: (c.reference, c.requester_name, c.requester_email, c.received_on, c.status,
                        c.attachment_path, c.version) for c in db.session.scalars(select(Case))}
        events = {e.id: (e.case_id, e.action, e.detail, e.before, e.after, e.hash)
                  for e in db.session.scalars(select(AuditEvent))}
        files = {}
        for rel in archive.stored_files(app.instance_path, None):
            if not rel.endswith(".sqlite"):
                files[rel] = archive.sha256_of(os.path.join(app.instance_path, rel))
        db.session.remove()
    return cases, events, files


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
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
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


def test_restore_refuses_a_damaged_archive(app, admin, tmp_path, runner):
    open_case(admin, attachment=io.BytesIO(b"original scan"), attachment_name="scan.pdf")
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    [path] = archive.archives(str(tmp_path / "b"))
    damaged = str(tmp_path / "damaged.tar.gz")
    with tarfile.open(path) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("instance/attachments/"):
                data = b"tampered scan"
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    result = runner.invoke(args=["restore", damaged, "--force"])
    assert result.exit_code != 0 and "damaged" in result.output


def test_keep_rotates_old_archives(app, admin, tmp_path, runner):
    from datetime import datetime, timezone

    from caseflow.backup.service import make_backup

    for hour in range(4):
        make_backup(str(tmp_path), keep=2, now=datetime(2026, 3, 10, hour, tzinfo=timezone.utc))
    names = [os.path.basename(p) for p in archive.archives(str(tmp_path))]
    assert names == ["caseflow-backup-20260310T020000000000Z.tar.gz", "caseflow-backup-20260310T030000000000Z.tar.gz"]
    result = runner.invoke(args=["backup", str(tmp_path), "--keep", "1"])
    assert result.exit_code == 0 and result.output.count("removed old backup") == 2
