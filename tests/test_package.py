"""Printable letters and the access/portability package, read back as a requester would open them."""
import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from caseflow.clock import BRUSSELS
from caseflow.letters import drafting as letters
from caseflow.letters import package_zip as package
from caseflow.letters import pdf
from caseflow.services import cases as svc
from caseflow.services import resolution
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

D = date.fromisoformat
NOW = datetime(2026, 3, 20, 10, 15, tzinfo=BRUSSELS)
ADDRESS = "Kerkstraat 12\n2960 Brecht"


@pytest.fixture
def actor(app):
    return make_user()


def pdf_text(data: bytes) -> str:
    """All text of a PDF, with line breaks and runs of spaces made single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def erasure_case(actor):
    """A registered letter asking for erasure, partly refused: the invoices are kept."""
    case = open_case(actor, rights=("erasure",), channel="registered_letter", received_on=D("2026-03-05"),
                     today=D("2026-03-05"), requester_address=ADDRESS)
    svc.record_identity(case, actor=actor, method="kopie identiteitskaart", received_on=D("2026-03-06"),
                        today=D("2026-03-06"), now=NOW)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="partially_granted", refusal_code="legal_retention",
                    reason="Uw facturen van 2025 en 2026 blijven bewaard zolang de fiscale bewaartermijn loopt.", now=NOW)
    return case


def letter_of(case, kind, locale, today=D("2026-03-20")):
    context = letters.context_for(case, today=today, sender_name="An Peeters")
    subject, body = letters.render(kind, context, locale)
    return pdf.letter_pdf(body=body, subject=subject, requester_name=case.requester_name,
                          requester_address=case.requester_address, reference=case.reference, letter_date=today,
                          locale=locale)


def test_answer_pdf_has_reference_deadline_and_complaint_information(actor):
    case = erasure_case(actor)
    data = letter_of(case, "answer", "nl")
    reader = PdfReader(io.BytesIO(data))
    assert round(float(reader.pages[0].mediabox.width)) == 595 and round(float(reader.pages[0].mediabox.height)) == 842
    text = pdf_text(data)
    for expected in (
        "Labelstudio CommV", "BTW BE0546 744 755", "info@labelstudio.be",  # letterhead
        "AANGETEKEND", "Jan Claes Kerkstraat 12 2960 Brecht",  # window
        f"Ons kenmerk: {case.reference}", "Brecht, 20 maart 2026",
        f"Betreft: Antwoord op uw verzoek - dossier {case.reference}",  # the dash reduced to latin-1
        "uiterste antwoorddatum 7 april 2026",
        "(artikel 17, lid 3, b), AVG)",
        "Gegevensbeschermingsautoriteit Drukpersstraat 35 1000 Brussel contact@apd-gba.be "
        "www.gegevensbeschermingsautoriteit.be",
        "U kunt ook naar de rechter stappen (artikel 12, lid 4, en artikel 79 AVG)",
        "An Peeters voor Labelstudio CommV",
    ):
        assert expected in text
    assert letter_of(case, "answer", "nl") == data  # dated by the letter date: the same letter, the same bytes


def test_acknowledgement_pdf_in_english(actor):
    case = open_case(actor, rights=("access",), received_on=D("2026-03-05"), today=D("2026-03-05"),
                     requester_address=ADDRESS)
    text = pdf_text(letter_of(case, "acknowledgement", "en", today=D("2026-03-05")))
    assert f"Our reference: {case.reference}" in text and "Brecht, 5 March 2026" in text
    assert "by 7 April 2026 at the latest" in text and "REGISTERED" in text


def test_pdf_reduces_text_to_latin1():
    body = "“Aanhalingstekens” en ‘enkele’ – gedachtestreepje — € 12 … Łukasz Wałęsa, Ærøskøbing\n"
    data = pdf.letter_pdf(body=body, subject="Test – één", requester_name="Łukasz Wałęsa", requester_address=None,
                          reference="DSR-2026-0009", letter_date=D("2026-11-25"), locale="nl")
    text = pdf_text(data)
    assert '"Aanhalingstekens" en \'enkele\' - gedachtestreepje - EUR 12 ... Lukasz Walesa, Ærøskøbing' in text
    assert "Betreft: Test - één" in text and "Brecht, 25 november 2026" in text


@pytest.mark.parametrize("locale, title", [
    ("nl", "Informatie over de verwerking van uw persoonsgegevens (artikel 15 AVG)"),
    ("en", "Information about the processing of your personal data (Article 15 GDPR)"),
])
def test_info_sheet_pdf(locale, title):
    data = pdf.info_sheet_pdf(locale, created_at=NOW)
    text = pdf_text(data)
    assert title in text
    for name in ("Sisow", "PayPal", "Bpost", "Mailchimp", "Drukpersstraat 35", "www.gegevensbeschermingsautoriteit.be"):
        assert name in text
    assert pdf.info_sheet_pdf(locale, created_at=NOW) == data


def test_package_holds_files_manifest_and_info_sheet(actor, tmp_path):
    case = open_case(actor, rights=("access", "portability"), received_on=D("2026-03-05"), today=D("2026-03-05"))
    contents = {
        "webshop/account.json": b'{"name": "Jan Claes", "email": "jan.claes@example.be"}\n',
        "mailchimp/account.json": b'{"email": "jan.claes@example.be", "status": "subscribed"}\n',
        "bestellingen.csv": "order;datum;bedrag\n1001;2025-11-02;12,50 €\n".encode(),
        "leeg.txt": b"",
    }
    files = []
    for relative, data in contents.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append((path.name, str(path)))
    files.append(("../../etc/Account.JSON", str(tmp_path / "webshop/account.json")))  # unsafe, and a third clash
    sheet = pdf.info_sheet_pdf("nl", created_at=NOW)

    data = package.build_package(files, reference=case.reference, info_sheet=sheet, created_at=NOW)

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    expected = {
        "data/account.json": contents["webshop/account.json"],
        "data/account (2).json": contents["mailchimp/account.json"],
        "data/bestellingen.csv": contents["bestellingen.csv"],
        "data/leeg.txt": b"",
        "data/Account (3).JSON": contents["webshop/account.json"],
    }
    assert sorted(archive.namelist()) == sorted([*expected, "art15-informatie.pdf", "manifest.json", "manifest.csv"])
    for name, content in expected.items():
        assert archive.read(name) == content
    assert archive.read("art15-informatie.pdf") == sheet

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["reference"] == case.reference
    assert manifest["created_at"] == "2026-03-20T10:15:00+01:00"
    listed = {f["name"]: f for f in manifest["files"]}
    assert list(listed) == list(expected)  # in the order given
    for name, content in expected.items():
        assert listed[name]["size"] == len(content)
        assert listed[name]["sha256"] == hashlib.sha256(content).hexdigest()
    assert listed["data/Account (3).JSON"]["original_name"] == "../../etc/Account.JSON"
    assert manifest["information_sheet"] == {"name": "art15-informatie.pdf", "size": len(sheet),
                                             "sha256": hashlib.sha256(sheet).hexdigest()}

    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    assert [(r["name"], int(r["size"]), r["sha256"]) for r in rows] == [
        (f["name"], f["size"], f["sha256"]) for f in manifest["files"]]
    assert {(r["reference"], r["created_at"]) for r in rows} == {(case.reference, "2026-03-20T10:15:00+01:00")}

    again = package.build_package(files, reference=case.reference, info_sheet=sheet,
                                  created_at=NOW.astimezone(timezone.utc))
    assert again == data  # deterministic


def test_package_needs_an_aware_time(tmp_path):
    with pytest.raises(ValueError):
        package.build_package([], reference="DSR-2026-0001", info_sheet=b"%PDF", created_at=datetime(2026, 3, 20))


def test_greeting_and_signature_stay_together_on_one_page(actor):
    """Whatever the length of the letter, "Met vriendelijke groeten," and the signature share a page."""
    case = erasure_case(actor)
    subject, body = letters.render("answer", letters.context_for(case, today=D("2026-03-20"), sender_name="An Peeters"),
                                   "nl")
    greeting, signature = "Met vriendelijke groeten,", "voor Labelstudio CommV"
    head, _, closing = body.rpartition(greeting)
    page_counts = set()
    for filler in range(0, 60):  # more than a page of extra lines: the closing meets every page position
        text = head + "".join(f"Regel {n} van de toelichting.\n" for n in range(filler)) + "\n" + greeting + closing
        data = pdf.letter_pdf(body=text, subject=subject, requester_name=case.requester_name,
                              requester_address=case.requester_address, reference=case.reference,
                              letter_date=D("2026-03-20"), locale="nl")
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        assert [i for i, t in enumerate(pages) if greeting in t] == [i for i, t in enumerate(pages) if signature in t]
        assert signature in pages[-1]
        page_counts.add(len(pages))
    assert page_counts == {2, 3}
