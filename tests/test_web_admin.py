"""Staff accounts: admins manage them, staff get 403."""
import pytest

from caseflow.extensions import db
from caseflow.models import User
from tests.fixtures.users import PASSWORD


@pytest.mark.parametrize("method, url", [("get", "/admin/users"), ("get", "/admin/users/new"),
                                         ("post", "/admin/users/1/active"), ("get", "/admin/users/1/password")])
def test_admin_pages_forbidden_for_staff(client, logged_in, method, url):
    assert getattr(client, method)(url).status_code == 403


def test_admin_creates_account(client, auth, admin):
    auth.login("admin@labelstudio.be")
    r = client.post("/admin/users/new", data={"name": "Piet Maes", "email": "piet@labelstudio.be",
                                              "password": "wachtwoord-123", "locale": "nl"})
    assert r.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="piet@labelstudio.be"))
    assert user and not user.is_admin and user.check_password("wachtwoord-123")
    assert "Piet Maes" in client.get("/admin/users").get_data(as_text=True)


def test_create_account_errors_keep_input(client, auth, admin):
    auth.login("admin@labelstudio.be")
    r = client.post("/admin/users/new", data={"name": "Dubbel", "email": "admin@labelstudio.be",
                                              "password": "wachtwoord-123", "locale": "en"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'value="Dubbel"' in html and "email-error" in html
    r = client.post("/admin/users/new", data={"name": "Kort", "email": "kort@labelstudio.be", "password": "kort"})
    assert r.status_code == 422 and "password-error" in r.get_data(as_text=True)


def test_deactivate_and_reactivate(client, auth, admin, staff):
    auth.login("admin@labelstudio.be")
    client.post(f"/admin/users/{staff.id}/active")
    assert db.session.get(User, staff.id).active is False
    client.post(f"/admin/users/{staff.id}/active")
    assert db.session.get(User, staff.id).active is True


def test_admin_cannot_deactivate_self(client, auth, admin):
    auth.login("admin@labelstudio.be")
    client.post(f"/admin/users/{admin.id}/active")
    assert db.session.get(User, admin.id).active is True


def test_deactivated_user_is_logged_out_on_next_request(client, auth, staff, admin):
    auth.login()
    staff.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_reset_password(client, auth, admin, staff):
    auth.login("admin@labelstudio.be")
    r = client.post(f"/admin/users/{staff.id}/password", data={"password": "nieuw-wachtwoord"})
    assert r.status_code == 302
    user = db.session.get(User, staff.id)
    assert user.check_password("nieuw-wachtwoord") and not user.check_password(PASSWORD)


def test_reset_password_errors_keep_the_page_and_change_nothing(client, auth, admin, staff):
    auth.login(admin.email)
    r = client.post(f"/admin/users/{staff.id}/password", data={"password": "kort"})
    assert r.status_code == 422 and 'id="password-error"' in r.get_data(as_text=True)
    assert db.session.get(User, staff.id).check_password(PASSWORD)


def test_admin_resetting_their_own_password_stays_logged_in(client, auth, admin):
    auth.login(admin.email)
    r = client.post(f"/admin/users/{admin.id}/password", data={"password": "mijn-nieuw-wachtwoord"})
    assert r.status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_reset_password_ends_the_users_open_sessions(app, client, auth, admin, staff):
    other = app.test_client()  # the staff member, logged in on another computer
    other.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login(admin.email)
    client.post(f"/admin/users/{staff.id}/password", data={"password": "nieuw-wachtwoord"})
    r = other.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]  # the old session no longer works
    other.post("/login", data={"email": staff.email, "password": "nieuw-wachtwoord"})
    assert other.get("/").status_code == 200
