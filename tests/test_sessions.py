"""Server-side sessions: logout ends them for good, idle and absolute timeouts, admins see and end them."""
from caseflow import create_app
from caseflow.extensions import db
from caseflow.security.models import SecurityEvent, UserSession
from config import TestConfig
from tests.fixtures.users import PASSWORD


def _cookie(client):
    return client.get_cookie("session").value


def test_a_replayed_cookie_after_logout_is_refused(client, auth, staff, frozen_clock):
    auth.login()
    stolen = _cookie(client)
    assert client.get("/").status_code == 200
    auth.logout()
    client.set_cookie("session", stolen)  # the old cookie, as an attacker who copied it would send it
    r = client.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = client.post("/cases/new", data={"channel": "email", "received_on": "2026-11-30", "requester_name": "X",
                                        "rights": ["access"]})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    record = db.session.scalar(db.select(UserSession))
    assert record.ended_reason == "logout"
    kinds = [e.kind for e in db.session.scalars(db.select(SecurityEvent).order_by(SecurityEvent.id))]
    assert kinds == ["login", "logout"]


def test_the_cookie_holds_no_user_id_and_a_new_login_gets_a_new_session(client, auth, staff, frozen_clock):
    auth.login()
    first = db.session.scalar(db.select(UserSession))
    assert first.user_id == staff.id and len(first.id) >= 40
    auth.logout()
    auth.login()
    assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 2


def test_idle_timeout(client, auth, staff, frozen_clock):
    auth.login()
    frozen_clock.advance(minutes=29)
    assert client.get("/").status_code == 200  # activity keeps the session alive
    frozen_clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=30)
    r = client.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert "na 30 minuten zonder activiteit afgemeld" in client.get(r.headers["Location"]).get_data(as_text=True)
    frozen_clock.advance(minutes=1)  # ended for good, even if somebody tries again at once
    assert client.get("/").status_code == 302
    assert db.session.scalar(db.select(UserSession)).ended_reason == "idle"


def test_absolute_lifetime_ends_even_a_busy_session(client, auth, staff, frozen_clock):
    auth.login()
    for _ in range(35):  # every 20 minutes for 11 h 40
        frozen_clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=20)  # 12 hours after logging in
    r = client.get("/")
    assert r.status_code == 302
    assert "12 uur na het aanmelden afgemeld" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(db.select(UserSession)).ended_reason == "expired"


def test_timeouts_are_settings(app, client, auth, staff, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    auth.login()
    frozen_clock.advance(minutes=6)
    assert client.get("/").status_code == 302


def test_deactivation_ends_all_sessions_at_once(app, client, auth, admin, staff, frozen_clock):
    other = app.test_client()
    other.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login(admin.email)
    client.post(f"/admin/users/{staff.id}/active")
    assert other.get("/").status_code == 302
    assert db.session.scalar(db.select(UserSession).where(UserSession.user_id == staff.id)).ended_reason \
        == "deactivated"


def test_admin_sees_open_sessions_and_ends_one(app, client, auth, admin, staff, frozen_clock):
    other = app.test_client()
    other.post("/login", data={"email": staff.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    auth.login(admin.email)
    page = client.get(f"/admin/users/{staff.id}/sessions").get_data(as_text=True)
    assert "10.1.2.3" in page and "30/11/2026 09:00" in page
    record = db.session.scalar(db.select(UserSession).where(UserSession.user_id == staff.id))
    r = client.post(f"/admin/users/{staff.id}/sessions/{record.id}/end")
    assert r.status_code == 302
    assert other.get("/").status_code == 302  # the staff member is logged out
    page = client.get(f"/admin/users/{staff.id}/sessions").get_data(as_text=True)
    assert 'id="no-sessions"' in page and 'class="event-session_ended"' in page and "Els Janssens" in page


def test_staff_cannot_see_or_end_sessions(client, logged_in, admin):
    assert client.get(f"/admin/users/{admin.id}/sessions").status_code == 403


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, staff):
    auth.login()
    header = client.get("/").headers.get("Set-Cookie") or ""
    cookie = auth._client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # http://127.0.0.1 in tests
    assert "Expires" not in header  # no cookie that outlives the browser, let alone 31 days


def test_cookies_are_secure_when_the_base_url_is_https(app, staff):
    https = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                        "BASE_URL": "https://caseflow.labelstudio.be"})
    assert https.config["SESSION_COOKIE_SECURE"] is True
    client = https.test_client()
    r = client.post("/login", data={"email": staff.email, "password": PASSWORD}, base_url="https://localhost")
    assert r.status_code == 302
    set_cookie = r.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(app, staff):
    proxied = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                          "PROXY_FIX_X_FOR": 1})
    proxied.test_client().post("/login", data={"email": staff.email, "password": "fout-fout-fout"},
                               headers={"X-Forwarded-For": "203.0.113.9"})
    event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "login_failed"))
    assert event.ip == "203.0.113.9"
    app.test_client().post("/login", data={"email": staff.email, "password": "fout-fout-fout"},
                           headers={"X-Forwarded-For": "203.0.113.9"})  # without the setting: not trusted
    ips = db.session.scalars(db.select(SecurityEvent.ip).where(SecurityEvent.kind == "login_failed")).all()
    assert ips == ["203.0.113.9", "127.0.0.1"]


def test_changing_ones_own_password_ends_the_other_sessions_not_this_one(app, client, auth, staff, frozen_clock):
    other = app.test_client()  # e.g. a session somebody stole earlier
    other.post("/login", data={"email": staff.email, "password": PASSWORD})
    auth.login()
    r = client.post("/account/password", data={"current": "fout", "password": "Brecht-etiket-lente-7",
                                                "confirm": "Brecht-etiket-lente-7"})
    assert r.status_code == 422 and "niet uw huidige wachtwoord" in r.get_data(as_text=True)
    assert other.get("/").status_code == 200
    r = client.post("/account/password", data={"current": PASSWORD, "password": "Brecht-etiket-lente-7",
                                               "confirm": "Brecht-etiket-lente-7"})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    reasons = db.session.scalars(db.select(UserSession.ended_reason).order_by(UserSession.created_at)).all()
    assert len(reasons) == 2 and set(reasons) == {None, "password"}
