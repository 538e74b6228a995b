"""Deactivated staff: their cases keep showing who has them, can be listed, and go to an active colleague."""
import pytest
from flask_babel import force_locale, gettext

from caseflow import clock
from caseflow.extensions import db
from caseflow.models import Case
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

TODAY = clock.today()


def marked(name: str) -> str:
    """How a deactivated staff member is shown, in Dutch as the catalog words it."""
    with force_locale("nl"):
        return gettext("%(name)s (deactivated)", name=name)


@pytest.fixture
def gone(logged_in):
    """Gert left: deactivated with one open case, one closed case; Piet is still here."""
    gert = make_user("gert@labelstudio.be", "Gert Gone")
    make_user("piet@labelstudio.be", "Piet Maes")
    open_case(logged_in, requester_name="Ivo Items", assignee_id=gert.id, today=TODAY, received_on=TODAY)
    gert.active = False
    db.session.commit()
    return gert


def case_of(name):
    return db.session.scalar(db.select(Case).where(Case.requester_name == name))


def test_reassign_form_shows_the_deactivated_assignee_as_the_current_value(client, gone):
    html = client.get(f"/cases/{case_of('Ivo Items').id}/assign").get_data(as_text=True)
    assert f'<option selected value="{gone.id}">{marked("Gert Gone")}</option>' in html
    assert '<option value="">Niemand</option>' in html  # not selected
    assert 'id="assignee-deactivated"' in html


def test_saving_the_form_unchanged_neither_unassigns_nor_keeps_a_deactivated_assignee(client, gone):
    case = case_of("Ivo Items")
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version, "assignee_id": str(gone.id)})
    assert r.status_code == 422 and 'id="assignee_id-error"' in r.get_data(as_text=True)
    assert case_of("Ivo Items").assignee_id == gone.id


def test_the_case_goes_to_an_active_colleague(client, gone):
    case = case_of("Ivo Items")
    piet = db.session.scalar(db.select(type(gone)).where(type(gone).name == "Piet Maes"))
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version, "assignee_id": str(piet.id)})
    assert r.status_code == 302 and case_of("Ivo Items").assignee.name == "Piet Maes"
    html = client.get(f"/cases/{case.id}/assign").get_data(as_text=True)
    assert "Gert Gone" not in html  # no longer the assignee: not offered


def test_a_deactivated_user_is_never_offered_for_other_cases(client, gone, logged_in):
    other = open_case(logged_in, requester_name="Ander Dossier", today=TODAY, received_on=TODAY)
    assert "Gert Gone" not in client.get(f"/cases/{other.id}/assign").get_data(as_text=True)
    assert "Gert Gone" not in client.get("/cases/new").get_data(as_text=True)


def test_register_filter_lists_deactivated_staff_with_open_cases(client, gone):
    html = client.get("/cases").get_data(as_text=True)
    assert f'<option value="{gone.id}">{marked("Gert Gone")}</option>' in html
    assert f'<td class="assignee">{marked("Gert Gone")}</td>' in html  # the row says so too
    listed = client.get(f"/cases?assignee={gone.id}").get_data(as_text=True)
    assert "Ivo Items" in listed
    assert f'<option selected value="{gone.id}">{marked("Gert Gone")}</option>' in listed


def test_register_filter_leaves_out_deactivated_staff_without_open_cases(client, gone, logged_in):
    from caseflow.services import cases as svc

    svc.close(case_of("Ivo Items"), actor=logged_in, status="withdrawn", note="Ingetrokken", today=TODAY)
    assert "Gert Gone" not in client.get("/cases").get_data(as_text=True)
