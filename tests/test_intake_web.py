"""Email intake through the web and its services: import a saved email, triage, replies on their case, files."""
import io
import os
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import service as services
from caseflow.intake.models import IntakeMessage
from caseflow.jobs import runner as jobs
from caseflow.letters import service as correspondence
from caseflow.mail.models import OutboxMessage
from caseflow.models import Case
from caseflow.services import cases as case_service
from tests.fixtures.cases import open_case

MAIL = os.path.join(os.path.dirname(__file__), "data", "mail")
TODAY = clock.today()


def corpus(name: str) -> bytes:
    with open(os.path.join(MAIL, name), "rb") as fh:
        return fh.read()


def email(*, subject="Vraag", body="Ik wil inzage in mijn gegevens.", sender="Lies Goossens <lies@example.be>",
          when=None, headers=None, attachments=()) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "info@labelstudio.be", subject
    msg["Date"] = (when or clock.now() - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S %z")
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def upload(client, raw: bytes, name="verzoek.eml"):
    return client.post("/intake/import", data={"eml": (io.BytesIO(raw), name)}, content_type="multipart/form-data")


def test_an_imported_email_opens_the_new_case_form_prefilled(client, logged_in):
    response = upload(client, corpus("05_outlook_nl_multi_cp1252.eml"))
    assert response.status_code == 302 and "/intake/" in response.location and response.location.endswith("/case")
    page = client.get(response.location).get_data(as_text=True)
    assert 'value="2026-03-18"' in page  # the received date from the email, editable
    assert 'value="renee.dhondt@outlook.be"' in page and "Renée D’Hondt" in page
    assert _checked(page) == {"email", "access", "erasure", "objection"}  # channel + the suggested rights
    assert "inzage" in page and 'id="from-email"' in page


def _checked(page: str) -> set[str]:
    import re

    return {m.group(1) for m in re.finditer(r'<input[^>]*checked[^>]*value="([a-z_]+)"', page)} | \
        {m.group(1) for m in re.finditer(r'<input[^>]*value="([a-z_]+)"[^>]*checked', page)}


def test_saving_makes_an_email_case_drafts_the_acknowledgement_and_keeps_the_original(client, logged_in):
    location = upload(client, corpus("01_outlook_nl_access.eml")).location
    page = client.get(location).get_data(as_text=True)
    assert _checked(page) >= {"email", "access"} and "erasure" not in _checked(page)
    response = client.post(location, data={
        "channel": "email", "received_on": "2026-03-05", "requester_name": "Jan Claes",
        "requester_email": "jan.claes@telenet.be", "rights": ["access"], "request_text": "Inzage", "assignee_id": ""})
    assert response.status_code == 302 and "/letters/new?kind=acknowledgement" in response.location
    case = db.session.scalar(select(Case))
    assert case.channel == "email" and case.received_on == date(2026, 3, 5)
    message = db.session.scalar(select(IntakeMessage))
    assert message.status == "case" and message.case_id == case.id and message.decided_by_id == logged_in.id
    draft = client.get(response.location).get_data(as_text=True)
    assert case.reference in draft and "7 april 2026" in draft  # the deadline (Easter Monday rolled over)
    shown = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="emails"' in shown and "Inzage in mijn gegevens" in shown
    original = client.get(f"/intake/{message.id}/original.eml")
    assert original.headers["Content-Disposition"].startswith("attachment")
    assert original.data == corpus("01_outlook_nl_access.eml")
    text = client.get(f"/intake/{message.id}").get_data(as_text=True)
    assert "vraag ik hierbij inzage" in text and "<html>" not in text  # the text, never the HTML part


def test_a_case_from_a_fresh_email_has_its_acknowledgement_ready_to_send_in_one_click(client, logged_in):
    import html
    import re

    raw = email(subject="Inzage", body="Welke gegevens hebben jullie van mij?", when=clock.now() - timedelta(hours=2))
    location = upload(client, raw).location
    response = client.post(location, data={
        "channel": "email", "received_on": TODAY.isoformat(), "requester_name": "Lies Goossens",
        "requester_email": "lies@example.be", "rights": ["access"], "assignee_id": ""})
    compose = client.get(response.location).get_data(as_text=True)
    assert 'role="alert"' not in compose  # nothing stands in the way of sending it
    subject = html.unescape(re.search(r'id="subject"[^>]*value="([^"]*)"', compose).group(1))
    body = html.unescape(re.search(r'<textarea[^>]*id="body"[^>]*>\s*(.*?)</textarea>', compose, re.S).group(1))
    version = re.search(r'id="version"[^>]*value="(\d+)"', compose).group(1)
    case = db.session.scalar(select(Case))
    assert case.reference in body
    sent = client.post(response.location, data={"subject": subject, "body": body, "version": version})
    assert sent.status_code == 302
    letter = db.session.get(Case, case.id).letters[0]
    assert letter.kind == "acknowledgement" and letter.recipient == "lies@example.be" and letter.outbox_message


def test_the_same_email_twice_is_kept_once(client, logged_in):
    first = upload(client, corpus("02_gmail_en_delete.eml")).location
    second = upload(client, corpus("02_gmail_en_delete.eml")).location
    assert first == second
    assert len(db.session.scalars(select(IntakeMessage)).all()) == 1


def test_a_file_that_is_no_email_is_refused_with_a_message(client, logged_in):
    response = upload(client, b"", "leeg.eml")
    assert response.status_code == 302 and response.location.endswith("/cases/new")
    assert "kon niet gelezen worden" in client.get("/cases/new").get_data(as_text=True)
    assert db.session.scalar(select(IntakeMessage)) is None


def test_an_email_without_sender_can_become_a_case_when_staff_type_the_sender(client, logged_in):
    location = upload(client, corpus("14_no_from.eml")).location
    page = client.get(location).get_data(as_text=True)
    assert "geen afzender" in page
    bad = client.post(location, data={"channel": "email", "received_on": "2026-03-25", "requester_name": "",
                                      "rights": ["erasure"], "assignee_id": ""})
    assert bad.status_code == 422
    good = client.post(location, data={"channel": "email", "received_on": "2026-03-25", "requester_name": "Lotte Maes",
                                       "requester_email": "lotte@example.be", "rights": ["erasure"], "assignee_id": ""})
    assert good.status_code == 302 and db.session.scalar(select(Case)).requester_name == "Lotte Maes"


def test_a_reply_naming_its_case_is_added_to_it_and_answers_the_identity_request(client, logged_in, monkeypatch):
    """From the requester's own address, authenticated by our receiving server (see test_intake_trust.py for the
    same reply from another address, or unauthenticated)."""
    monkeypatch.setitem(client.application.config, "INTAKE_TRUSTED_AUTHSERV_IDS", ["mx.labelstudio.be"])
    case = open_case(logged_in, received_on=TODAY - timedelta(days=10), today=TODAY, channel="email")
    case_service.request_identity(case, actor=logged_in, asked_on=TODAY - timedelta(days=6), today=TODAY)
    raw = email(subject=f"Re: uw verzoek {case.reference}", body="Mijn klantnummer is K-1042.",
                sender="Jan Claes <jan.claes@example.be>", when=clock.now() - timedelta(days=2),
                headers={"Authentication-Results": "mx.labelstudio.be; dkim=pass header.d=example.be; "
                                                   "dmarc=pass header.from=example.be"})
    message, created = services.take_in(raw, source="upload")
    assert created and message.status == "attached" and message.case_id == case.id
    assert services.untriaged_count() == 0
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    answered_on = (TODAY - timedelta(days=2))
    assert f'id="answer-received-{message.id}"' in page and "Antwoord ontvangen op" in page
    assert "E-mail van de verzoeker toegevoegd aan het dossier" in page  # on the timeline (audit trail)
    response = client.post(f"/cases/{case.id}/emails/{message.id}/answer-received", data={"version": case.version})
    assert response.status_code == 302
    case = db.session.get(Case, case.id)
    assert case.status == "in_progress" and case.suspensions[0].ended_on == answered_on
    assert case.suspended_days(TODAY) == 4
    assert 'id="answer-received-' not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_reply_to_a_letter_finds_its_case_by_the_letters_message_id(app, logged_in):
    case = open_case(logged_in, received_on=TODAY - timedelta(days=3), today=TODAY, channel="email")
    letter = correspondence.send_as_drafted(case, "acknowledgement", actor=logged_in, today=TODAY)
    message_id = db.session.get(OutboxMessage, letter.outbox_message_id).message_id
    raw = email(subject="Re: Ontvangstbevestiging", body="Bedankt.", sender="Jan Claes <jan.claes@example.be>",
                headers={"In-Reply-To": message_id, "References": message_id})
    message, _ = services.take_in(raw, source="imap")
    assert message.reference == case.reference and message.case_id == case.id


def test_triage_dismiss_needs_a_reason_and_keeps_who_when_why(client, logged_in):
    message, _ = services.take_in(corpus("17_nonrequest_sales_nl.eml"), source="imap")
    inbox = client.get("/intake").get_data(as_text=True)
    assert "Offerte etiketten wijnflessen" in inbox and 'id="intake-badge"' in inbox
    assert client.post(f"/intake/{message.id}/dismiss", data={"reason": ""}).status_code == 422
    assert client.post(f"/intake/{message.id}/dismiss", data={"reason": "Offerte-aanvraag"}).status_code == 302
    message = db.session.get(IntakeMessage, message.id)
    assert (message.status, message.decision_note, message.decided_by_id) == ("dismissed", "Offerte-aanvraag",
                                                                              logged_in.id)
    assert message.decided_at is not None
    assert 'id="intake-badge"' not in client.get("/intake").get_data(as_text=True)


def test_triage_adds_an_email_to_a_case_chosen_by_reference(client, logged_in):
    case = open_case(logged_in, received_on=TODAY - timedelta(days=3), today=TODAY)
    message, _ = services.take_in(corpus("16_no_text.eml"), source="imap")
    bad = client.post(f"/intake/{message.id}/attach", data={"reference": "DSR-1999-0001"})
    assert bad.status_code == 422 and "Geen dossier" in bad.get_data(as_text=True)
    assert client.post(f"/intake/{message.id}/attach", data={"reference": case.reference}).status_code == 302
    assert db.session.get(IntakeMessage, message.id).case_id == case.id


def test_attachments_are_kept_by_content_type_and_served_as_downloads_to_staff_only(client, auth, staff):
    raw = email(attachments=[("paspoort.png", b"%PDF-1.4 really a pdf\n%%EOF", "image", "png"),
                             ("page.html", b"<script>alert(1)</script>", "text", "html")])
    message, _ = services.take_in(raw, source="imap")
    pdf, page = message.attachments
    assert pdf.detected_type == "application/pdf" and pdf.stored_name and pdf.stored_name not in ("paspoort.png",)
    assert client.get(f"/intake/attachments/{pdf.id}").status_code == 302  # not logged in: to the login page
    auth.login()
    response = client.get(f"/intake/attachments/{pdf.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    served = client.get(f"/intake/attachments/{page.id}")
    assert served.headers["Content-Type"].startswith("text/plain") and "sandbox" in served.headers[
        "Content-Security-Policy"]


def test_a_50_mb_attachment_is_not_kept_but_the_email_is(client, logged_in, monkeypatch):
    monkeypatch.setitem(client.application.config, "INTAKE_MAX_MESSAGE_MB", 100)  # by default it is quarantined
    raw = email(body="Ik wil inzage; in bijlage een grote scan.",
                attachments=[("scan.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024), "application", "pdf"),
                             ("klein.pdf", b"%PDF-1.4\n%%EOF", "application", "pdf")])
    message, created = services.take_in(raw, source="imap")
    big, small = message.attachments
    assert created and big.refused == "too_large" and big.stored_name is None and small.stored_name
    assert message.right_keys == ["access"]
    page = client.get(f"/intake/{message.id}").get_data(as_text=True)
    assert "Niet bewaard: groter dan 20 MB" in page


def test_a_registered_letters_scan_is_viewable_from_the_case(client, logged_in):
    case = case_service.open_case(actor=logged_in, channel="registered_letter", received_on=TODAY,
                                  requester_name="Jan Claes", requester_address="Kerkstraat 1\n2960 Brecht",
                                  rights=["access"], attachment=io.BytesIO(b"%PDF-1.4\n%%EOF"),
                                  attachment_name="brief.pdf")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="view-scan"' in page
    response = client.get(f"/cases/{case.id}/scan")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")


def test_the_daily_reminder_counts_the_untriaged_emails(app, staff):
    services.take_in(corpus("02_gmail_en_delete.eml"), source="imap")
    result = jobs.run("reminders", today=date(2026, 4, 8))
    assert result.count == 1
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert "1 e-mail" in message.subject and "/intake" in message.body_text


# --- A case made from an email is saved like one logged by hand (cases.saving) ---

def _form_token(page: str) -> str:
    import re

    token = re.search(r'name="form_token"[^>]*value="([0-9a-f]{32})"', page) or \
        re.search(r'value="([0-9a-f]{32})"[^>]*name="form_token"', page)
    assert token, "the form from an email carries its own one-off token"
    return token.group(1)


def _case_from_email_data(token: str, **extra) -> dict:
    data = {"channel": "email", "received_on": TODAY.isoformat(), "requester_name": "Lies Goossens",
            "requester_email": "lies@example.be", "rights": ["access"], "assignee_id": "", "form_token": token}
    data.update(extra)
    return data


def test_saving_the_case_from_an_email_twice_with_the_same_form_makes_one_case(client, logged_in):
    location = upload(client, email()).location
    token = _form_token(client.get(location).get_data(as_text=True))
    first = client.post(location, data=_case_from_email_data(token))
    assert first.status_code == 302 and "/letters/new?kind=acknowledgement" in first.location
    case = db.session.scalar(select(Case))
    second = client.post(location, data=_case_from_email_data(token))  # a double click, or back and save again
    assert second.status_code == 302 and second.location.endswith(f"/cases/{case.id}")
    assert len(db.session.scalars(select(Case)).all()) == 1
    shown = client.get(second.location).get_data(as_text=True)
    assert case.reference in shown and "geen tweede dossier" in shown


def test_a_case_from_an_email_warns_about_an_open_case_of_the_same_address_until_confirmed(client, logged_in):
    earlier = open_case(logged_in, received_on=TODAY - timedelta(days=3), today=TODAY,
                        requester_name="Lies Goossens", requester_email="LIES@example.be")
    location = upload(client, email()).location
    token = _form_token(client.get(location).get_data(as_text=True))
    warned = client.post(location, data=_case_from_email_data(token))
    page = warned.get_data(as_text=True)
    assert warned.status_code == 422 and 'id="similar-cases"' in page
    warning = page.split('id="similar-cases"', 1)[1].split("</div>", 1)[0]
    assert earlier.reference in warning and 'name="confirm_duplicate"' in warning
    assert 'value="Lies Goossens"' in page  # the form keeps what was typed
    assert len(db.session.scalars(select(Case)).all()) == 1
    assert db.session.scalar(select(IntakeMessage)).status == "new"  # nothing saved, the email still to triage
    saved = client.post(location, data=_case_from_email_data(token, confirm_duplicate="y"))
    assert saved.status_code == 302 and "/letters/new?kind=acknowledgement" in saved.location
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == 2 and db.session.scalar(select(IntakeMessage)).case_id == cases[1].id


def test_a_case_from_an_email_checks_the_tracking_number_and_an_old_date_and_keeps_the_salutation(client, logged_in):
    location = upload(client, email()).location
    token = _form_token(client.get(location).get_data(as_text=True))
    tracked = client.post(location, data=_case_from_email_data(token, tracking_number="RR123456785BE"))
    assert tracked.status_code == 422  # the number is checked, not silently dropped: an email has none
    assert "Alleen een aangetekende brief heeft een zendingsnummer" in tracked.get_data(as_text=True)
    old = (TODAY - timedelta(days=400)).isoformat()
    refused = client.post(location, data=_case_from_email_data(token, received_on=old, requester_salutation="mevrouw"))
    assert refused.status_code == 422 and 'name="confirm_old"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(Case)) is None
    saved = client.post(location, data=_case_from_email_data(
        token, received_on=old, confirm_old="y", requester_salutation="mevrouw"))
    assert saved.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.requester_salutation == "mevrouw" and case.received_on == TODAY - timedelta(days=400)
    assert db.session.scalar(select(IntakeMessage)).case_id == case.id
