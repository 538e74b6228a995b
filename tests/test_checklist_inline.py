"""Checklist lines ticked on the case page itself; colleagues on different lines never stop each other."""
from datetime import date, datetime, timezone

import pytest

from caseflow.extensions import db
from caseflow.models import Case, ResolutionAction
from caseflow.services import ServiceError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, verified_case
from tests.fixtures.users import make_user

TODAY = date(2026, 3, 5)


@pytest.fixture
def case(logged_in):
    return verified_case(logged_in, today=TODAY)


def _line(html, right, key):
    return html.split(f'id="item-{right}-{key}"', 1)[1].split("</li>", 1)[0]


def test_case_page_has_a_small_form_per_open_line(client, case):
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    line = _line(html, "access", "search_account")
    assert f'action="/cases/{case.id}/rights/{case.rights[0].id}/items/search_account"' in line
    assert 'name="note"' in line and 'value="tick"' in line and 'value="na"' in line
    assert 'name="version"' not in line  # ticking does not depend on the case's version


def test_one_click_ticks_the_line_and_returns_to_it(client, case, logged_in):
    right = case.rights[0]
    version = db.session.get(Case, case.id).version
    r = client.post(f"/cases/{case.id}/rights/{right.id}/items/search_account", data={"do": "tick", "note": "export.json"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/cases/{case.id}#item-access-search_account")
    action = db.session.scalar(db.select(ResolutionAction).filter_by(checklist_item="search_account"))
    assert action.note == "export.json" and action.user.name == "An Peeters" and not action.not_applicable
    assert db.session.get(Case, case.id).version == version  # the case-wide lock is not touched
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "✓" in _line(html, "access", "search_account") and "export.json" in _line(html, "access", "search_account")


def test_not_applicable_needs_a_reason_and_keeps_the_page(client, case):
    right = case.rights[0]
    r = client.post(f"/cases/{case.id}/rights/{right.id}/items/search_mailchimp", data={"do": "na", "note": ""})
    assert r.status_code == 422
    assert "Vermeld waarom" in _line(r.get_data(as_text=True), "access", "search_mailchimp")
    r = client.post(f"/cases/{case.id}/rights/{right.id}/items/search_mailchimp",
                    data={"do": "na", "note": "Niet ingeschreven"}, follow_redirects=True)
    line = _line(r.get_data(as_text=True), "access", "search_mailchimp")
    assert "niet van toepassing" in line and "Niet ingeschreven" in line


def test_colleagues_ticking_different_lines_at_once_both_succeed(client, case):
    """Both loaded the page at the same version; a colleague ticks one line, then An ticks another: both saved."""
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    access, erasure = case.rights
    version = db.session.get(Case, case.id).version  # e.g. An's reassign form, open in another tab
    resolution.tick(db.session.get(Case, case.id), erasure.id, "delete_account", actor=colleague)
    r = client.post(f"/cases/{case.id}/rights/{access.id}/items/search_account", data={"do": "tick"})
    assert r.status_code == 302
    done = {a.checklist_item: a.user.name for a in db.session.scalars(db.select(ResolutionAction))}
    assert done == {"delete_account": "Piet Maes", "search_account": "An Peeters"}
    # and a form that changes the case as a whole, opened before both ticks, still saves
    r = client.post(f"/cases/{case.id}/assign", data={"version": version, "assignee_id": colleague.id})
    assert r.status_code == 302 and db.session.get(Case, case.id).assignee == colleague


def test_the_same_line_ticked_by_a_colleague_first_tells_who_and_when(client, case):
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    access = case.rights[0]
    at = datetime(2026, 3, 5, 13, 7, tzinfo=timezone.utc)  # 14:07 in Brussels
    resolution.tick(db.session.get(Case, case.id), access.id, "search_account", actor=colleague, now=at, today=TODAY)
    r = client.post(f"/cases/{case.id}/rights/{access.id}/items/search_account", data={"do": "tick", "note": "mijn"},
                    follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Al afgevinkt door Piet Maes" in html and "14:07" in html
    assert db.session.scalar(db.select(db.func.count(ResolutionAction.id))) == 1


def test_a_race_on_the_same_line_is_caught_by_the_database(app, case):
    """Both read the line as open; the colleague's tick lands first: the second is refused, naming the colleague."""
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    loaded = db.session.get(Case, case.id)
    access = loaded.rights[0]
    assert access.actions == []  # what An's request saw
    with db.engine.begin() as conn:  # Piet's request commits in between
        conn.execute(ResolutionAction.__table__.insert().values(
            case_right_id=access.id, user_id=colleague.id, performed_on=TODAY, system="webshop",
            description="x", checklist_item="search_account", not_applicable=False,
            created_at=datetime(2026, 3, 5, 9, 30, tzinfo=timezone.utc)))
    with pytest.raises(ServiceError) as error:
        resolution.tick(loaded, access.id, "search_account", actor=case.created_by, today=TODAY)
    assert "Piet Maes" in str(error.value.message) and "10:30" in str(error.value.message)


def test_first_tick_moves_a_new_case_to_in_progress_without_a_version_bump(app, logged_in):
    case = open_case(logged_in, rights=("objection",), today=TODAY)
    version = case.version
    resolution.tick(case, case.rights[0].id, "identify_processing", actor=logged_in, today=TODAY)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "in_progress" and case.version == version
    assert [e.action for e in case.events][-2:] == ["status_changed", "action_recorded"]


def test_a_tick_on_a_closed_case_is_refused_with_a_message(client, case, logged_in):
    svc.close(db.session.get(Case, case.id), actor=logged_in, status="withdrawn", note="Ingetrokken per mail")
    r = client.post(f"/cases/{case.id}/rights/{case.rights[0].id}/items/search_account", data={"do": "tick"},
                    follow_redirects=True)
    assert "afgesloten" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ResolutionAction.id))) == 0
