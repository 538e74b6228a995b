"""What probing found (issue 9, item 8): each gives a clear answer and loses nothing."""
import csv
import io
import zipfile
from datetime import timedelta

from caseflow import clock
from caseflow.extensions import db
from caseflow.letters import packages
from caseflow.models import AuditEvent, Case
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user
from tests.test_web_cases import new_case_data, only_case

TODAY = clock.today()


def test_a_300_character_upload_name_is_stored_shortened(client, logged_in):
    name = "scan-" + "x" * 291 + ".pdf"
    data = new_case_data(attachment=(io.BytesIO(b"%PDF-1.4 scan"), name))
    r = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    case = only_case()
    assert len(case.attachment_name) == 255 and case.attachment_name.endswith(".pdf")
    assert len(case.attachment_path) <= 140
    download = client.get(f"/cases/{case.id}/attachment")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 scan"


def test_an_empty_scan_is_refused_and_the_form_kept(client, logged_in):
    data = new_case_data(attachment=(io.BytesIO(b""), "scan.pdf"))
    r = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 422 and only_case() is None
    page = r.get_data(as_text=True)
    assert "0 bytes" in page and "Marie Wouters" in page and "K-1042" in page


def test_ids_beyond_64_bits_are_404_or_ignored(client, logged_in):
    huge = str(2**70)
    assert client.get(f"/cases/{huge}").status_code == 404
    assert client.get(f"/cases/{2**31}/extend").status_code == 404
    assert client.get(f"/cases/{huge}/letters/1.pdf").status_code == 404
    r = client.get(f"/?assignee={huge}&q=" + "x" * 5000)
    assert r.status_code == 200


def test_a_receipt_date_before_the_gdpr_is_refused(client, logged_in):
    r = client.post("/cases/new", data=new_case_data(received_on="0001-01-01"))
    assert r.status_code == 422 and only_case() is None
    assert "25 mei 2018" in r.get_data(as_text=True)


def test_a_receipt_date_older_than_a_year_needs_confirming(client, logged_in):
    old = (TODAY - timedelta(days=400)).isoformat()
    r = client.post("/cases/new", data=new_case_data(received_on=old))
    assert r.status_code == 422 and only_case() is None
    page = r.get_data(as_text=True)
    assert 'id="confirm_old"' in page and "Marie Wouters" in page
    r = client.post("/cases/new", data=new_case_data(received_on=old, confirm_old="y"))
    assert r.status_code == 302 and only_case().received_on.isoformat() == old


def test_a_15_mb_extension_reason_is_refused(client, logged_in):
    case = open_case(logged_in, received_on=TODAY, today=TODAY)
    r = client.post(f"/cases/{case.id}/extend", data={"reason": "x" * 15_000_000, "version": case.version})
    assert r.status_code == 422
    assert db.session.get(Case, case.id).extended_on is None


def test_a_letter_subject_with_a_line_break_is_refused(client, logged_in):
    case = open_case(logged_in, received_on=TODAY, today=TODAY)
    r = client.post(f"/cases/{case.id}/letters/new?kind=acknowledgement",
                    data={"subject": "Uw verzoek\r\nBcc: iemand@example.com", "body": "Beste,\n\nOntvangen.",
                          "version": case.version})
    assert r.status_code == 422
    assert "één regel" in r.get_data(as_text=True) and "Ontvangen." in r.get_data(as_text=True)
    assert not db.session.get(Case, case.id).letters


def _verified_case_with_file(actor, name, data=b"nr;bedrag\n1;2\n"):
    case = open_case(actor, received_on=TODAY, today=TODAY)
    svc.record_identity(case, actor=actor, method="e-mailadres van de account")
    packages.add_files(case, [(name, io.BytesIO(data))], actor=actor)
    return case


def test_downloading_the_package_never_changes_the_case_version(client, logged_in):
    case = _verified_case_with_file(logged_in, "bestellingen.csv")
    version = case.version
    assert client.get(f"/cases/{case.id}/package.zip").status_code == 200
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == version  # a colleague's open form is not stale
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "package_downloaded")).all()
    assert len(events) == 1  # the download is in the trail all the same
    r = client.post(f"/cases/{case.id}/extend", data={"reason": "Veel systemen", "version": version})
    assert r.status_code == 302


def test_a_formula_file_name_is_neutralised_in_manifest_csv_and_readable_in_the_zip(app):
    actor = make_user()
    name = '=HYPERLINK("https://evil.example/x","klik")'
    case = _verified_case_with_file(actor, name)
    _, data = packages.build(case, locale="nl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = zf.namelist()
        rows = list(csv.reader(io.StringIO(zf.read("manifest.csv").decode())))
    [entry] = [e for e in entries if e.startswith("data/")]
    assert "HYPERLINK" in entry and "evil.example" in entry and "klik" in entry
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'" + name in cells


def test_jobs_run_says_which_base_url_it_links_to(runner, monkeypatch, app):
    monkeypatch.setenv("PORT", "5077")
    original = app.config["BASE_URL"]
    try:
        result = runner.invoke(args=["jobs", "run", "reminders"])
        assert "links in emails use http://127.0.0.1:5077" in result.output
    finally:
        app.config["BASE_URL"] = original
