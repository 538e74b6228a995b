"""No accidental duplicates: the same new-case form saved twice makes one case; a likely duplicate is flagged."""
import re
from datetime import datetime, timedelta, timezone

from caseflow import clock
from caseflow.extensions import db
from caseflow.models import Case
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.test_web_cases import new_case_data

TODAY = clock.today()


def _token(client):
    html = client.get("/cases/new").get_data(as_text=True)
    return re.search(r'name="form_token" type="hidden" value="([0-9a-f]{32})"', html)[1]


def _count():
    return db.session.scalar(db.select(db.func.count(Case.id)))


def test_saving_the_same_form_twice_makes_one_case(client, logged_in):
    data = new_case_data(form_token=_token(client))
    first = client.post("/cases/new", data=data)
    assert first.status_code == 302 and _count() == 1
    again = client.post("/cases/new", data=data, follow_redirects=True)  # double click, or back and save
    page = again.get_data(as_text=True)
    assert _count() == 1
    case = db.session.scalar(db.select(Case))
    assert again.request.path == f"/cases/{case.id}"
    assert f"Dit formulier werd al bewaard als dossier {case.reference}" in page


def test_each_new_form_gets_its_own_token(client, logged_in):
    assert _token(client) != _token(client)


def test_token_kept_when_the_form_comes_back_with_an_error(client, logged_in):
    token = _token(client)
    r = client.post("/cases/new", data=new_case_data(form_token=token, requester_name=""))
    assert r.status_code == 422 and f'value="{token}"' in r.get_data(as_text=True)


def test_the_service_refuses_a_token_already_used(app, logged_in):
    first = open_case(logged_in, form_token="abc123", today=TODAY, received_on=TODAY)
    try:
        open_case(logged_in, form_token="abc123", today=TODAY, received_on=TODAY, requester_name="Iemand Anders")
    except svc.duplicates.AlreadySaved as error:
        assert error.case.id == first.id
    else:
        raise AssertionError("a second case was made from the same form")
    assert _count() == 1


def test_same_email_as_an_open_case_is_flagged_with_a_link_and_staff_can_go_on(client, logged_in):
    earlier = open_case(logged_in, requester_name="M. Wouters", requester_email="Marie.Wouters@example.be",
                        today=TODAY, received_on=TODAY)
    r = client.post("/cases/new", data=new_case_data(form_token=_token(client)))
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and _count() == 1
    warning = page.split('id="similar-cases"', 1)[1].split("</div>", 1)[0]
    assert f'href="/cases/{earlier.id}"' in warning and earlier.reference in warning and "zelfde e-mailadres" in warning
    assert "Marie Wouters" in page and "Kerkstraat 12" in page  # everything typed is kept
    r = client.post("/cases/new", data=new_case_data(form_token=_token(client), confirm_duplicate="y"))
    assert r.status_code == 302 and _count() == 2


def test_same_name_and_address_is_flagged_whatever_the_spelling_of_spaces_and_case(client, logged_in):
    open_case(logged_in, requester_name="marie  WOUTERS", requester_email=None,
              requester_address="Kerkstraat 12,\n2960  Brecht", today=TODAY, received_on=TODAY)
    r = client.post("/cases/new", data=new_case_data(form_token=_token(client), requester_email=""))
    assert r.status_code == 422 and "zelfde naam en postadres" in r.get_data(as_text=True)


def test_a_case_closed_long_ago_or_another_person_is_not_flagged(client, logged_in):
    old = open_case(logged_in, requester_email="marie.wouters@example.be", today=TODAY, received_on=TODAY)
    svc.close(old, actor=logged_in, status="withdrawn", note="ingetrokken",
              now=datetime.now(timezone.utc) - timedelta(days=61))
    recent = open_case(logged_in, requester_name="Marie Wouters", requester_email="andere@example.be",
                       requester_address="Andere straat 1\n2000 Antwerpen", today=TODAY, received_on=TODAY)
    svc.close(recent, actor=logged_in, status="withdrawn", note="ingetrokken")
    r = client.post("/cases/new", data=new_case_data(form_token=_token(client)))
    assert r.status_code == 302 and _count() == 3


def test_a_case_closed_last_month_is_still_flagged(client, logged_in):
    old = open_case(logged_in, requester_email="marie.wouters@example.be", today=TODAY, received_on=TODAY)
    svc.close(old, actor=logged_in, status="withdrawn", note="ingetrokken",
              now=datetime.now(timezone.utc) - timedelta(days=30))
    r = client.post("/cases/new", data=new_case_data(form_token=_token(client)))
    assert r.status_code == 422 and old.reference in r.get_data(as_text=True)
