"""The evidence pack: the case summary PDF read back with pypdf, the ZIP opened, the download in the trail."""
import email
import io
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from caseflow import clock
from caseflow.evidence import service as evidence
from caseflow.extensions import db
from caseflow.letters import service as correspondence
from caseflow.models import AuditEvent, Case
from caseflow.registered import service as registered
from caseflow.services import cases as svc
from caseflow.services import resolution
from tests.fixtures.cases import open_case, send_answer, work_checklists
from tests.fixtures.users import make_user

D = date.fromisoformat
NOW = datetime(2026, 4, 20, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def actor(app):
    return make_user()


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def worked_email_case(actor):
    """An access request by email, identity asked and verified, an answer with the data package, closed."""
    case = open_case(actor, channel="email", requester_address=None, received_on=D("2026-03-05"),
                     today=D("2026-03-05"), request_text="Graag een kopie van al mijn gegevens.")
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-10"), today=D("2026-03-10"))
    correspondence.send_as_drafted(case, "identity_request", actor=actor, today=D("2026-03-10"))
    svc.record_identity(case, actor=actor, method="Antwoord vanaf het e-mailadres van het account",
                        received_on=D("2026-03-19"), today=D("2026-03-19"))
    work_checklists(case, actor, today=D("2026-03-20"))
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    send_answer(case, actor, today=D("2026-03-23"))
    svc.close(case, actor=actor, status="resolved", note="", answer_sent_on=D("2026-03-23"), today=D("2026-03-23"))
    return case


def test_the_summary_tells_the_whole_story(actor):
    case = worked_email_case(actor)
    name, data = evidence.summary(case, now=NOW)
    text = text_of(data)
    assert name == f"{case.reference}-dossieroverzicht.pdf"
    assert f"Dossieroverzicht {case.reference}" in text
    for expected in ("Jan Claes", "jan.claes@example.be", "E-mail", "5 maart 2026", "Recht op inzage",
                     "Graag een kopie van al mijn gegevens.",
                     # the deadline with its explanation, suspension included
                     "ontvangen do 5 maart 2026; 1 maand -> zo 5 april; + 9 dagen opgeschort (identiteit gevraagd 10/03, "
                     "antwoord 19/03) -> di 14 april 2026",
                     "Antwoord vanaf het e-mailadres van het account", "19 maart 2026",
                     "Ingewilligd", "An Peeters", "Logboek", "Dossier aangemaakt", "Pagina 1/"):
        assert expected in text.replace("\n", " ") or expected in text, expected
    for letter in case.letters:  # every letter with the mail server's acceptance and its Message-ID
        assert letter.outbox_message.message_id in text.replace("\n", "")
    assert "E-mail aanvaard door de mailserver op" in text


def test_the_zip_holds_the_summary_every_email_as_sent_and_the_package(actor):
    case = worked_email_case(actor)
    name, data = evidence.pack(case, now=NOW)
    assert name == f"{case.reference}-bewijsdossier.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert f"{case.reference}-dossieroverzicht.pdf" in names
        emails = [n for n in names if n.startswith("brieven/") and n.endswith(".eml")]
        assert len(emails) == len(case.letters) == 2
        answer = email.message_from_bytes(zf.read(next(n for n in emails if n.endswith("-answer.eml"))))
        letter = next(l for l in case.letters if l.kind == "answer")
        assert answer["Message-ID"] == letter.outbox_message.message_id
        assert answer["To"] == "jan.claes@example.be"
        packages = [n for n in names if n.startswith("gegevenspakketten/")]
        assert packages == [f"gegevenspakketten/{letter.id}-{letter.package_name}"]
        with zipfile.ZipFile(io.BytesIO(zf.read(packages[0]))) as package:
            assert "manifest.json" in package.namelist()


def test_a_registered_letter_comes_as_its_pdf_with_the_posting_proof(actor):
    case = open_case(actor, requester_email=None, requester_address="Kerkstraat 1\n2960 Brecht",
                     received_on=D("2026-03-05"), today=D("2026-03-05"), tracking_number="RR123456789BE")
    letter = correspondence.send_as_drafted(case, "acknowledgement", actor=actor, today=D("2026-03-06"))
    registered.record_posting(letter, actor=actor, posted_on=D("2026-03-06"), tracking_number="RR987654321BE",
                              receipt=io.BytesIO(b"%PDF-1.4 receipt"), receipt_name="bon.pdf", today=D("2026-03-06"))
    _, data = evidence.pack(case, now=NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        letter_pdf = next(n for n in zf.namelist() if n.startswith("brieven/") and n.endswith(".pdf"))
        assert "Kerkstraat 1" in text_of(zf.read(letter_pdf))
        assert zf.read(f"ontvangstbewijzen-bpost/{letter.id}-bon.pdf") == b"%PDF-1.4 receipt"
        summary = text_of(zf.read(f"{case.reference}-dossieroverzicht.pdf")).replace("\n", " ")
    assert "op de post gedaan op 6 maart 2026, zendingsnummer van Bpost RR987654321BE" in summary
    assert "geldt als ontvangen op 11 maart 2026" in summary  # Fri 6 -> Mon 9, Tue 10, Wed 11
    assert "Bpost RR123456789BE" in summary  # the incoming letter's number


def test_in_english_on_request(actor):
    case = worked_email_case(actor)
    name, data = evidence.summary(case, locale="en", now=NOW)
    text = text_of(data)
    assert name == f"{case.reference}-case-summary.pdf"
    assert "Case summary" in text and "Audit trail" in text and "Right of access" in text
    assert "+ 9 days suspended (identity asked 10/03, answer 19/03)" in text.replace("\n", " ")


def test_hundreds_of_events_still_make_a_paginated_summary(actor):
    case = open_case(actor, channel="email", requester_address=None)
    at = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
    db.session.add_all(AuditEvent(case_id=case.id, user_id=actor.id, action="action_recorded",
                                  detail="access | webshop | 2026-03-05", after=f"Stap {i}",
                                  created_at=at + timedelta(minutes=i)) for i in range(500))
    db.session.commit()
    _, data = evidence.summary(case, now=NOW)
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages > 10
    assert f"Pagina {pages}/{pages}" in reader.pages[-1].extract_text()
    assert "Stap 499" in reader.pages[-1].extract_text()


def test_downloading_is_in_the_trail_and_leaves_the_case_version_alone(client, logged_in):
    case = open_case(logged_in, received_on=clock.today(), today=clock.today())
    version, events = case.version, len(case.events)
    response = client.get(f"/cases/{case.id}/evidence.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert case.reference in text_of(response.data)
    response = client.get(f"/cases/{case.id}/evidence.zip?locale=en")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.version == version
    downloads = [e for e in case.events[events:]]
    assert [(e.action, e.detail, e.user_id) for e in downloads] == [
        ("evidence_downloaded", "pdf | nl", logged_in.id), ("evidence_downloaded", "zip | en", logged_in.id)]
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Dossieroverzicht gedownload" in page and "Dossieroverzicht (PDF)" in page
