"""Letters to the requester and the data package: guard rails, what is stored, what arrives over SMTP."""
import io
import json
import zipfile
from datetime import date, datetime, timezone

import pytest
import pyzipper
from pypdf import PdfReader

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.mail import outbox as mail
from caseflow.mail.models import OutboxMessage
from caseflow.models import Case, Letter
from caseflow.services import ServiceError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import extend_and_tell, open_case, work_checklists
from tests.fixtures.users import make_user

D = date.fromisoformat
TODAY = D("2026-03-10")


@pytest.fixture
def actor(app):
    return make_user()


def email_case(actor, rights=("erasure",)):
    return open_case(actor, channel="email", rights=rights, requester_address=None, received_on=D("2026-03-05"),
                     today=D("2026-03-05"))


def decided_erasure(actor):
    case = email_case(actor)
    svc.record_identity(case, actor=actor, method="e-mailadres komt overeen met account", today=TODAY)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="partially_granted", refusal_code="legal_retention",
                    reason="Facturen van 2025 blijven bewaard.")
    return case


def send(case, actor, kind="answer", **kw):
    draft = correspondence.draft(case, kind, locale="nl", sender_name=actor.name, today=TODAY)
    values = dict(kind=kind, locale="nl", subject=draft.subject, body=draft.body, today=TODAY,
                  passphrase_channel="phone")  # an emailed package is encrypted: its passphrase goes by phone
    values.update(kw)
    return correspondence.send(case, actor=actor, **values)


def refusal(case, actor, **kw):
    with pytest.raises(ServiceError) as err:
        send(case, actor, **kw)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0
    return str(err.value.message)


def test_answer_refused_while_a_right_has_no_outcome(actor):
    case = email_case(actor)
    assert "beslissing" in refusal(case, actor)


def test_answer_refused_while_checklist_items_are_open(actor):
    case = email_case(actor)
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    assert "checklist" in refusal(case, actor)


def test_no_disclosure_while_identity_is_not_verified(actor):
    case = email_case(actor, rights=("access",))
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    assert "identiteit" in str(err.value.message)
    # an answer refusing everything needs no identity; one that discloses does
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                    reason="Wij konden uw identiteit niet vaststellen.")
    assert correspondence.problems(case, "answer", today=TODAY) == []



def test_no_package_leaves_while_identity_is_not_verified(actor):
    case = email_case(actor, rights=("access",))
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                    reason="Wij konden uw identiteit niet vaststellen.")
    packages.add_files(case, [("export.json", io.BytesIO(b'{"naam": "Jan Claes"}'))], actor=actor)
    assert "identiteit" in refusal(case, actor, attach_package=True)
    assert send(case, actor).package_name is None  # the refusal itself may go out, without data


def test_access_answer_comes_with_the_data_package(actor):
    case = email_case(actor, rights=("access",))
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    assert any("gegevenspakket" in str(p) for p in correspondence.problems(case, "answer", today=TODAY))
    packages.add_files(case, [("export.json", io.BytesIO(b"{}"))], actor=actor)
    assert correspondence.problems(case, "answer", today=TODAY) == []
    assert "gegevenspakket" in refusal(case, actor)  # the box "attach the package" left unticked
    assert send(case, actor, attach_package=True).package_name.endswith(".zip")


def test_the_answer_delivers_the_copy_and_ticks_that_line_itself(actor):
    case = email_case(actor, rights=("access",))
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    work_checklists(case, actor, today=TODAY, not_applicable=("search_mailchimp",), skip=("send_copy",))
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    packages.add_files(case, [("export.json", io.BytesIO(b"{}"))], actor=actor)
    # "copy delivered" is what the answer does: it does not hold the answer back
    assert correspondence.problems(case, "answer", today=TODAY) == []
    with pytest.raises(ServiceError):  # ...but the case is not done before the copy went out
        svc.close(case, actor=actor, status="resolved", answer_sent_on=TODAY, today=TODAY)
    db.session.rollback()
    letter = send(case, actor, attach_package=True)
    with pytest.raises(ServiceError) as err:  # queued is not delivered: the copy has not reached anyone yet
        svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert "wachtrij" in str(err.value.message)
    db.session.rollback()
    assert not any(a.checklist_item == "send_copy" for a in case.rights[0].actions)
    correspondence.deliver_outbox()  # the mail job: the server takes it
    case = db.session.get(Case, case.id)
    ticked = next(a for a in case.rights[0].actions if a.checklist_item == "send_copy")
    assert (ticked.performed_on, ticked.note, ticked.not_applicable) == (TODAY, letter.subject, False)
    assert [e.action for e in case.events[-3:]] == ["letter_sent", "package_passphrase", "action_recorded"]
    svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert case.status == "resolved" and case.answer_sent_on == TODAY


def test_a_granted_right_cannot_hide_the_data_that_were_kept(actor):
    case = email_case(actor, rights=("erasure",))
    erasure = case.rights[0]
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    resolution.set_outcome(case, erasure.id, actor=actor, outcome="granted")  # decided before the checklist was done
    work_checklists(case, actor, today=TODAY)  # ...which records that the invoices were kept
    problems = [str(p) for p in correspondence.problems(case, "answer", today=TODAY)]
    assert any("gedeeltelijk ingewilligd" in p for p in problems)
    with pytest.raises(ServiceError) as err:
        svc.close(case, actor=actor, status="resolved", answer_sent_on=TODAY, today=TODAY)
    assert "gedeeltelijk ingewilligd" in str(err.value.message)
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, erasure.id, actor=actor, outcome="granted")
    assert err.value.field == "outcome"
    resolution.set_outcome(case, erasure.id, actor=actor, outcome="partially_granted", refusal_code="legal_retention",
                    reason="Uw facturen bewaren wij tien jaar.")
    assert correspondence.problems(case, "answer", today=TODAY) == []
    body = send(case, actor).body
    assert "artikel 17, lid 3, b)" in body and "Uw facturen bewaren wij tien jaar." in body


def test_a_right_that_does_not_apply_is_explained_with_the_remedies(actor):
    case = email_case(actor, rights=("access",))
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="not_applicable",
                    reason="Wij vonden geen account, bestelling of inschrijving op uw naam of e-mailadres.")
    body = correspondence.draft(case, "answer", locale="nl", sender_name=actor.name, today=TODAY).body
    assert "Wij vonden geen account" in body and "Drukpersstraat 35" in body and "naar de rechter" in body
    cut = body[:body.index("Klacht en beroep")]
    assert "www.gegevensbeschermingsautoriteit.be" in refusal(case, actor, body=cut)


def test_a_refusal_keeps_the_complaint_and_court_information(actor):
    case = decided_erasure(actor)
    body = correspondence.draft(case, "answer", locale="nl", sender_name=actor.name, today=TODAY).body
    without_complaint = body[:body.index("Klacht en beroep")] + body[body.index("Hebt u nog vragen?"):]
    assert "Gegevensbeschermingsautoriteit" in refusal(case, actor, body=without_complaint)
    without_court = body.replace("U kunt ook naar de rechter stappen", "U kunt ook")
    without_court = without_court.replace("klacht indienen en naar de rechter stappen", "klacht indienen")
    assert "rechter" in refusal(case, actor, body=without_court)
    assert send(case, actor, body=body).body.strip() == body.strip()


def test_refusal_without_reason_code_is_rejected(actor):
    case = email_case(actor)
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="refused", reason="Nee.")
    assert err.value.field == "refusal_code"


def test_placeholders_must_be_filled_in(actor):
    case = decided_erasure(actor)
    assert "vierkante haken" in refusal(case, actor, body="Geachte,\n\n[reden van de verlenging]\n")


def test_identity_letter_needs_the_request_first(actor):
    case = email_case(actor)
    assert "identiteitsbewijs" in refusal(case, actor, kind="identity_request")
    svc.request_identity(case, actor=actor, today=TODAY)
    letter = send(case, actor, kind="identity_request")
    assert "DSR-2026-0001" in letter.body


def test_extension_notice_needs_the_extension_and_comes_before_the_original_deadline(actor):
    case = email_case(actor)
    assert "Verleng eerst" in refusal(case, actor, kind="extension_notice")
    svc.extend(case, actor=actor, reason="Veel systemen te doorzoeken", today=TODAY)
    assert "te laat" in refusal(case, actor, kind="extension_notice", today=D("2026-04-08"))
    letter = send(case, actor, kind="extension_notice", today=D("2026-04-07"))
    assert "5 juni 2026" in letter.body  # the extended deadline


def test_answer_by_email_is_stored_exactly_and_queued(actor):
    case = decided_erasure(actor)
    draft = correspondence.draft(case, "answer", locale="nl", sender_name=actor.name, today=TODAY)
    assert "Gegevensbeschermingsautoriteit" in draft.body and "Drukpersstraat 35" in draft.body
    edited = draft.body + "\nMet dank voor uw geduld.\n"
    letter = send(case, actor, body=edited)
    assert letter.delivery == "email" and letter.recipient == "jan.claes@example.be"
    assert letter.body.strip() == edited.strip()
    assert letter.outbox_message.status == "pending" and letter.outbox_message.kind == "letter"
    assert letter.outbox_message.body_text == letter.body
    case = db.session.get(Case, case.id)
    assert case.answer_sent_on == TODAY
    event = case.events[-1]
    assert event.action == "letter_sent" and "Met dank voor uw geduld." in event.after
    correspondence.deliver_outbox()
    svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert case.status == "resolved" and case.answer_sent_on == TODAY


def test_answer_to_a_letter_case_becomes_a_printable_pdf(client, actor, auth):
    case = open_case(actor, channel="registered_letter", requester_email=None,
                     requester_address="Kerkstraat 12\n2960 Brecht", rights=("erasure",), received_on=D("2026-03-05"),
                     today=D("2026-03-05"))
    svc.record_identity(case, actor=actor, method="kopie eID", today=TODAY)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="partially_granted", refusal_code="legal_retention",
                    reason="Facturen blijven bewaard.")
    letter = send(case, actor)
    assert letter.delivery == "registered_letter" and letter.outbox_message is None
    auth.login()
    r = client.get(f"/cases/{case.id}/letters/{letter.id}.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "DSR-2026-0001" in text
    assert "Gegevensbeschermingsautoriteit" in text and "www.gegevensbeschermingsautoriteit.be" in text
    assert "Kerkstraat 12" in text


def test_an_extension_notice_that_never_arrived_does_not_extend(app, actor, smtp_server, client, auth):
    case = email_case(actor)
    extend_and_tell(case, actor, today=TODAY)
    original, extended = case.original_deadline(TODAY), case.extended_deadline(TODAY)
    assert case.current_deadline(TODAY) == extended
    smtp_server.reject_with = "550 5.1.1 mailbox unavailable"  # the requester's address bounces
    jobs.run("mail")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.letters[0].failed and not case.extension_notified
    assert case.current_deadline(TODAY) == original  # Art. 12(3): nobody was told, the extension does not count
    assert case.deadline == original  # also as stored, for the register's order
    assert [e.action for e in case.events[-2:]] == ["letter_failed", "extension_not_in_force"]
    assert "550" in case.events[-2].after and case.events[-2].user is None
    auth.login(actor.email)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "De e-mail met de kennisgeving van verlenging kon niet bezorgd worden." in page
    assert f'id="letter-failed-{case.letters[0].id}"' in page and "niet bezorgd" in page

    smtp_server.reject_with = None  # the address is fixed and the notice retried while there is still time
    in_time = datetime(2026, 4, 1, 8, 0, tzinfo=timezone.utc)  # before the original deadline of 7 April
    message = correspondence.retry(case.letters[0].outbox_message, now=in_time)
    case = db.session.get(Case, case.id)
    assert message.status == "sent"
    assert case.extension_notified and case.current_deadline(TODAY) == extended == case.deadline
    assert case.events[-1].action == "extension_in_force"
    assert "letter-failed" not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_an_extension_notice_delivered_after_the_original_deadline_does_not_extend(app, actor, smtp_server, client,
                                                                                   auth):
    case = email_case(actor)
    extend_and_tell(case, actor, today=TODAY)
    original = case.original_deadline(TODAY)
    smtp_server.reject_with = "550 5.1.1 mailbox unavailable"
    jobs.run("mail")
    smtp_server.reject_with = None
    admin = make_user("els@labelstudio.be", "Els Janssens", admin=True)
    auth.login(admin.email)
    client.post(f"/admin/outbox/{case.letters[0].outbox_message_id}/retry")  # today: months after 7 April 2026
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.letters[0].outbox_message.status == "sent" and len(smtp_server.received) == 1
    assert not case.extension_notified  # told too late: Art. 12(3) allows no extension after the deadline
    assert case.current_deadline(TODAY) == original == case.deadline
    assert case.events[-1].action == "extension_not_in_force"  # nothing put it back in force


def test_after_a_bounce_the_next_letter_goes_by_registered_mail(app, actor, smtp_server, client, auth):
    case = open_case(actor, channel="email", rights=("erasure",), received_on=D("2026-03-05"), today=D("2026-03-05"),
                     requester_address="Kerkstraat 12\n2960 Brecht")
    assert correspondence.delivery_for(case) == "email"
    smtp_server.reject_with = "550 5.1.1 mailbox unavailable"
    send(case, actor, kind="acknowledgement")
    jobs.run("mail")
    case = db.session.get(Case, case.id)
    assert correspondence.delivery_for(case) == "registered_letter"  # the email address does not work
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "aangetekende brieven naar het postadres" in page
    assert 'value="Opslaan om af te drukken"' in client.get(
        f"/cases/{case.id}/letters/new?kind=acknowledgement").get_data(as_text=True)
    svc.update_requester(case, actor=actor, requester_name=case.requester_name, requester_email="jan@telenet.be",
                         requester_address=case.requester_address)  # the requester gave a working address
    assert correspondence.delivery_for(case) == "email" and case.failed_letters == []


def test_a_case_does_not_close_on_an_answer_to_decisions_since_changed(actor):
    case = email_case(actor, rights=("consent_withdrawal",))
    right = case.rights[0]
    resolution.set_outcome(case, right.id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                    reason="Geen identiteitsbewijs ontvangen.")
    send(case, actor)  # the refusal goes out...
    correspondence.deliver_outbox()
    svc.record_identity(case, actor=actor, method="kopie eID", today=TODAY)  # ...then the proof arrives
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, right.id, actor=actor, outcome="granted")
    with pytest.raises(ServiceError) as err:  # the only answer sent says the opposite of the decision
        svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert "Verstuur eerst het antwoord" in str(err.value.message)
    db.session.rollback()
    send(case, actor)
    correspondence.deliver_outbox()
    svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert case.status == "resolved"


def test_letter_arrives_over_smtp_with_the_package(app, actor, smtp_server, tmp_path):
    case = email_case(actor, rights=("access",))
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    exports = {"webshop.json": b'{"naam": "Jan Claes"}',
               "mailchimp.csv": b"email,status\njan.claes@example.be,subscribed\n"}
    packages.add_files(case, [(name, io.BytesIO(data)) for name, data in exports.items()], actor=actor)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    letter = send(case, actor, attach_package=True)
    assert letter.package_name == "DSR-2026-0001-gegevens.zip"
    report = mail.deliver_due()
    assert report.sent == [letter.outbox_message_id]
    (message,) = smtp_server.messages
    assert message["To"] == "jan.claes@example.be"
    assert message["Reply-To"] == "info@labelstudio.be"
    assert "DSR-2026-0001" in message["Subject"]
    assert "Sisow" in message.get_body(("plain",)).get_content()  # the Art. 15 recipients
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "DSR-2026-0001-gegevens.zip"
    with pyzipper.AESZipFile(io.BytesIO(attachment.get_content())) as zf:  # encrypted: opened with the passphrase
        zf.setpassword(letter.passphrase.encode())
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert {"data/webshop.json", "data/mailchimp.csv", "manifest.json", "manifest.csv"} <= set(names)
    assert {f["original_name"]: f["size"] for f in manifest["files"]} == {name: len(data) for name, data in exports.items()}
    assert db.session.get(OutboxMessage, letter.outbox_message_id).status == "sent"


def test_package_upload_and_download_through_the_web(client, auth, actor):
    case = email_case(actor, rights=("portability",))
    auth.login()
    r = client.post(f"/cases/{case.id}/package", content_type="multipart/form-data",
                    data={"files": [(io.BytesIO(b"a,b\n1,2\n"), "bestellingen.csv"),
                                    (io.BytesIO(b"{}"), "account.json")]})
    assert r.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "bestellingen.csv" in page and "account.json" in page
    # Nothing leaves the house before the requester's identity is verified.
    r = client.get(f"/cases/{case.id}/package.zip", follow_redirects=True)
    assert r.mimetype == "text/html" and "identiteit van de verzoeker is niet gecontroleerd" in r.get_data(as_text=True)
    assert "package_downloaded" not in [e.action for e in db.session.get(Case, case.id).events]
    svc.record_identity(db.session.get(Case, case.id), actor=actor, method="komt overeen met het account")
    r = client.get(f"/cases/{case.id}/package.zip")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        assert "data/bestellingen.csv" in zf.namelist() and "art15-informatie.pdf" in zf.namelist()
        assert zf.read("data/bestellingen.csv") == b"a,b\n1,2\n"
    actions = [e.action for e in db.session.get(Case, case.id).events]
    assert actions.count("package_file_added") == 2 and "package_downloaded" in actions


def test_package_upload_without_files_says_so(client, auth, actor):
    case = email_case(actor, rights=("access",))
    auth.login()
    r = client.post(f"/cases/{case.id}/package", data={}, follow_redirects=True)
    assert "Kies een of meer bestanden" in r.get_data(as_text=True)


def test_compose_page_previews_and_errors_keep_the_edit(client, auth, actor):
    case = email_case(actor)
    auth.login()
    html = client.get(f"/cases/{case.id}/letters/new?kind=answer").get_data(as_text=True)
    assert "DSR-2026-0001" in html and "flash error" in html  # the guard rails are shown before sending
    r = client.post(f"/cases/{case.id}/letters/new?kind=answer",
                    data={"version": case.version, "subject": "Antwoord", "body": "Mijn eigen tekst"})
    assert r.status_code == 422 and "Mijn eigen tekst" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_english_letter_on_request(client, auth, actor):
    case = email_case(actor)
    auth.login()
    html = client.get(f"/cases/{case.id}/letters/new?kind=acknowledgement&locale=en").get_data(as_text=True)
    assert "Dear Jan Claes" in html and "Acknowledgement of your request" in html
    assert client.get(f"/cases/{case.id}/letters/new?kind=nonsense").status_code == 404


def test_a_registered_letter_keeps_its_package_to_put_in_the_envelope(client, auth, actor):
    case = open_case(actor, channel="registered_letter", requester_email=None, rights=("access",),
                     requester_address="Kerkstraat 12\n2960 Brecht", received_on=D("2026-03-05"), today=D("2026-03-05"))
    svc.record_identity(case, actor=actor, method="kopie eID", today=TODAY)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    packages.add_files(case, [("bestellingen.csv", io.BytesIO(b"nr;bedrag\n1042;24,95\n"))], actor=actor)
    auth.login()
    compose = client.get(f"/cases/{case.id}/letters/new?kind=answer").get_data(as_text=True)
    assert 'value="Opslaan om af te drukken"' in compose  # nothing is sent from here: it is printed
    letter = send(case, actor, attach_package=True)
    assert letter.delivery == "registered_letter" and letter.outbox_message is None and letter.package_path
    packages.add_files(case, [("later.csv", io.BytesIO(b"x"))], actor=actor)  # added after the letter went out
    page = client.get(f"/cases/{case.id}/letters/{letter.id}").get_data(as_text=True)
    assert 'id="letter-package"' in page and "in de envelop" in page
    r = client.get(f"/cases/{case.id}/letters/{letter.id}/package.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:  # exactly what went with the letter, not today's package
        assert zf.read("data/bestellingen.csv") == b"nr;bedrag\n1042;24,95\n"
        assert "data/later.csv" not in zf.namelist()
    downloaded = [e for e in db.session.get(Case, case.id).events if e.action == "package_downloaded"][-1]
    assert letter.package_name in downloaded.detail and "bestellingen.csv" in downloaded.detail
    assert "later.csv" not in downloaded.detail  # the trail names what was in that ZIP, not today's package


def test_only_the_answer_carries_the_package(client, auth, actor):
    case = email_case(actor, rights=("access",))
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    packages.add_files(case, [("export.json", io.BytesIO(b"{}"))], actor=actor)
    svc.extend(case, actor=actor, reason="Gegevens in vijf systemen", today=TODAY)
    auth.login()
    page = client.get(f"/cases/{case.id}/letters/new?kind=extension_notice").get_data(as_text=True)
    assert 'id="attach_package"' not in page
    assert "gegevenspakket" in refusal(case, actor, kind="extension_notice", attach_package=True).lower()
