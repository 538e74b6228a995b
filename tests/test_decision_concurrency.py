"""A right's decision has its own version: colleagues deciding different rights of one case at the same time both
succeed; only two changes to the same decision conflict, and a decision leaves colleagues' other forms valid."""
import re
from datetime import date

import pytest
from sqlalchemy import update

from caseflow.extensions import db
from caseflow.letters import service as correspondence
from caseflow.models import Case, CaseRight, Letter
from caseflow.services import StaleCaseError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, verified_case, work_checklists
from tests.fixtures.users import PASSWORD, make_user

TODAY = date(2026, 3, 5)


@pytest.fixture
def case(logged_in):
    return verified_case(logged_in, today=TODAY)


@pytest.fixture
def colleague_client(app):
    """Piet Maes, logged in in his own browser."""
    make_user("piet@labelstudio.be", "Piet Maes")
    other = app.test_client()
    other.post("/login", data={"email": "piet@labelstudio.be", "password": PASSWORD})
    return other


def _hidden(html, name):
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _loaded(case_id):
    return db.session.get(Case, case_id)


def test_colleagues_deciding_different_rights_at_once_both_succeed(client, colleague_client, case):
    access, erasure = case.rights
    case_version = _loaded(case.id).version
    an_form = client.get(f"/cases/{case.id}/rights/{access.id}/outcome").get_data(as_text=True)
    piet_form = colleague_client.get(f"/cases/{case.id}/rights/{erasure.id}/outcome").get_data(as_text=True)
    r = colleague_client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data={
        "version": _hidden(piet_form, "version"), "outcome": "refused", "refusal_code": "no_ground",
        "reason": "Geen van de vijf gronden: lopende bestelling."})
    assert r.status_code == 302
    r = client.post(f"/cases/{case.id}/rights/{access.id}/outcome",
                    data={"version": _hidden(an_form, "version"), "outcome": "granted"})
    assert r.status_code == 302
    saved = _loaded(case.id)
    assert [(r.right, r.outcome, r.outcome_by.name) for r in saved.rights] == [
        ("access", "granted", "An Peeters"), ("erasure", "refused", "Piet Maes")]
    assert saved.version == case_version  # the case-wide lock is not touched by a decision
    assert [e.action for e in saved.events].count("outcome_set") == 2


def test_the_service_checks_each_decision_against_its_own_version(case, logged_in):
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    access, erasure = case.rights
    an_saw, piet_saw = access.version, erasure.version  # both opened their form before either saved
    resolution.set_outcome(_loaded(case.id), erasure.id, actor=colleague, outcome="not_applicable",
                           reason="Geen account bij ons.", expected_right_version=piet_saw)
    resolution.set_outcome(_loaded(case.id), access.id, actor=logged_in, outcome="granted",
                           expected_right_version=an_saw)
    with pytest.raises(StaleCaseError):  # Piet's form on the erasure is now stale: it was saved since
        resolution.set_outcome(_loaded(case.id), erasure.id, actor=colleague, outcome="granted",
                               expected_right_version=piet_saw)
    assert [r.outcome for r in _loaded(case.id).rights] == ["granted", "not_applicable"]


def test_the_same_decision_saved_by_a_colleague_first_is_shown_and_the_input_kept(client, colleague_client, case):
    erasure = case.rights[1]
    an_form = client.get(f"/cases/{case.id}/rights/{erasure.id}/outcome").get_data(as_text=True)
    piet_form = colleague_client.get(f"/cases/{case.id}/rights/{erasure.id}/outcome").get_data(as_text=True)
    colleague_client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data={
        "version": _hidden(piet_form, "version"), "outcome": "refused", "refusal_code": "no_ground",
        "reason": "Geen van de vijf gronden: lopende bestelling."})
    mine = {"version": _hidden(an_form, "version"), "outcome": "not_applicable", "reason": "Mijn eigen uitleg"}
    r = client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data=mine)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'class="flash error"' in html
    assert "Mijn eigen uitleg" in html  # what An typed is still there
    changed = html.split('id="changed-meanwhile"', 1)[1].split("</table>", 1)[0]
    assert "Piet Maes" in changed and "Geen van de vijf gronden: lopende bestelling." in changed
    saved = _loaded(case.id).rights[1]
    assert (saved.outcome, saved.outcome_by.name) == ("refused", "Piet Maes")  # nothing overwritten
    assert _hidden(html, "version") == str(saved.version)  # having seen it, a second click saves An's decision
    r = client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data=mine | {"version": _hidden(html, "version")})
    assert r.status_code == 302 and _loaded(case.id).rights[1].outcome == "not_applicable"


def test_a_race_on_the_same_decision_is_caught_when_saving(case, logged_in):
    """Both passed the version check; the colleague's save lands first: the second is refused, nothing overwritten."""
    loaded = _loaded(case.id)
    erasure = loaded.rights[1]
    seen = erasure.version
    with db.engine.begin() as conn:  # Piet's request commits in between
        conn.execute(update(CaseRight).where(CaseRight.id == erasure.id)
                     .values(outcome="not_applicable", outcome_reason="Geen account.", version=seen + 1))
    with pytest.raises(StaleCaseError):
        resolution.set_outcome(loaded, erasure.id, actor=logged_in, outcome="granted", expected_right_version=seen)
    db.session.expire_all()
    assert _loaded(case.id).rights[1].outcome == "not_applicable"
    assert "outcome_set" not in [e.action for e in _loaded(case.id).events]


def test_a_decision_does_not_make_a_colleagues_requester_form_stale(client, colleague_client, case):
    an_form = client.get(f"/cases/{case.id}/requester").get_data(as_text=True)
    erasure = case.rights[1]
    piet_form = colleague_client.get(f"/cases/{case.id}/rights/{erasure.id}/outcome").get_data(as_text=True)
    r = colleague_client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data={
        "version": _hidden(piet_form, "version"), "outcome": "not_applicable", "reason": "Geen account bij ons."})
    assert r.status_code == 302
    r = client.post(f"/cases/{case.id}/requester", data={
        "version": _hidden(an_form, "version"), "requester_name": "Jan Claes-Peeters",
        "requester_email": "jan.claes@example.be", "requester_address": "", "customer_number": "",
        "requester_salutation": ""})
    assert r.status_code == 302
    saved = _loaded(case.id)
    assert saved.requester_name == "Jan Claes-Peeters" and saved.rights[1].outcome == "not_applicable"


def test_a_first_decision_moves_a_new_case_to_in_progress_without_a_version_bump(logged_in):
    case = open_case(logged_in, rights=("objection",), today=TODAY)
    version = case.version
    resolution.set_outcome(case, case.rights[0].id, actor=logged_in, outcome="not_applicable",
                           reason="Geen bezwaar.", expected_right_version=case.rights[0].version)
    db.session.expire_all()
    case = _loaded(case.id)
    assert case.status == "in_progress" and case.version == version
    assert [e.action for e in case.events][-2:] == ["status_changed", "outcome_set"]


def test_an_answer_drafted_before_a_colleague_changed_a_decision_is_not_sent(client, colleague_client, logged_in):
    """A decision no longer bumps the case's version: the answer form carries the decisions' versions instead."""
    case = open_case(logged_in, channel="email", rights=("erasure",), requester_address=None, today=TODAY)
    svc.record_identity(case, actor=logged_in, method="ok", today=TODAY)
    work_checklists(case, logged_in, today=TODAY)
    erasure = case.rights[0]
    resolution.set_outcome(case, erasure.id, actor=logged_in, outcome="partially_granted",
                           refusal_code="legal_retention", reason="Facturen van 2025 blijven bewaard.")
    an_form = client.get(f"/cases/{case.id}/letters/new?kind=answer").get_data(as_text=True)
    draft = correspondence.draft(_loaded(case.id), "answer", locale="nl", sender_name="An Peeters", today=TODAY)
    piet_form = colleague_client.get(f"/cases/{case.id}/rights/{erasure.id}/outcome").get_data(as_text=True)
    r = colleague_client.post(f"/cases/{case.id}/rights/{erasure.id}/outcome", data={
        "version": _hidden(piet_form, "version"), "outcome": "partially_granted", "refusal_code": "legal_retention",
        "reason": "Uw facturen bewaren wij tien jaar (fiscale bewaarplicht)."})
    assert r.status_code == 302
    r = client.post(f"/cases/{case.id}/letters/new?kind=answer", data={
        "version": _hidden(an_form, "version"), "decisions": _hidden(an_form, "decisions"),
        "subject": draft.subject, "body": draft.body})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'class="flash error"' in html
    assert "Uw facturen bewaren wij tien jaar" in html.split('id="changed-meanwhile"', 1)[1]
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0  # the old reasons did not go out
