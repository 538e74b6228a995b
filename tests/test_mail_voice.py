"""Mail that reads right: letters come from Labelstudio and greet the requester as chosen; staff mail from Caseflow."""
from datetime import date, datetime, timezone

import pytest

from caseflow.extensions import db
from caseflow.letters import drafting as letters
from caseflow.letters import service as correspondence
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

TODAY = date(2026, 3, 5)
NOW = datetime(2026, 3, 5, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("name, form, locale, expected", [
    ("Jan Vermeulen", "heer", "nl", "Geachte heer Vermeulen"),
    ("Sofie Claes", "mevrouw", "nl", "Geachte mevrouw Claes"),
    ("Sofie Claes", None, "nl", "Beste Sofie Claes"),
    ("Jan Vermeulen", "heer", "en", "Dear Mr Vermeulen"),
    ("Sofie Claes", "mevrouw", "en", "Dear Ms Claes"),
    ("Sofie  Claes", None, "en", "Dear Sofie Claes"),
    ("Pieter Van den Broeck", "heer", "nl", "Geachte heer Van den Broeck"),
    ("Marie De Smet", "mevrouw", "nl", "Geachte mevrouw De Smet"),
    ("Anne Marie Claes", "mevrouw", "nl", "Geachte mevrouw Claes"),
])
def test_salutation(name, form, locale, expected):
    assert letters.salutation(name, form, locale) == expected


def _email_case(actor, **kw):
    values = dict(channel="email", requester_name="Jan Vermeulen", requester_email="jan@example.be",
                  requester_address=None, received_on=TODAY, today=TODAY)
    values.update(kw)
    return open_case(actor, **values)


def test_a_letter_by_email_comes_from_labelstudio_with_the_chosen_greeting(app, smtp_server, staff):
    case = _email_case(staff, requester_salutation="heer")
    correspondence.send_as_drafted(case, "acknowledgement", actor=staff, today=TODAY, now=NOW)
    correspondence.deliver_outbox(now=NOW)
    [(sender, recipients, message)] = smtp_server.received
    assert message["From"] == "Labelstudio <info@labelstudio.be>" and sender == "info@labelstudio.be"
    assert message["Reply-To"] == "info@labelstudio.be"
    assert "Caseflow" not in message.as_string()
    assert recipients == ["jan@example.be"]
    assert message.get_body(("plain",)).get_content().lstrip().startswith("Geachte heer Vermeulen,")


def test_the_letters_sender_is_a_setting(app, smtp_server, staff):
    app.config["LETTERS_SENDER"] = "Labelstudio klantendienst <privacy@labelstudio.be>"
    try:
        case = _email_case(staff, requester_name="Sofie Claes", requester_email="sofie@example.be")
        correspondence.send_as_drafted(case, "acknowledgement", actor=staff, today=TODAY, now=NOW, locale="en")
        correspondence.deliver_outbox(now=NOW)
    finally:
        app.config["LETTERS_SENDER"] = "Labelstudio <info@labelstudio.be>"
    message = smtp_server.messages[0]
    assert message["From"] == "Labelstudio klantendienst <privacy@labelstudio.be>"
    assert message.get_body(("plain",)).get_content().lstrip().startswith("Dear Sofie Claes,")


def test_every_letter_greets_with_the_salutation(app, staff):
    case = _email_case(staff, requester_name="Sofie Claes", requester_salutation="mevrouw")
    for kind in letters.KINDS:
        for locale, greeting in (("nl", "Geachte mevrouw Claes,"), ("en", "Dear Ms Claes,")):
            body = correspondence.draft(case, kind, locale=locale, sender_name="An", today=TODAY).body
            assert body.startswith(greeting), (kind, locale)


def test_the_salutation_can_be_corrected_on_the_requester_form(client, logged_in):
    case = _email_case(logged_in)
    data = {"version": case.version, "requester_name": "Jan Vermeulen", "requester_email": "jan@example.be",
            "requester_address": "", "customer_number": "", "requester_salutation": "heer"}
    assert client.post(f"/cases/{case.id}/requester", data=data).status_code == 302
    case = db.session.get(type(case), case.id)
    assert case.requester_salutation == "heer"
    assert "Geachte heer Vermeulen," in client.get(f"/cases/{case.id}/letters/new?kind=acknowledgement").get_data(as_text=True)


def test_a_colleague_assigning_a_case_sends_a_short_email_from_caseflow(app, smtp_server, staff):
    piet = make_user("piet@labelstudio.be", "Piet Maes")
    case = _email_case(staff)
    svc.assign(case, actor=staff, assignee_id=piet.id, now=NOW)
    svc.assign(case, actor=staff, assignee_id=staff.id, now=NOW)  # taking it oneself: no email
    correspondence.deliver_outbox(now=NOW)
    [message] = smtp_server.messages
    assert message["To"] == "piet@labelstudio.be" and message["From"] == "Caseflow <caseflow@labelstudio.be>"
    assert message["Subject"] == f"Caseflow: dossier {case.reference} aan u toegewezen"
    text = message.get_body(("plain",)).get_content()
    assert "An Peeters heeft dossier" in text and f"/cases/{case.id}" in text and "Jan Vermeulen" in text


def test_a_new_case_assigned_to_a_colleague_tells_them(app, smtp_server, staff):
    piet = make_user("piet@labelstudio.be", "Piet Maes", locale="en")
    case = _email_case(staff, assignee_id=piet.id)
    _email_case(staff, requester_email="ander@example.be", assignee_id=staff.id)  # one's own: no email
    correspondence.deliver_outbox()
    [message] = smtp_server.messages
    assert message["Subject"] == f"Caseflow: case {case.reference} assigned to you"
