"""Forged senders are not believed: a colleague's forward, a requester's reply and the account's address count only
when our receiving server authenticated the sender (or the email answers a letter Caseflow itself sent there)."""
import os
import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import service as services
from caseflow.intake.models import IntakeMessage
from caseflow.intake.parse import parse_bytes
from caseflow.letters import service as correspondence
from caseflow.mail.models import OutboxMessage
from caseflow.models import Case
from caseflow.services import ServiceError
from caseflow.services import cases as case_service
from tests.fixtures.cases import open_case

MAIL = os.path.join(os.path.dirname(__file__), "data", "mail")
TRUSTED = "mx.labelstudio.be"
TODAY = clock.today()
PASS = f"{TRUSTED}; dkim=pass header.d=example.be header.s=s1; spf=pass smtp.mailfrom=example.be; dmarc=pass " \
       "header.from=example.be"


@pytest.fixture
def trusting(app, monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_TRUSTED_AUTHSERV_IDS", [TRUSTED])
    return app


def corpus(name: str) -> bytes:
    with open(os.path.join(MAIL, name), "rb") as fh:
        return fh.read()


def without_authentication(raw: bytes) -> bytes:
    """The corpus forward as a forger would send it: the same message, without our server's verdict."""
    head, _, body = raw.partition(b"Received:")
    return b"Received:" + body


def email(*, sender="Jan Claes <jan.claes@example.be>", subject="Vraag", body="Ik wil inzage in mijn gegevens.",
          auth=(), when=None, headers=None) -> bytes:
    msg = EmailMessage()
    for value in auth:  # topmost first, as the receiving servers prepend them
        msg["Authentication-Results"] = value
    msg["From"], msg["To"], msg["Subject"] = sender, "info@labelstudio.be", subject
    msg["Date"] = (when or clock.now() - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S %z")
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    return msg.as_bytes()


def _checked(html: str) -> list[str]:
    return re.findall(r'<input[^>]*name="check"[^>]*value="([a-z]+)"[^>]*checked', html) + \
        re.findall(r'<input[^>]*checked[^>]*name="check"[^>]*value="([a-z]+)"', html)


# --- a colleague's forward ------------------------------------------------------------------------------------

def test_an_authenticated_colleague_forward_counts_from_the_original():
    parsed = parse_bytes(corpus("06_fwd_outlook_nl.eml"), trusted_authserv_ids=[TRUSTED])
    assert parsed.forwarded_by == "els@labelstudio.be" and parsed.received_date.isoformat() == "2026-03-02"
    assert parsed.date_source == "forwarded" and "unauthenticated_forward" not in parsed.warnings


@pytest.mark.parametrize("variant", ["no_header", "untrusted_server", "failing_header", "forged_below"])
def test_a_forward_that_is_not_authenticated_counts_from_its_own_arrival(variant):
    raw = without_authentication(corpus("06_fwd_outlook_nl.eml"))
    if variant == "untrusted_server":
        raw = b"Authentication-Results: mx.evil.test; dkim=pass header.d=labelstudio.be; dmarc=pass\r\n" + raw
    elif variant == "failing_header":
        raw = (f"Authentication-Results: {TRUSTED}; dkim=fail header.d=labelstudio.be; dmarc=fail "
               "header.from=labelstudio.be\r\n").encode() + raw
    elif variant == "forged_below":  # the forger's own header under our server's: never read
        raw = (f"Authentication-Results: {TRUSTED}; spf=fail smtp.mailfrom=labelstudio.be; dmarc=fail "
               f"header.from=labelstudio.be\r\nAuthentication-Results: {TRUSTED}; dkim=pass header.d=labelstudio.be; "
               "dmarc=pass header.from=labelstudio.be\r\n").encode() + raw
    parsed = parse_bytes(raw, trusted_authserv_ids=[TRUSTED])
    out = parsed.as_json()
    assert out["sender_authenticated"] is False
    assert parsed.forwarded_by == "els@labelstudio.be" and parsed.from_email == "marie.dubois@proximus.be"  # suggested
    assert out["received_date"] == "2026-03-09" and out["forward_claimed_date"] == "2026-03-02"
    assert "unauthenticated_forward" in out["warnings"]


def test_a_case_from_an_unauthenticated_forward_needs_the_claimed_date_confirmed(client, logged_in):
    message, _ = services.take_in(without_authentication(corpus("06_fwd_outlook_nl.eml")), source="imap")
    assert message.forward_claimed_at is not None and message.received_on.isoformat() == "2026-03-09"
    page = client.get(f"/intake/{message.id}/case").get_data(as_text=True)
    assert 'id="unauthenticated-forward"' in page and 'value="2026-03-09"' in page
    data = {"channel": "email", "received_on": "2026-03-02", "requester_name": "Marie Dubois",
            "requester_email": "marie.dubois@proximus.be", "rights": ["erasure"], "assignee_id": "",
            "confirm_duplicate": "y"}
    refused = client.post(f"/intake/{message.id}/case", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="confirm_claimed_date-error"' in html
    assert db.session.scalar(select(Case)) is None and 'value="2026-03-02"' in html  # nothing saved, input kept
    saved = client.post(f"/intake/{message.id}/case", data={**data, "confirm_claimed_date": "y"})
    assert saved.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.received_on.isoformat() == "2026-03-02" and case.sender_authenticated is False


def test_a_spoofed_customer_address_is_no_proof_of_identity(client, logged_in):
    message, _ = services.take_in(email(), source="imap")  # no trusted Authentication-Results
    assert message.sender_authenticated is False
    page = client.get(f"/intake/{message.id}/case").get_data(as_text=True)
    assert 'id="sender-unverified"' in page and "afzender niet geverifieerd" in page.lower()
    client.post(f"/intake/{message.id}/case", data={
        "channel": "email", "received_on": message.received_on.isoformat(), "requester_name": "Jan Claes",
        "requester_email": "jan.claes@example.be", "rights": ["access"], "assignee_id": ""})
    case = db.session.scalar(select(Case))
    assert case.sender_authenticated is False
    assert 'id="case-sender-unverified"' in client.get(f"/cases/{case.id}").get_data(as_text=True)
    verify = client.get(f"/cases/{case.id}/identity/verify").get_data(as_text=True)
    assert _checked(verify) == ["knowledge"]  # a reply from the account's address, not "verified on the spot"
    draft = correspondence.draft(case, "acknowledgement", locale="nl", sender_name="An", today=TODAY)
    assert "volstaat het deze e-mail te beantwoorden vanaf het e-mailadres van uw klantaccount" in draft.body


def test_an_authenticated_customer_address_is_verified_on_the_spot(client, logged_in, trusting):
    message, _ = services.take_in(email(auth=[PASS]), source="imap")
    assert message.sender_authenticated is True
    client.post(f"/intake/{message.id}/case", data={
        "channel": "email", "received_on": message.received_on.isoformat(), "requester_name": "Jan Claes",
        "requester_email": "jan.claes@example.be", "rights": ["access"], "assignee_id": ""})
    case = db.session.scalar(select(Case))
    assert case.sender_authenticated is True
    assert 'id="case-sender-unverified"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    draft = correspondence.draft(case, "acknowledgement", locale="nl", sender_name="An", today=TODAY)
    assert "klantaccount" not in draft.body


# --- references cannot be borrowed ---------------------------------------------------------------------------

def _waiting_case(actor):
    case = open_case(actor, received_on=TODAY - timedelta(days=10), today=TODAY, channel="email")
    case_service.request_identity(case, actor=actor, asked_on=TODAY - timedelta(days=6), today=TODAY)
    return case


def test_a_strangers_email_naming_a_case_waits_in_the_inbox(client, logged_in, trusting):
    case = _waiting_case(logged_in)
    raw = email(sender="Stranger <stranger@evil.test>", subject=f"Re: {case.reference}", body="Hier is het.",
                auth=[f"{TRUSTED}; dkim=pass header.d=evil.test; dmarc=pass header.from=evil.test"])
    message, _ = services.take_in(raw, source="imap")
    assert message.status == "new" and message.case_id is None and message.reference == case.reference
    page = client.get(f"/intake/{message.id}").get_data(as_text=True)
    assert 'id="reference-not-borrowed"' in page
    assert case.reference in client.get("/intake").get_data(as_text=True)  # the case it names, suggested
    # staff add it to the case themselves: then "Antwoord ontvangen" still does not take it as the requester's
    services.attach(db.session.get(IntakeMessage, message.id), reference=case.reference, actor=logged_in)
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/cases/{case.id}/identity/verify?received_on=' in case_page
    response = client.post(f"/cases/{case.id}/emails/{message.id}/answer-received", data={"version": case.version})
    assert response.status_code == 302
    case = db.session.get(Case, case.id)
    assert case.identity_verified_on is None and case.status == "awaiting_identity"


def test_the_requesters_address_without_authentication_does_not_join_by_itself(app, logged_in):
    case = _waiting_case(logged_in)
    message, _ = services.take_in(email(subject=f"Re: {case.reference}"), source="imap")
    assert message.status == "new" and message.case_id is None
    with pytest.raises(ServiceError):
        services.answer_received(case, message, actor=logged_in)


def test_the_requesters_authenticated_reply_joins_and_answers(client, logged_in, trusting):
    case = _waiting_case(logged_in)
    message, _ = services.take_in(email(subject=f"Re: {case.reference}", auth=[PASS]), source="imap")
    assert message.status == "attached" and message.case_id == case.id
    response = client.post(f"/cases/{case.id}/emails/{message.id}/answer-received", data={"version": case.version})
    assert response.status_code == 302
    case = db.session.get(Case, case.id)
    assert case.identity_verified_on == message.received_on and "Antwoord vanaf het e-mailadres" in case.identity_method


def test_a_reply_to_our_own_letter_from_its_address_joins_even_unauthenticated(app, logged_in):
    case = _waiting_case(logged_in)
    letter = correspondence.send_as_drafted(case, "acknowledgement", actor=logged_in, today=TODAY)
    sent = db.session.get(OutboxMessage, letter.outbox_message_id)
    raw = email(subject="Re: Ontvangstbevestiging", headers={"In-Reply-To": sent.message_id})
    message, _ = services.take_in(raw, source="imap")
    assert message.answers_letter_to == "jan.claes@example.be" and message.case_id == case.id
    assert services.from_requester(message, case)
    # the same In-Reply-To from another address: the letter's Message-ID is no password
    other, _ = services.take_in(email(sender="x@evil.test", subject="Re: Ontvangstbevestiging",
                                      headers={"In-Reply-To": sent.message_id, "Message-ID": "<o@evil.test>"}),
                                source="imap")
    assert other.status == "new" and other.case_id is None
