"""Retention: cases closed longer than the retention period are anonymised; stray files go; files are private."""
import io
import os
import stat
import time
from datetime import date, datetime, timedelta

from sqlalchemy import select

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import service as intake
from caseflow.intake.models import IntakeMessage
from caseflow.jobs import runner as jobs
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.models import Case, PackageFile
from caseflow.registered import service as registered
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

TODAY = date(2031, 6, 10)


def _closed_case(actor, closed_on: date, name: str):
    """An access case worked and closed on `closed_on`, with a scan, a package file and a requester correction."""
    received = closed_on - timedelta(days=10)
    case = open_case(actor, received_on=received, today=received, requester_name=name,
                     customer_number="K-77", attachment=io.BytesIO(b"scan"), attachment_name=f"{name}.pdf")
    svc.update_requester(case, actor=actor, requester_name=name, requester_email=f"{name.lower()}@example.be",
                         requester_address="Kerkstraat 1\n2960 Brecht", customer_number="K-78")
    svc.record_identity(case, actor=actor, method="kopie eID", received_on=received, today=received)
    packages.add_files(case, [(f"{name}-orders.csv", io.BytesIO(b"1;2\n"))], actor=actor)
    moment = datetime.combine(closed_on, datetime.min.time(), clock.BRUSSELS).replace(hour=12)
    svc.close(case, actor=actor, status="withdrawn", note=f"{name} trok het verzoek in", today=closed_on, now=moment)
    return case


def test_retention_anonymises_a_case_closed_five_years_and_a_day_ago_only(app, runner):
    actor = make_user()
    old = _closed_case(actor, date(2026, 6, 9), "Oud")  # 5 years and a day before TODAY
    young = _closed_case(actor, date(2026, 6, 11), "Jong")  # 5 years minus a day
    old_scan = os.path.join(app.instance_path, "attachments", old.attachment_path)
    old_export = os.path.join(packages.folder(old), old.package_files[0].stored_name)
    young_scan = os.path.join(app.instance_path, "attachments", young.attachment_path)

    result = jobs.run("retention", today=TODAY)
    assert (result.status, result.counts["anonymised"]) == ("done", 1)
    db.session.expire_all()
    old, young = db.session.get(Case, old.id), db.session.get(Case, young.id)

    assert old.requester_name == "—" and old.requester_email is None and old.requester_address is None
    assert old.customer_number is None and old.request_text == "" and old.attachment_path is None
    assert old.closing_note is None and old.anonymised_on == TODAY
    assert not os.path.exists(old_scan) and not os.path.exists(old_export)
    assert not db.session.scalars(select(PackageFile).where(PackageFile.case_id == old.id)).all()
    assert (old.reference, old.status, old.right_keys) == ("DSR-2026-0001", "withdrawn", ["access"])
    assert old.received_on == date(2026, 5, 30) and old.identity_verified_on is not None
    assert "oud" not in old.search_text

    texts = [(e.detail or "") + (e.before or "") + (e.after or "") for e in old.events]
    assert not any("Oud" in t or "oud@" in t or "K-7" in t for t in texts)
    assert old.events[-1].action == "anonymised"
    assert [e.action for e in old.events][:2] == ["case_opened", "requester_changed"]

    assert young.requester_name == "Jong" and os.path.exists(young_scan) and young.anonymised_on is None
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output  # the chain holds after the texts were blanked
    assert jobs.run("retention", today=TODAY + timedelta(days=1)).counts["anonymised"] == 0


def test_stray_files_are_removed_after_a_day(app):
    actor = make_user()
    case = open_case(actor, attachment=io.BytesIO(b"scan"), attachment_name="scan.pdf")
    folder = os.path.join(app.instance_path, "attachments")
    stray_old, stray_new = os.path.join(folder, "crashed-old.pdf"), os.path.join(folder, "crashed-new.pdf")
    for path in (stray_old, stray_new):
        with open(path, "wb") as fh:
            fh.write(b"half a save")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stray_old, (two_days_ago, two_days_ago))
    os.utime(os.path.join(folder, case.attachment_path), (two_days_ago, two_days_ago))

    result = jobs.run("retention", today=clock.today())
    assert result.counts["orphans"] == 1
    assert not os.path.exists(stray_old)
    assert os.path.exists(stray_new)  # maybe a save still running: kept until it is a day old
    assert os.path.exists(os.path.join(folder, case.attachment_path))  # belongs to a case


def test_database_and_instance_are_readable_by_the_owner_only(tmp_path):
    from caseflow import create_app

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    app = create_app({"SECRET_KEY": "x", "AUDIT_KEY": "x-audit", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(instance / "caseflow.sqlite")})
    app.instance_path = str(instance)
    from caseflow import _owner_only
    _owner_only(app)
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(instance / "caseflow.sqlite").st_mode) == 0o600


def test_stored_scans_are_private(app):
    actor = make_user()
    case = open_case(actor, attachment=io.BytesIO(b"scan"), attachment_name="scan.pdf")
    path = os.path.join(app.instance_path, "attachments", case.attachment_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def _email(*, sent: datetime) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Oud Verzoeker <oud@example.be>", "info@labelstudio.be", "Mijn verzoek"
    msg["Date"] = sent.strftime("%a, %d %b %Y %H:%M:%S %z")
    msg.set_content("Hierbij mijn identiteitskaart. Oud Verzoeker, Kerkstraat 1, Brecht.")
    msg.add_attachment(b"%PDF-1.4 eID", maintype="application", subtype="pdf", filename="eid-oud.pdf")
    return msg.as_bytes()


def _registered_case(actor, received: date, name: str):
    """A case by registered letter: the acknowledgement posted with its Bpost receipt."""
    case = open_case(actor, received_on=received, today=received, requester_name=name, requester_email=None,
                     requester_address="Kerkstraat 1\n2960 Brecht")
    letter = correspondence.send_as_drafted(case, "acknowledgement", actor=actor, today=received)
    assert letter.delivery == "registered_letter"
    registered.record_posting(letter, actor=actor, posted_on=received, tracking_number="RR987654321BE",
                              receipt=io.BytesIO(b"%PDF-1.4 receipt"), receipt_name=f"bon-{name}.pdf", today=received)
    return case, letter


def test_retention_removes_the_emails_taken_in_for_a_case_and_its_bpost_receipts(app):
    actor = make_user()
    closed_on = date(2026, 6, 9)  # 5 years and a day before TODAY
    received = closed_on - timedelta(days=10)
    case, letter = _registered_case(actor, received, "Oud")
    sent = datetime.combine(received, datetime.min.time(), clock.BRUSSELS).replace(hour=9)
    message, created = intake.take_in(_email(sent=sent), source="upload", now=sent)
    assert created
    intake.attach(message, reference=case.reference, actor=actor, now=sent)
    raw_file = intake.path_of(message.raw_path)
    attachment_file = intake.path_of(message.attachments[0].stored_name, attachment=True)
    receipt_file = os.path.join(app.instance_path, "attachments", letter.receipt_path)
    assert all(os.path.exists(p) for p in (raw_file, attachment_file, receipt_file))
    moment = datetime.combine(closed_on, datetime.min.time(), clock.BRUSSELS).replace(hour=12)
    svc.close(case, actor=actor, status="withdrawn", note="ingetrokken", today=closed_on, now=moment)

    assert jobs.run("retention", today=TODAY).counts["anonymised"] == 1
    db.session.expire_all()
    message = db.session.get(IntakeMessage, message.id)
    assert not os.path.exists(raw_file) and not os.path.exists(attachment_file)
    assert not message.raw_path and message.from_name is None and message.from_email is None
    assert message.subject == "" and message.text == ""
    assert message.attachments[0].stored_name is None and "oud" not in message.attachments[0].name.lower()
    assert (message.case_id, message.status, message.received_on) == (case.id, "attached", received)  # stays
    assert not os.path.exists(receipt_file)
    letter = db.session.get(type(letter), letter.id)
    assert letter.receipt_path is None and letter.receipt_name is None
    assert letter.tracking_number == "RR987654321BE"  # the proof of posting (no personal data) stays


def test_the_stray_file_cleanup_keeps_the_bpost_receipt_of_a_live_case(app):
    actor = make_user()
    case, letter = _registered_case(actor, clock.today() - timedelta(days=3), "Levend")
    receipt_file = os.path.join(app.instance_path, "attachments", letter.receipt_path)
    two_days_ago = time.time() - 2 * 86400
    os.utime(receipt_file, (two_days_ago, two_days_ago))
    stray = os.path.join(app.instance_path, "attachments", "crashed-old.pdf")
    with open(stray, "wb") as fh:
        fh.write(b"half a save")
    os.utime(stray, (two_days_ago, two_days_ago))

    result = jobs.run("retention", today=clock.today())
    assert result.counts["orphans"] >= 1 and not os.path.exists(stray)  # the cleanup did run
    assert os.path.exists(receipt_file)
    assert db.session.get(Case, case.id).anonymised_on is None


def test_the_stray_file_cleanup_removes_an_emails_file_no_row_refers_to_and_keeps_the_kept_emails(app):
    """A crash between anonymising a case and deleting its emails' files leaves them behind: a day later they go."""
    sent = clock.now() - timedelta(days=3)
    message, _ = intake.take_in(_email(sent=sent), source="upload", now=sent)
    kept = [intake.path_of(message.raw_path), intake.path_of(message.attachments[0].stored_name, attachment=True)]
    left = [os.path.join(app.instance_path, "intake", "left-behind.eml"),
            os.path.join(app.instance_path, "intake", "attachments", "left-behind")]
    for path in left:
        with open(path, "wb") as fh:
            fh.write(b"an email of an anonymised case")
    two_days_ago = time.time() - 2 * 86400
    for path in kept + left:
        os.utime(path, (two_days_ago, two_days_ago))

    assert jobs.run("retention", today=clock.today()).counts["orphans"] >= 2  # (files of earlier tests' rows too)
    assert not any(os.path.exists(p) for p in left)
    assert all(os.path.exists(p) for p in kept)
