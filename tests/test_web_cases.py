"""The register through the web: every case form's happy path and its validation errors."""
import html
import io
from datetime import timedelta

import pytest
from babel.dates import format_date

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal import checklists
from caseflow.legal.deadlines import legal_deadline
from caseflow.letters import service as correspondence
from caseflow.models import Case
from caseflow.services import cases as svc
from caseflow.services import resolution
from tests.fixtures.cases import open_case, send_answer, work_checklists
from tests.fixtures.users import make_user

TODAY = clock.today()


def new_case_data(**changes):
    data = {
        "channel": "registered_letter",
        "received_on": (TODAY - timedelta(days=3)).isoformat(),
        "requester_name": "Marie Wouters",
        "requester_email": "marie.wouters@example.be",
        "requester_address": "Kerkstraat 12\n2960 Brecht",
        "customer_number": "K-1042",
        "rights": ["access", "erasure"],
        "request_text": "Geachte, graag had ik inzage in en verwijdering van mijn gegevens.",
        "assignee_id": "",
    }
    data.update(changes)
    return data


def only_case():
    return db.session.scalar(db.select(Case))


def test_log_a_case(client, logged_in):
    r = client.post("/cases/new", data=new_case_data())
    case = only_case()
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.reference == f"DSR-{case.received_on.year}-0001"
    assert case.right_keys == ["access", "erasure"]
    assert case.deadline == legal_deadline(TODAY - timedelta(days=3))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.reference in page and "Marie Wouters" in page and "K-1042" in page


def test_new_case_form_shows_today_as_received_date(client, logged_in):
    html = client.get("/cases/new").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in html


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "received_on"),
        ({"rights": []}, "rights"),
        ({"requester_email": "geen-email"}, "requester_email"),
        ({"requester_email": "", "requester_address": ""}, "requester_email"),
        ({"requester_name": ""}, "requester_name"),
        ({"received_on": "31/02/2026"}, "received_on"),
    ],
)
def test_case_form_errors_keep_everything_typed(client, logged_in, changes, field):
    r = client.post("/cases/new", data=new_case_data(**changes))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    typed = new_case_data(**changes)
    for name in ("requester_name", "customer_number", "request_text", "requester_address"):
        if typed[name]:
            assert typed[name].split("\n")[0] in html, name
    for right in typed["rights"]:
        assert f'checked id="rights-{["access", "rectification", "erasure"].index(right)}"' in html
    assert only_case() is None


def test_attachment_is_stored_and_downloadable(client, logged_in, app):
    data = new_case_data(attachment=(io.BytesIO(b"%PDF-1.4 scan van de brief"), "brief scan.pdf"))
    client.post("/cases/new", data=data, content_type="multipart/form-data")
    case = only_case()
    assert case.attachment_name == "brief scan.pdf"
    r = client.get(f"/cases/{case.id}/attachment")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 scan van de brief"


def test_failed_case_does_not_leave_an_attachment_behind(client, logged_in, app, tmp_path):
    import os
    folder = os.path.join(app.instance_path, "attachments")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    data = new_case_data(requester_name="  ", attachment=(io.BytesIO(b"scan"), "scan.pdf"))
    client.post("/cases/new", data=data, content_type="multipart/form-data")
    after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert after == before and only_case() is None


def test_unknown_case_is_404(client, logged_in):
    assert client.get("/cases/999").status_code == 404
    assert client.get("/cases/999/extend").status_code == 404


@pytest.fixture
def case(logged_in):
    return open_case(logged_in, received_on=TODAY - timedelta(days=10), rights=("access", "erasure"), today=TODAY)


def test_identity_request_and_record(client, case, logged_in):
    asked = TODAY - timedelta(days=8)
    r = client.post(f"/cases/{case.id}/identity/request",
                    data={"version": case.version, "asked_on": asked.isoformat(), "note": "Kopie eID gevraagd"})
    assert r.status_code == 302
    assert only_case().status == "awaiting_identity"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="identity-letter-missing"' in page and "nog geen brief verstuurd" in page  # the clock stops, who was asked?
    draft = correspondence.draft(only_case(), "identity_request", locale="nl", sender_name="An", today=asked)
    correspondence.send(only_case(), actor=logged_in, kind="identity_request", locale="nl", subject=draft.subject,
                        body=draft.body, today=asked)
    assert 'id="identity-letter-missing"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    arrived = TODAY - timedelta(days=2)
    r = client.post(f"/cases/{case.id}/identity/verify",
                    data={"version": only_case().version, "received_on": arrived.isoformat(), "check": "document",
                          "reason": "Verzoek van een ander e-mailadres; ordernummer onbekend",
                          "copy_destroyed": "y", "method": "kopie identiteitskaart gecontroleerd en vernietigd"})
    assert r.status_code == 302
    case = only_case()
    assert case.status == "in_progress"
    assert case.deadline == legal_deadline(case.received_on, suspended_days=6)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "kopie identiteitskaart gecontroleerd en vernietigd" in page
    trail = page.split('id="audit"', 1)[1]
    for day in (asked, arrived):  # the trail says on which day it was asked and on which day it arrived
        assert format_date(day, "d MMMM y", locale="nl") in trail


def test_identity_record_needs_a_method(client, case):
    r = client.post(f"/cases/{case.id}/identity/verify",
                    data={"version": case.version, "received_on": TODAY.isoformat(), "method": ""})
    assert r.status_code == 422 and 'id="check-error"' in r.get_data(as_text=True)


def test_extend_with_reason_then_tell_the_requester(client, case):
    r = client.post(f"/cases/{case.id}/extend", data={"version": case.version, "reason": "Veel systemen"})
    assert r.status_code == 302 and "/letters/new?kind=extension_notice" in r.headers["Location"]
    assert only_case().deadline == legal_deadline(case.received_on)  # not before the requester is told
    # Until the notice goes out, the case page warns that the extension does not count without it.
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="extension-not-notified"' in page and "geldt de verlenging niet" in page
    compose = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Veel systemen" in compose
    body = compose.split('id="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    r = client.post(r.headers["Location"], data={"version": only_case().version, "subject": "Verlenging",
                                                 "body": html.unescape(body)})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert 'id="extension-not-notified"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert only_case().deadline == legal_deadline(case.received_on, extended=True)


def test_extension_without_notice_before_the_original_deadline_is_flagged(client, logged_in):
    received = TODAY - timedelta(days=50)
    late = open_case(logged_in, received_on=received, today=received)
    svc.extend(late, actor=logged_in, reason="Complex verzoek", today=received + timedelta(days=20))
    page = client.get(f"/cases/{late.id}").get_data(as_text=True)
    assert 'id="extension-not-notified"' in page and "Antwoord de verzoeker zo snel mogelijk" in page


def test_extend_after_original_deadline_is_refused_with_message(client, logged_in):
    late = open_case(logged_in, received_on=TODAY - timedelta(days=70), today=TODAY)
    r = client.post(f"/cases/{late.id}/extend", data={"version": late.version, "reason": "te laat"})
    assert r.status_code == 422
    assert "Veel" not in r.get_data(as_text=True)
    assert only_case().extended_on is None
    assert 'class="flash error"' in r.get_data(as_text=True)


def test_extend_needs_a_reason(client, case):
    r = client.post(f"/cases/{case.id}/extend", data={"version": case.version, "reason": ""})
    assert r.status_code == 422 and 'id="reason-error"' in r.get_data(as_text=True)


def test_record_action_and_outcomes_then_resolve(client, case, logged_in):
    access, erasure = case.rights
    r = client.post(f"/cases/{case.id}/actions/new", data={
        "version": case.version, "case_right_id": erasure.id, "system": "webshop",
        "description": "Account verwijderd in de webshop", "performed_on": TODAY.isoformat(), "note": ""})
    assert r.status_code == 302
    client.post(f"/cases/{case.id}/identity/verify", data={
        "version": only_case().version, "received_on": TODAY.isoformat(), "check": "account",
        "method": "e-mail komt overeen"})
    r = client.post(f"/cases/{case.id}/rights/{access.id}/outcome",
                    data={"version": only_case().rights[0].version, "outcome": "granted"})
    assert r.status_code == 302
    r = client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data={
        "version": only_case().rights[1].version, "outcome": "partially_granted", "refusal_code": "legal_retention",
        "reason": "Factuurgegevens blijven 10 jaar bewaard (fiscale bewaarplicht)."})
    assert r.status_code == 302
    r = client.post(f"/cases/{case.id}/close", data={
        "version": only_case().version, "status": "resolved", "answer_sent_on": TODAY.isoformat()})
    assert r.status_code == 422 and "checklist" in r.get_data(as_text=True)  # open checklist items
    work_checklists(only_case(), logged_in)
    r = client.post(f"/cases/{case.id}/close", data={
        "version": only_case().version, "status": "resolved", "answer_sent_on": TODAY.isoformat()})
    assert r.status_code == 422 and "Verstuur eerst het antwoord" in r.get_data(as_text=True)
    send_answer(only_case(), logged_in, today=TODAY)
    r = client.post(f"/cases/{case.id}/close", data={
        "version": only_case().version, "status": "resolved", "answer_sent_on": TODAY.isoformat()})
    assert r.status_code == 302
    case = only_case()
    assert case.status == "resolved"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Account verwijderd in de webshop" in page
    assert "Factuurgegevens blijven 10 jaar bewaard" in page
    assert page.count('class="audit-event"') == len(case.events) >= 7


def test_outcome_refusal_without_code_keeps_reason(client, case):
    client.post(f"/cases/{case.id}/identity/verify", data={
        "version": case.version, "received_on": TODAY.isoformat(), "check": "account", "method": "ok"})
    erasure = case.rights[1]
    r = client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data={
        "version": erasure.version, "outcome": "refused", "refusal_code": "", "reason": "Mijn uitleg"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="refusal_code-error"' in html and "Mijn uitleg" in html
    assert only_case().rights[1].outcome is None


def test_resolve_without_outcomes_is_refused(client, case):
    r = client.post(f"/cases/{case.id}/close", data={
        "version": case.version, "status": "resolved", "answer_sent_on": TODAY.isoformat()})
    assert r.status_code == 422 and 'id="status-error"' in r.get_data(as_text=True)
    assert only_case().is_open


def test_reassign(client, case):
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version, "assignee_id": colleague.id})
    assert r.status_code == 302
    assert only_case().assignee.name == "Piet Maes"
    events = len(only_case().events)
    r = client.post(f"/cases/{case.id}/assign", data={"version": only_case().version, "assignee_id": colleague.id},
                    follow_redirects=True)
    assert "Er is niets gewijzigd" in r.get_data(as_text=True) and len(only_case().events) == events


def test_stale_form_does_not_overwrite_and_keeps_input(client, case):
    stale = case.version
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    client.post(f"/cases/{case.id}/assign", data={"version": stale, "assignee_id": colleague.id})  # meanwhile
    r = client.post(f"/cases/{case.id}/extend", data={"version": stale, "reason": "Mijn reden"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Mijn reden" in html and 'class="flash error"' in html
    assert f'name="version" type="hidden" value="{only_case().version}"' in html
    assert only_case().extended_on is None
    changed = html.split('id="changed-meanwhile"', 1)[1]  # what the colleague did is shown above the form
    assert "Toegewezen" in changed and "Piet Maes" in changed


def test_colleagues_refusal_is_shown_before_anyone_overwrites_it(client, case, logged_in):
    svc.record_identity(case, actor=logged_in, method="ok", today=TODAY)
    erasure = case.rights[1]
    stale = erasure.version  # the decision's own version
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    resolution.set_outcome(only_case(), erasure.id, actor=colleague, outcome="refused", refusal_code="no_ground",
                    reason="Geen van de vijf gronden: lopende bestelling.")
    r = client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome",
                    data={"version": stale, "outcome": "not_applicable", "reason": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and only_case().rights[1].outcome == "refused"
    changed = page.split('id="changed-meanwhile"', 1)[1]
    assert "Piet Maes" in changed and "Geen van de vijf gronden: lopende bestelling." in changed


@pytest.mark.parametrize("version", ["", "abc"])
def test_a_form_without_its_version_is_treated_as_stale(client, case, version):
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    data = {"assignee_id": colleague.id} | ({"version": version} if version else {})
    r = client.post(f"/cases/{case.id}/assign", data=data)
    assert r.status_code == 422 and only_case().assignee_id != colleague.id


def test_closed_case_cannot_be_changed(client, case):
    client.post(f"/cases/{case.id}/close", data={"version": case.version, "status": "withdrawn", "note": "ingetrokken"})
    r = client.post(f"/cases/{case.id}/extend", data={"version": only_case().version, "reason": "x"})
    assert r.status_code == 302
    assert only_case().extended_on is None


def test_register_lists_open_cases_by_deadline_with_colours(client, logged_in):
    late = open_case(logged_in, received_on=TODAY - timedelta(days=45), requester_name="Laat Leen", today=TODAY)
    soon = open_case(logged_in, received_on=TODAY - timedelta(days=27), requester_name="Snel Sofie", today=TODAY)
    fresh = open_case(logged_in, received_on=TODAY, requester_name="Vers Victor", today=TODAY)
    closed = open_case(logged_in, received_on=TODAY, requester_name="Dicht Dirk", today=TODAY)
    from caseflow.services import cases as svc
    svc.close(closed, actor=logged_in, status="withdrawn", note="ingetrokken")
    html = client.get("/cases").get_data(as_text=True)
    assert html.index("Laat Leen") < html.index("Snel Sofie") < html.index("Vers Victor")
    assert "Dicht Dirk" not in html
    rows = html.split('<tr class="')
    assert next(r for r in rows if "Laat Leen" in r).startswith("overdue")
    assert next(r for r in rows if "Snel Sofie" in r).startswith("soon")
    assert next(r for r in rows if "Vers Victor" in r).startswith('"')
    closed_html = client.get("/cases?status=closed").get_data(as_text=True)
    assert "Dicht Dirk" in closed_html and "Vers Victor" not in closed_html
    assert late and soon and fresh


def test_register_filters_and_search(client, logged_in):
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    open_case(logged_in, requester_name="Anna Erasure", rights=("erasure",), today=TODAY, received_on=TODAY)
    open_case(logged_in, requester_name="Bart Access", rights=("access",), requester_email="bart@example.be",
              assignee_id=colleague.id, today=TODAY, received_on=TODAY)
    by_right = client.get("/cases?right=erasure").get_data(as_text=True)
    assert "Anna Erasure" in by_right and "Bart Access" not in by_right
    by_assignee = client.get(f"/cases?assignee={colleague.id}").get_data(as_text=True)
    assert "Bart Access" in by_assignee and "Anna Erasure" not in by_assignee
    unassigned = client.get("/cases?assignee=none").get_data(as_text=True)
    assert "Anna Erasure" in unassigned and "Bart Access" not in unassigned
    by_email = client.get("/cases?q=BART@example").get_data(as_text=True)
    assert "Bart Access" in by_email and "Anna Erasure" not in by_email
    by_ref = client.get(f"/cases?q=DSR-{TODAY.year}-0001").get_data(as_text=True)
    assert "Anna Erasure" in by_ref and "Bart Access" not in by_ref
    by_status = client.get("/cases?status=in_progress").get_data(as_text=True)
    assert "Anna Erasure" not in by_status


def test_search_ignores_case_beyond_ascii(client, logged_in):
    open_case(logged_in, requester_name="Élise Çelik", requester_email="ELISE@EXAMPLE.BE", today=TODAY,
              received_on=TODAY)
    open_case(logged_in, requester_name="Jan Claes", today=TODAY, received_on=TODAY)
    for query in ("élise", "ÇELIK", "elise@example", "celik", "Elise Celik"):  # case and accents do not matter
        page = client.get("/cases", query_string={"q": query}).get_data(as_text=True)
        assert "Élise Çelik" in page and "Jan Claes" not in page, query


def test_search_treats_percent_and_underscore_as_text(client, logged_in):
    open_case(logged_in, requester_name="Anna_Peeters", today=TODAY, received_on=TODAY)
    open_case(logged_in, requester_name="AnnaXPeeters", today=TODAY, received_on=TODAY)
    html = client.get("/cases?q=anna_p").get_data(as_text=True)
    assert "Anna_Peeters" in html and "AnnaXPeeters" not in html
    assert "Geen dossiers gevonden" in client.get("/cases?q=%25").get_data(as_text=True)


def test_identity_request_errors_keep_the_note(client, case):
    r = client.post(f"/cases/{case.id}/identity/request",
                    data={"version": case.version, "asked_on": (TODAY + timedelta(days=1)).isoformat(),
                          "note": "Kopie eID gevraagd per mail"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="asked_on-error"' in page and "Kopie eID gevraagd per mail" in page
    assert only_case().status == "new"
    r = client.post(f"/cases/{case.id}/identity/request", data={"version": case.version, "asked_on": "",
                                                               "note": "Kopie eID"})
    assert r.status_code == 422 and 'id="asked_on-error"' in r.get_data(as_text=True)


@pytest.mark.parametrize("changes, field", [({"system": ""}, "system"), ({"description": ""}, "description"),
                                            ({"performed_on": ""}, "performed_on"),
                                            ({"performed_on": (TODAY + timedelta(days=2)).isoformat()}, "performed_on")])
def test_record_action_errors_keep_everything_typed(client, case, changes, field):
    data = {"version": case.version, "case_right_id": str(case.rights[0].id), "system": "webshop",
            "description": "Bestellingen doorzocht", "performed_on": TODAY.isoformat(), "note": "Drie bestellingen"}
    data.update(changes)
    r = client.post(f"/cases/{case.id}/actions/new", data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and f'id="{field}-error"' in page
    assert "Drie bestellingen" in page
    assert not only_case().rights[0].actions


def test_reassign_to_an_unknown_person_is_refused(client, case):
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version, "assignee_id": "9999"})
    assert r.status_code == 422 and 'id="assignee_id-error"' in r.get_data(as_text=True)


def test_cases_waiting_for_the_requester_come_after_running_clocks(client, logged_in):
    running = open_case(logged_in, received_on=TODAY - timedelta(days=5), today=TODAY, requester_name="Loopt Nog")
    waiting = open_case(logged_in, received_on=TODAY - timedelta(days=25), today=TODAY, requester_name="Wacht Op Id")
    svc.request_identity(waiting, actor=logged_in, asked_on=TODAY - timedelta(days=20), today=TODAY)
    assert waiting.deadline < running.deadline  # stored without the running suspension...
    late = open_case(logged_in, received_on=TODAY - timedelta(days=60), today=TODAY, requester_name="Al Te Laat")
    svc.request_identity(late, actor=logged_in, asked_on=TODAY - timedelta(days=2), today=TODAY)
    page = client.get("/cases").get_data(as_text=True)
    assert page.index("Loopt Nog") < page.index("Wacht Op Id")  # ...but it is not the most urgent
    assert page.index("Al Te Laat") < page.index("Loopt Nog")  # one overdue before the clock stopped stays on top


def test_a_future_date_is_flagged_with_the_other_errors_at_once(client, case):
    r = client.post(f"/cases/{case.id}/actions/new",
                    data={"version": case.version, "case_right_id": str(case.rights[0].id), "system": "webshop",
                          "description": "", "performed_on": (TODAY + timedelta(days=1)).isoformat()})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="description-error"' in page and 'id="performed_on-error"' in page


def test_a_clarification_is_asked_and_recorded_in_its_own_words(client, case, logged_in):
    svc.record_identity(case, actor=logged_in, method="e-mail komt overeen", today=TODAY - timedelta(days=9))
    svc.request_identity(only_case(), actor=logged_in, asked_on=TODAY - timedelta(days=3), today=TODAY)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Verduidelijking gevraagd op" in page and "Verduidelijking registreren" in page
    assert "Identiteitsbewijs registreren" not in page  # the identity is known already
    form = client.get(f"/cases/{case.id}/identity/verify").get_data(as_text=True)
    assert "Wat heeft de verzoeker verduidelijkt?" in form and "Hoe werd de identiteit" not in form
    r = client.post(f"/cases/{case.id}/identity/verify",
                    data={"version": only_case().version, "received_on": TODAY.isoformat(), "method": " "})
    assert r.status_code == 422 and "Vermeld wat de verzoeker verduidelijkte." in r.get_data(as_text=True)
    r = client.post(f"/cases/{case.id}/identity/verify", follow_redirects=True, data={
        "version": only_case().version, "received_on": TODAY.isoformat(), "method": "Het gaat om bestelling 1042"})
    assert "Verduidelijking geregistreerd" in r.get_data(as_text=True)
    assert only_case().status == "in_progress" and only_case().events[-2].action == "clarification_received"


def test_the_requesters_details_are_corrected_with_old_and_new_in_the_trail(client, case):
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="edit-requester"' in page
    form = client.get(f"/cases/{case.id}/requester").get_data(as_text=True)
    assert case.requester_name in form  # the current details, ready to correct
    r = client.post(f"/cases/{case.id}/requester", data={  # bad input: an error, everything typed kept
        "version": case.version, "requester_name": "Jan Claes", "requester_email": "jan.claes@",
        "requester_address": "", "customer_number": "K-77"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="requester_email-error"' in html and 'value="K-77"' in html
    r = client.post(f"/cases/{case.id}/requester", data={
        "version": only_case().version, "requester_name": "Jan Claes", "requester_email": "",
        "requester_address": "", "customer_number": ""})
    assert r.status_code == 422 and "e-mailadres of postadres" in r.get_data(as_text=True)
    old_email = only_case().requester_email
    r = client.post(f"/cases/{case.id}/requester", follow_redirects=True, data={
        "version": only_case().version, "requester_name": "Jan Claes", "requester_email": "jan.claes@telenet.be",
        "requester_address": "Kerkstraat 12\n2960 Brecht", "customer_number": "K-77"})
    assert "De gegevens van de verzoeker zijn bewaard." in r.get_data(as_text=True)
    changed = only_case()
    assert (changed.requester_email, changed.customer_number) == ("jan.claes@telenet.be", "K-77")
    event = changed.events[-1]
    assert event.action == "requester_changed" and (old_email or "") in event.before
    assert "jan.claes@telenet.be" in event.after
    trail = client.get(f"/cases/{case.id}").get_data(as_text=True).split('id="audit"', 1)[1]
    assert "Gegevens van de verzoeker verbeterd" in trail and "E-mailadres" in trail
    assert client.get("/cases?q=telenet").get_data(as_text=True).count(changed.reference) >= 1  # search follows


def test_a_checklist_line_ticked_in_dutch_reads_once_in_english(client, auth, logged_in):
    case = open_case(logged_in, rights=("erasure",), received_on=TODAY - timedelta(days=3), today=TODAY)
    item = next(i for i in checklists.items_for("erasure") if not i.needs_identity)
    resolution.record_action(case, case.rights[0].id, actor=logged_in, system=item.system, description=item.nl,
                      checklist_item=item.key, today=TODAY)
    english = make_user("en@labelstudio.be", "Emma English", locale="en")
    auth.logout()
    auth.login(english.email)
    line = client.get(f"/cases/{case.id}").get_data(as_text=True).split(f'id="item-erasure-{item.key}"', 1)[1]
    line = line[:line.index("</li>")]
    assert item.en in line and item.nl not in line  # the line in the reader's language, not both
