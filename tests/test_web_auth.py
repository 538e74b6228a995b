"""Logging in, the first-admin setup page, login required everywhere, CSRF, language."""
import pytest

from caseflow.extensions import db
from caseflow.models import Case, User
from tests.fixtures.users import PASSWORD, make_user


def test_setup_page_creates_first_admin_then_disappears(client, app):
    r = client.get("/login")
    assert r.status_code == 302 and r.headers["Location"].endswith("/setup")
    r = client.post("/setup", data={"name": "Els Janssens", "email": "els@labelstudio.be",
                                    "password": "lang-genoeg-1", "confirm": "lang-genoeg-1"})
    assert r.status_code == 302
    user = db.session.scalar(db.select(User))
    assert user.is_admin and user.email == "els@labelstudio.be"
    assert client.get("/").status_code == 200  # logged in straight away
    assert client.get("/setup").status_code == 404


def test_setup_validation_keeps_input(client, app):
    r = client.post("/setup", data={"name": "Els Janssens", "email": "els@labelstudio.be",
                                    "password": "kort", "confirm": "anders"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'value="Els Janssens"' in html and 'value="els@labelstudio.be"' in html
    assert "has-error" in html
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_login_and_logout(client, auth, staff):
    r = auth.login()
    assert r.status_code == 302
    assert "An Peeters" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_message(client, auth, staff):
    r = auth.login(password="fout")
    assert r.status_code == 200
    assert "error" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_log_in(client, auth, app):
    make_user(active=False)
    auth.login()
    assert client.get("/").status_code == 302


def test_login_redirects_to_next_but_never_offsite(client, staff):
    r = client.post("/login?next=/cases/new", data={"email": "an@labelstudio.be", "password": PASSWORD})
    assert r.headers["Location"] == "/cases/new"
    client.post("/logout")
    r = client.post("/login?next=https://evil.example/", data={"email": "an@labelstudio.be", "password": PASSWORD})
    assert r.headers["Location"] == "/"


@pytest.mark.parametrize("url", ["/", "/cases/new", "/cases/1", "/cases/1/extend", "/cases/1/close",
                                 "/cases/1/identity/request", "/cases/1/actions/new", "/language",
                                 "/admin/users", "/admin/users/new"])
def test_login_required_everywhere(client, staff, url):
    r = client.get(url)
    assert r.status_code == 302
    assert "/login" in r.headers["Location"]


def test_post_without_csrf_token_is_rejected(client, app, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post("/login", data={"email": "an@labelstudio.be", "password": PASSWORD})
    assert "Het formulier was verlopen" in r.get_data(as_text=True)
    assert 'value="an@labelstudio.be"' in r.get_data(as_text=True)  # shown again with what was typed
    assert client.get("/").status_code == 302  # not logged in


def test_case_form_with_a_stale_token_keeps_everything_typed_and_saves_nothing(client, app, auth, staff):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"channel": "email", "received_on": "2026-03-05", "requester_name": "Ines Maes",
            "requester_email": "ines.maes@example.be", "rights": ["access"], "request_text": "Een lange brief.",
            "assignee_id": "", "csrf_token": "stale-token-from-yesterday"}
    r = client.post("/cases/new", data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Het formulier was verlopen" in page
    assert 'value="Ines Maes"' in page and "Een lange brief." in page
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0
    fresh = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = client.post("/cases/new", data={**data, "csrf_token": fresh})  # submitted again: saved
    assert r.status_code == 302, r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 1


def test_button_without_csrf_token_gets_a_dutch_page_and_changes_nothing(client, app, auth, staff):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post("/logout")
    assert r.status_code == 400 and "Formulier verlopen" in r.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still logged in


def test_a_form_from_before_logout_does_not_count_after_the_next_login(client, app, auth, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    page = client.get("/cases/new").get_data(as_text=True)
    old = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/logout", data={"csrf_token": old})
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    r = client.post("/logout", data={"csrf_token": old})  # a token of the previous session
    assert r.status_code == 400 and client.get("/").status_code == 200


def test_login_page_asks_in_dutch(client, staff):
    r = client.get("/", follow_redirects=True)
    assert "Meld u aan om deze pagina te zien." in r.get_data(as_text=True)
    assert "Please log in" not in r.get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(client, app, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/login").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = client.post("/login", data={"email": "an@labelstudio.be", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_language_choice_switches_the_ui(client, auth, staff):
    auth.login()
    client.post("/language", data={"locale": "en"})
    assert db.session.get(User, staff.id).locale == "en"
    html = client.get("/").get_data(as_text=True)
    assert "New case" in html and 'lang="en"' in html
    client.post("/language", data={"locale": "nl"})
    html = client.get("/").get_data(as_text=True)
    assert "Nieuw dossier" in html and 'lang="nl"' in html
