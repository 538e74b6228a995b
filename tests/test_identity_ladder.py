"""The identity ladder (issue 8, item 1), stopping marketing before any check (issue 12, item 3) and decisions that
stay coherent (issue 12, item 4)."""
import re
from datetime import date, timedelta

import pytest

from caseflow import clock
from caseflow.extensions import db
from caseflow.letters import service as correspondence
from caseflow.models import Case
from caseflow.services import ServiceError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user


def checked(html: str) -> list[str]:
    """The values of the radio buttons checked in the form."""
    return re.findall(r'<input checked [^>]*value="([^"]+)"', html)

D = date.fromisoformat
TODAY = clock.today()


@pytest.fixture
def actor(app):
    return make_user()


def only_case():
    db.session.expire_all()
    return db.session.scalars(db.select(Case)).one()


def identity_letter(case, locale):
    return correspondence.draft(case, "identity_request", locale=locale, sender_name="An Peeters",
                                today=case.identity_requested_on)


def test_the_letter_asks_for_information_only_the_customer_has_never_an_id_card(actor):
    case = open_case(actor, channel="registered_letter", requester_address="Kerkstraat 1\n2960 Brecht")
    svc.request_identity(case, actor=actor, check="knowledge", asked_on=D("2026-03-05"), today=D("2026-03-05"))
    assert case.identity_check == "knowledge"
    assert identity_letter(case, "nl").subject.startswith("Vraag om bevestiging van uw identiteit – ")
    assert identity_letter(case, "en").subject.startswith("Request for confirmation of your identity – ")
    nl, en = identity_letter(case, "nl").body, identity_letter(case, "en").body
    assert "nummer van een van uw bestellingen" in nl and "postcode van het leveringsadres" in nl
    assert "vanaf het e-mailadres van uw klantaccount" in nl and "identiteitskaart is niet nodig" in nl
    assert "rijksregisternummer" not in nl and "kopie van uw identiteitskaart (" not in nl
    assert "order" in en and "postcode of the delivery address" in en and "national register" not in en


def test_an_identity_document_only_with_the_reason_and_the_letter_says_it_is_deleted(actor):
    case = open_case(actor)
    with pytest.raises(ServiceError) as err:
        svc.request_identity(case, actor=actor, check="document", reason="  ", today=D("2026-03-05"))
    assert err.value.field == "reason" and case.status == "new" and case.identity_check is None
    with pytest.raises(ServiceError) as err:  # the lightest step asks nothing: record it as verified instead
        svc.request_identity(case, actor=actor, check="account", today=D("2026-03-05"))
    assert err.value.field == "check"
    svc.request_identity(case, actor=actor, check="document", reason="Ander e-mailadres, bestelnummer onbekend",
                         asked_on=D("2026-03-05"), today=D("2026-03-05"))
    assert case.identity_check_reason == "Ander e-mailadres, bestelnummer onbekend"
    assert identity_letter(case, "nl").subject.startswith("Vraag om een identiteitsbewijs – ")
    assert identity_letter(case, "en").subject.startswith("Request for proof of identity – ")
    nl, en = identity_letter(case, "nl").body, identity_letter(case, "en").body
    assert "kopie van uw identiteitskaart" in nl and "uw foto en uw rijksregisternummer onleesbaar" in nl
    assert "vernietigen ze meteen na die controle" in nl
    assert "photo and your national register number unreadable" in en and "delete it immediately" in en


def test_verifying_by_document_requires_the_copy_destroyed_and_the_trail_says_so(actor, client, auth):
    case = open_case(actor)
    svc.request_identity(case, actor=actor, check="document", reason="Twijfel", asked_on=D("2026-03-05"),
                         today=D("2026-03-05"))
    with pytest.raises(ServiceError) as err:
        svc.record_identity(case, actor=actor, check="document", reason="Twijfel", method="eID gezien",
                            today=D("2026-03-09"))
    assert err.value.field == "copy_destroyed" and case.identity_verified_on is None
    svc.record_identity(case, actor=actor, check="document", reason="Twijfel", method="eID gezien",
                        copy_destroyed=True, received_on=D("2026-03-09"), today=D("2026-03-10"))
    assert case.identity_check == "document" and case.identity_copy_destroyed_on == D("2026-03-10")
    destroyed = [e for e in case.events if e.action == "identity_copy_destroyed"]
    assert len(destroyed) == 1 and destroyed[0].detail == "2026-03-10"
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Identiteitsbewijs gezien, kopie vernietigd op 10 maart 2026" in page  # on the case page...
    trail = page.split('id="audit"', 1)[1]
    assert "Identiteitsbewijs gezien: kopie vernietigd op 10 maart 2026" in trail  # ...and in the trail


def test_the_verify_form_suggests_the_account_for_email_requests_and_keeps_bad_input(client, logged_in):
    case = open_case(logged_in, channel="email", received_on=TODAY, today=TODAY)
    case.sender_authenticated = True  # made from an email whose sender our receiving server authenticated
    db.session.commit()
    form = client.get(f"/cases/{case.id}/identity/verify").get_data(as_text=True)
    assert checked(form) == ["account"]  # the lightest step, the default for an authenticated email request
    ladder = [form.index(f'value="{key}"') for key in ("account", "knowledge", "document")]
    assert ladder == sorted(ladder)  # lightest to heaviest
    # an identity document without the reason: refused, everything typed kept
    r = client.post(f"/cases/{case.id}/identity/verify", data={
        "version": case.version, "received_on": TODAY.isoformat(), "check": "document", "reason": "",
        "method": "eID getoond aan de balie"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="reason-error"' in html and "laatste middel" in html
    assert "eID getoond aan de balie" in html and checked(html) == ["document"]
    # with the reason but without confirming the copy is gone: refused too
    r = client.post(f"/cases/{case.id}/identity/verify", data={
        "version": case.version, "received_on": TODAY.isoformat(), "check": "document",
        "reason": "Adres wijkt af van de account", "method": "eID getoond aan de balie"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="copy_destroyed-error"' in html and "Adres wijkt af van de account" in html
    assert only_case().identity_verified_on is None
    r = client.post(f"/cases/{case.id}/identity/verify", data={
        "version": case.version, "received_on": TODAY.isoformat(), "check": "account", "method": ""})
    assert r.status_code == 302 and only_case().identity_check == "account"
    assert "e-mail- of postadres van het account" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_letter_case_gets_no_suggestion_and_the_request_form_offers_the_ladder(client, logged_in):
    case = open_case(logged_in, received_on=TODAY, today=TODAY, requester_address="Kerkstraat 1\n2960 Brecht")
    assert checked(client.get(f"/cases/{case.id}/identity/verify").get_data(as_text=True)) == []
    form = client.get(f"/cases/{case.id}/identity/request").get_data(as_text=True)
    assert checked(form) == ["knowledge"]
    r = client.post(f"/cases/{case.id}/identity/request", data={
        "version": case.version, "asked_on": TODAY.isoformat(), "check": "document", "reason": "", "note": "x"})
    assert r.status_code == 422 and 'id="reason-error"' in r.get_data(as_text=True)
    assert only_case().status == "new"


def test_unsubscribing_from_the_newsletter_never_waits_for_the_identity(actor, client, auth):
    case = open_case(actor, rights=("objection", "consent_withdrawal"), channel="email")
    objection, withdrawal = case.rights
    assert (objection.right, withdrawal.right) == ("objection", "consent_withdrawal")
    resolution.record_action(case, objection.id, actor=actor, system="mailchimp", description="Uitgeschreven",
                             checklist_item="direct_marketing", today=D("2026-03-05"))
    assert case.identity_verified_on is None and objection.actions[0].checklist_item == "direct_marketing"
    auth.login()
    r = client.post(f"/cases/{case.id}/actions/new", data={
        "version": case.version, "case_right_id": withdrawal.id, "checklist_item": "unsubscribe_mailchimp",
        "system": "mailchimp", "description": "Uitgeschreven in Mailchimp", "performed_on": "2026-03-05"})
    assert r.status_code == 302
    # what discloses or changes other data still waits
    with pytest.raises(ServiceError):
        resolution.record_action(case, withdrawal.id, actor=actor, system="analytics", description="x",
                                 checklist_item="analytics_consent", today=D("2026-03-05"))


def test_changing_a_decision_does_not_keep_the_old_reasons(actor, client, auth):
    case = open_case(actor, rights=("consent_withdrawal",), channel="email")
    right = case.rights[0]
    resolution.set_outcome(case, right.id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                           reason="U gaf ons nooit toestemming.")
    svc.record_identity(case, actor=actor, check="account", method="e-mail", today=D("2026-03-06"))  # clears it
    resolution.set_outcome(case, right.id, actor=actor, outcome="not_applicable", reason="U gaf ons nooit toestemming.")
    # granted: the reasons written for the previous decision are dropped, never sent with the new one
    resolution.set_outcome(case, right.id, actor=actor, outcome="granted", reason="U gaf ons nooit toestemming.")
    assert right.outcome == "granted" and right.outcome_reason is None
    assert "nooit toestemming" not in correspondence.draft(case, "answer", locale="nl", sender_name="An",
                                                           today=D("2026-03-06")).body
    # a decision that needs reasons asks for new ones (on the web: the form says so, what was typed kept)
    auth.login()
    resolution.set_outcome(case, right.id, actor=actor, outcome="not_applicable", reason="Geen toestemming gegeven.")
    case = only_case()
    r = client.post(f"/cases/{case.id}/rights/{right.id}/outcome", data={
        "version": case.rights[0].version, "outcome": "refused", "refusal_code": "identity_not_verified",
        "reason": "Geen toestemming gegeven."})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="reason-error"' in html and "vorige beslissing" in html
    assert only_case().rights[0].outcome == "not_applicable"


def test_the_case_page_marks_a_decision_that_no_longer_holds(actor, client, auth):
    case = open_case(actor, rights=("objection",), channel="email")
    objection = case.rights[0]
    resolution.set_outcome(case, objection.id, actor=actor, outcome="not_applicable", reason="Geen bezwaar.")
    auth.login()
    assert 'id="invalid-decision-objection"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    resolution.record_action(case, objection.id, actor=actor, system="mailchimp", description="Uitgeschreven",
                             checklist_item="direct_marketing", today=D("2026-03-05"))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    warning = page.split('id="invalid-decision-objection"', 1)[1].split("</div>", 1)[0]
    assert "Deze beslissing geldt niet meer" in warning and "artikel 21, lid 3" in warning
    assert f"/rights/{objection.id}/outcome" in warning  # decide again, from right there
    r = client.post(f"/cases/{case.id}/close", data={"version": only_case().version, "status": "refused",
                                                      "note": "Geweigerd"})
    assert r.status_code == 422 and "artikel 21, lid 3" in r.get_data(as_text=True)


def test_no_extend_button_once_extended_or_after_the_original_deadline(actor, client, auth):
    auth.login()
    fresh = open_case(actor, received_on=TODAY, today=TODAY)
    late = open_case(actor, received_on=TODAY - timedelta(days=45), today=TODAY)
    assert 'id="extend"' in client.get(f"/cases/{fresh.id}").get_data(as_text=True)
    assert 'id="extend"' not in client.get(f"/cases/{late.id}").get_data(as_text=True)
    svc.extend(fresh, actor=actor, reason="Complex verzoek", today=TODAY)
    assert 'id="extend"' not in client.get(f"/cases/{fresh.id}").get_data(as_text=True)


def test_an_unauthenticated_email_is_no_proof_of_the_account_address(client, logged_in):
    """GBA 145/2022: the account's address identifies the customer only if the mail really comes from it."""
    case = open_case(logged_in, channel="email", received_on=TODAY, today=TODAY)
    case.sender_authenticated = False
    db.session.commit()
    form = client.get(f"/cases/{case.id}/identity/verify").get_data(as_text=True)
    assert checked(form) == ["knowledge"]  # a reply from the account's address, not "verified on the spot"
    r = client.post(f"/cases/{case.id}/identity/verify", data={
        "version": case.version, "received_on": TODAY.isoformat(), "check": "account", "reason": "", "method": ""})
    assert r.status_code == 422 and 'id="reason-error"' in r.get_data(as_text=True)
    assert only_case().identity_verified_on is None
    r = client.post(f"/cases/{case.id}/identity/verify", data={
        "version": case.version, "received_on": TODAY.isoformat(), "check": "account", "method": "",
        "reason": "Zelfde vraag telefonisch bevestigd door de klant"})
    assert r.status_code == 302 and only_case().identity_check == "account"
    assert only_case().identity_check_reason == "Zelfde vraag telefonisch bevestigd door de klant"
