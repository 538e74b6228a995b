"""Removing a wrongly uploaded file from the data package: out of the package and off the disk, never out of a sent ZIP."""
import hashlib
import io
import os
import zipfile
from datetime import date

import pytest

from caseflow.extensions import db
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.models import Case, PackageFile
from caseflow.services import ServiceError, StaleCaseError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, work_checklists
from tests.fixtures.users import make_user

D = date.fromisoformat
TODAY = D("2026-03-10")
OURS = b"nr;bedrag\n1042;24,95\n"
WRONG = b"klant;naam\n2077;Iemand Anders\n"  # another customer's export


@pytest.fixture
def actor(app):
    return make_user()


def case_with_files(actor, **kw):
    """An access case, identity checked, with the right export and another customer's one."""
    values = dict(rights=("access",), received_on=D("2026-03-05"), today=D("2026-03-05"))
    values.update(kw)
    case = open_case(actor, **values)
    svc.record_identity(case, actor=actor, method="kopie eID", today=TODAY)
    packages.add_files(case, [("bestellingen.csv", io.BytesIO(OURS)), ("klant-2077.csv", io.BytesIO(WRONG))],
                       actor=actor)
    return case


def file_named(case, name) -> PackageFile:
    return next(f for f in case.package_files if f.display_name == name)


def stored_path(case, record) -> str:
    return os.path.join(packages.folder(case), record.stored_name)


def test_remove_takes_the_file_out_of_the_database_and_off_the_disk(actor):
    case = case_with_files(actor)
    wrong, ours = file_named(case, "klant-2077.csv"), file_named(case, "bestellingen.csv")
    wrong_path, ours_path, wrong_id = stored_path(case, wrong), stored_path(case, ours), wrong.id
    assert os.path.isfile(wrong_path)

    removed = packages.remove_file(case, wrong_id, actor=actor, expected_version=case.version)

    assert removed.display_name == "klant-2077.csv"
    assert db.session.get(PackageFile, wrong_id) is None
    assert [f.display_name for f in db.session.get(Case, case.id).package_files] == ["bestellingen.csv"]
    assert not os.path.exists(wrong_path)
    assert os.path.isfile(ours_path)  # the right export stays


def test_remove_writes_an_audit_event_with_name_size_and_hash(actor):
    case = case_with_files(actor)
    packages.remove_file(case, file_named(case, "klant-2077.csv").id, actor=actor)
    event = db.session.get(Case, case.id).events[-1]
    assert (event.action, event.detail, event.user_id) == ("package_file_removed", "klant-2077.csv", actor.id)
    assert event.before == f"{len(WRONG)} B, sha256 {hashlib.sha256(WRONG).hexdigest()}"


def test_a_later_package_no_longer_holds_the_file(actor):
    case = case_with_files(actor)
    packages.remove_file(case, file_named(case, "klant-2077.csv").id, actor=actor)
    _, data = packages.build(db.session.get(Case, case.id), locale="nl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "data/bestellingen.csv" in zf.namelist()
        assert not any("klant-2077" in name for name in zf.namelist())
        assert b"Iemand Anders" not in zf.read("manifest.json") + zf.read("manifest.csv")


def test_the_zip_kept_for_a_sent_letter_stays_as_it_was(app, actor):
    case = case_with_files(actor, channel="registered_letter", requester_email=None,
                           requester_address="Kerkstraat 12\n2960 Brecht")
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    draft = correspondence.draft(case, "answer", locale="nl", sender_name=actor.name, today=TODAY)
    letter = correspondence.send(case, actor=actor, kind="answer", locale="nl", subject=draft.subject,
                                 body=draft.body, attach_package=True, today=TODAY)
    kept = os.path.join(app.instance_path, letter.package_path)
    with open(kept, "rb") as fh:
        before = fh.read()

    packages.remove_file(case, file_named(case, "klant-2077.csv").id, actor=actor)

    with open(kept, "rb") as fh:  # what went out is evidence of what went out: not rewritten, not deleted
        assert fh.read() == before
    assert packages.files_in(letter) == ["bestellingen.csv", "klant-2077.csv"]  # as recorded, not read from the ZIP


def test_refused_on_a_closed_case(actor):
    case = case_with_files(actor)
    svc.close(case, actor=actor, status="withdrawn", note="Verzoek ingetrokken per e-mail", today=TODAY)
    wrong = file_named(case, "klant-2077.csv")
    path = stored_path(case, wrong)
    with pytest.raises(ServiceError) as err:
        packages.remove_file(case, wrong.id, actor=actor)
    assert "afgesloten" in str(err.value.message)
    db.session.rollback()
    assert db.session.get(PackageFile, wrong.id) is not None and os.path.isfile(path)
    assert "package_file_removed" not in [e.action for e in db.session.get(Case, case.id).events]


def test_refused_on_a_stale_version(actor):
    case = case_with_files(actor)
    wrong = file_named(case, "klant-2077.csv")
    with pytest.raises(StaleCaseError):
        packages.remove_file(case, wrong.id, actor=actor, expected_version=case.version - 1)
    db.session.rollback()
    assert db.session.get(PackageFile, wrong.id) is not None and os.path.isfile(stored_path(case, wrong))


def test_refused_for_a_file_of_another_case(actor):
    case = case_with_files(actor)
    other = open_case(actor, requester_name="Piet Peeters", received_on=D("2026-03-06"), today=D("2026-03-06"))
    foreign = file_named(case, "klant-2077.csv")
    with pytest.raises(ServiceError) as err:
        packages.remove_file(other, foreign.id, actor=actor)
    assert "niet meer in het gegevenspakket" in str(err.value.message)
    db.session.rollback()
    assert db.session.get(PackageFile, foreign.id) is not None


# --- through the web ---

def test_case_page_offers_a_remove_button_per_file(client, auth, actor):
    case = case_with_files(actor)
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for f in case.package_files:
        assert f'action="/cases/{case.id}/package/{f.id}/remove"' in page
        assert f'id="remove-package-file-{f.id}"' in page
    assert "<summary>Verwijderen</summary>" in page
    assert "Dit bestand definitief uit het pakket verwijderen" in page
    assert f'name="version" value="{case.version}"' in page


def test_no_remove_button_on_a_closed_case(client, auth, actor):
    case = case_with_files(actor)
    svc.close(case, actor=actor, status="withdrawn", note="Verzoek ingetrokken per e-mail", today=TODAY)
    auth.login()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "klant-2077.csv" in page and "/remove" not in page


def test_post_removes_the_file(client, auth, actor):
    case = case_with_files(actor)
    wrong = file_named(case, "klant-2077.csv")
    path, wrong_id = stored_path(case, wrong), wrong.id
    auth.login()
    r = client.post(f"/cases/{case.id}/package/{wrong_id}/remove", data={"version": case.version})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/cases/{case.id}#package")
    assert db.session.get(PackageFile, wrong_id) is None and not os.path.exists(path)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "klant-2077.csv is verwijderd uit het gegevenspakket." in page
    assert "Bestand verwijderd uit het gegevenspakket" in page  # the audit trail, in words
    assert f"sha256 {hashlib.sha256(WRONG).hexdigest()}" in page


def test_post_with_a_stale_version_removes_nothing(client, auth, actor):
    case = case_with_files(actor)
    wrong = file_named(case, "klant-2077.csv")
    auth.login()
    r = client.post(f"/cases/{case.id}/package/{wrong.id}/remove", data={"version": case.version - 1},
                    follow_redirects=True)
    assert "Iemand anders heeft dit dossier intussen gewijzigd" in r.get_data(as_text=True)
    assert db.session.get(PackageFile, wrong.id) is not None


def test_a_second_click_says_the_file_is_already_gone(client, auth, actor):
    case = case_with_files(actor)
    wrong = file_named(case, "klant-2077.csv")
    url, data = f"/cases/{case.id}/package/{wrong.id}/remove", {"version": case.version}
    auth.login()
    client.post(url, data=data)
    r = client.post(url, data=data, follow_redirects=True)
    assert "Dit bestand zit niet meer in het gegevenspakket." in r.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, app, auth, actor):
    case = case_with_files(actor)
    wrong = file_named(case, "klant-2077.csv")
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post(f"/cases/{case.id}/package/{wrong.id}/remove", data={"version": case.version})
    assert r.status_code == 400 and "Formulier verlopen" in r.get_data(as_text=True)
    assert db.session.get(PackageFile, wrong.id) is not None and os.path.isfile(stored_path(case, wrong))


def test_the_button_works_with_csrf_on(client, app, auth, actor):
    case = case_with_files(actor)
    url = f"/cases/{case.id}/package/{file_named(case, 'klant-2077.csv').id}/remove"
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    form = page[page.index(f'action="{url}"'):]
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    version = form.split('name="version" value="')[1].split('"')[0]
    r = client.post(url, data={"version": version, "csrf_token": token})
    assert r.status_code == 302
    assert [f.display_name for f in db.session.get(Case, case.id).package_files] == ["bestellingen.csv"]


@pytest.mark.browser
def test_in_a_browser_removing_takes_two_clicks_and_no_javascript(app, actor, page):
    from playwright.sync_api import expect

    from tests.test_browser import log_in

    case = case_with_files(actor)
    wrong = file_named(case, "klant-2077.csv")
    path = stored_path(case, wrong)
    button = page.locator(f"#remove-package-file-{wrong.id}")
    log_in(page)
    page.goto(f"/cases/{case.id}#package")
    expect(button).to_be_hidden()  # one stray click does nothing
    page.locator("tr.package-file", has_text="klant-2077.csv").locator("summary").click()
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".flash.success")).to_contain_text("klant-2077.csv")
    expect(page.locator("tr.package-file")).to_have_count(1)
    expect(page.locator("tr.package-file")).to_contain_text("bestellingen.csv")
    assert not os.path.exists(path)
