"""After closing: reopening by an administrator, cases logged by mistake, and closing once the answer is delivered."""
from datetime import date

import pytest

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.letters import service as correspondence
from caseflow.models import Case
from caseflow.services import ServiceError, closing, resolution
from caseflow.services import cases as svc
from caseflow.services.closing import NotAllowed
from tests.fixtures.cases import open_case, work_checklists
from tests.fixtures.users import make_user

D = date.fromisoformat


@pytest.fixture
def actor(app):
    return make_user()


@pytest.fixture
def boss(app):
    return make_user("els@labelstudio.be", "Els Janssens", admin=True)


def resolved_case(actor, *, deliver=True):
    """An email case with one right granted and its answer sent (delivered unless `deliver` is False)."""
    case = open_case(actor, rights=("consent_withdrawal",), channel="email", received_on=D("2026-03-05"))
    svc.record_identity(case, actor=actor, check="account", method="e-mail van de account", today=D("2026-03-06"))
    work_checklists(case, actor, today=D("2026-03-06"))
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    correspondence.send_as_drafted(case, "answer", actor=actor, today=D("2026-03-06"))
    if deliver:
        correspondence.deliver_outbox()
    return case


def test_an_administrator_reopens_a_closed_case_with_a_reason_and_the_deadline_stays(actor, boss):
    case = resolved_case(actor)
    svc.close(case, actor=actor, status="resolved", today=D("2026-03-06"))
    deadline = case.deadline
    with pytest.raises(NotAllowed):
        closing.reopen(case, actor=actor, reason="Foutje")
    with pytest.raises(ServiceError) as err:
        closing.reopen(case, actor=boss, reason="  ")
    assert err.value.field == "reason" and not case.is_open
    closing.reopen(case, actor=boss, reason="Verzoeker meldt dat de nieuwsbrief nog toekomt.")
    assert case.is_open and case.status == "in_progress" and case.closed_at is None
    assert case.deadline == deadline == D("2026-04-07")  # the deadline does not restart
    event = case.events[-1]
    assert (event.action, event.user, event.before, event.after) == ("reopened", boss, "resolved", "in_progress")
    assert event.detail == "Verzoeker meldt dat de nieuwsbrief nog toekomt."
    with pytest.raises(ServiceError):
        closing.reopen(case, actor=boss, reason="nog eens")  # open already


def test_reopening_on_the_web_is_for_administrators_only(client, auth, app):
    staff, boss = make_user(), make_user("els@labelstudio.be", "Els Janssens", admin=True)
    case = resolved_case(staff)
    svc.close(case, actor=staff, status="resolved", today=D("2026-03-06"))
    auth.login()
    assert 'id="reopen"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/reopen").status_code == 403
    assert client.post(f"/cases/{case.id}/reopen", data={"version": case.version, "reason": "x"}).status_code == 403
    auth.logout()
    auth.login("els@labelstudio.be")
    assert 'id="reopen"' in client.get(f"/cases/{case.id}").get_data(as_text=True)
    r = client.post(f"/cases/{case.id}/reopen", data={"version": case.version, "reason": ""})
    assert r.status_code == 422 and "Vermeld waarom het dossier heropend wordt." in r.get_data(as_text=True)
    r = client.post(f"/cases/{case.id}/reopen", follow_redirects=True,
                    data={"version": case.version, "reason": "Klacht van de verzoeker"})
    page = r.get_data(as_text=True)
    assert "Het dossier is heropend" in page and "Dossier heropend door een beheerder" in page
    assert db.session.get(Case, case.id).status == "in_progress"


def test_a_case_logged_by_mistake_is_closed_with_a_reason_and_kept_apart(actor, client, auth):
    dup = open_case(actor, rights=("access",), received_on=D("2026-01-05"), today=D("2026-01-05"))
    real = open_case(actor, rights=("access",), received_on=D("2026-01-05"), today=D("2026-01-05"))
    with pytest.raises(ServiceError) as err:
        svc.close(dup, actor=actor, status="closed_mistake", note=" ", today=D("2026-01-06"))
    assert err.value.field == "note" and dup.is_open
    svc.close(dup, actor=actor, status="closed_mistake", note="Dubbel van DSR-2026-0002", today=D("2026-01-06"))
    assert not dup.is_open and dup.closing_note == "Dubbel van DSR-2026-0002"
    # the ladder and the reminders ignore it: it never becomes overdue
    jobs.run("escalate", today=D("2026-03-01"))
    assert db.session.get(Case, dup.id).escalation_level is None
    assert db.session.get(Case, real.id).escalation_level == "overdue"
    # the register: not among the requests handled, but under a filter of its own, with its own badge
    auth.login()
    closed = client.get("/cases?status=closed").get_data(as_text=True)
    assert dup.reference not in closed
    mistakes = client.get("/cases?status=closed_mistake").get_data(as_text=True)
    assert dup.reference in mistakes and real.reference not in mistakes
    assert 'class="badge mistake">Ten onrechte geregistreerd<' in mistakes


def test_close_once_the_answer_is_delivered(actor, client, auth):
    case = resolved_case(actor, deliver=False)
    with pytest.raises(ServiceError):  # closing now cannot succeed: the answer is still in the outbox
        svc.close(case, actor=actor, status="resolved", today=D("2026-03-06"))
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="close-when-delivered"' in page and 'id="close"' not in page  # only the button that can succeed
    assert "Afsluiten als “Afgehandeld” zodra het antwoord bezorgd is" in page
    r = client.post(f"/cases/{case.id}/close-on-delivery", data={"version": case.version}, follow_redirects=True)
    assert "zodra het antwoord bezorgd is" in r.get_data(as_text=True)
    case = db.session.get(Case, case.id)
    assert case.close_on_delivery == "resolved" and case.is_open
    correspondence.deliver_outbox()  # the mail job
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "resolved" and case.answer_sent_on == D("2026-03-06")
    closed = case.events[-1]
    assert closed.action == "closed" and closed.user is None and closed.after == "resolved"


def test_close_on_delivery_is_dropped_when_a_rule_no_longer_holds(actor):
    case = resolved_case(actor, deliver=False)
    closing.close_when_delivered(case, actor=actor)
    # a colleague decides the right anew before the mail job runs: the answer in the outbox no longer tells it
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted", reason="Ook uit de cookies.")
    correspondence.deliver_outbox()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.is_open and case.close_on_delivery is None
    event = case.events[-1]
    assert event.action == "close_on_delivery_dropped" and "antwoord" in event.detail


def test_close_on_delivery_needs_an_answer_in_the_outbox(actor):
    case = resolved_case(actor)  # delivered already
    with pytest.raises(ServiceError):
        closing.close_when_delivered(case, actor=actor)
