"""Login throttling per account and per address, locks that admins see and lift, equal answers for all emails."""
import re

from caseflow.extensions import db
from caseflow.security.models import SecurityEvent
from tests.fixtures.users import PASSWORD, make_user

WRONG = "niet-het-juiste-wachtwoord"


def _login(client, email, password, ip="192.0.2.10"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def _fail_until_locked(client, clock, email, ip="192.0.2.10", times=10):
    """Wrong passwords, each after the delay the previous one imposed (as a patient attacker would)."""
    for _ in range(times):
        r = _login(client, email, WRONG, ip)
        assert r.status_code == 200, r.get_data(as_text=True)
        clock.advance(seconds=61)


def test_a_growing_delay_after_three_failures_even_for_the_right_password(client, staff, frozen_clock):
    for _ in range(3):
        assert _login(client, staff.email, WRONG).status_code == 200
    r = _login(client, staff.email, PASSWORD)  # at once: refused without checking the password
    page = r.get_data(as_text=True)
    assert r.status_code == 429 and "Te veel pogingen, probeer over 1 seconde opnieuw." in page
    assert client.get("/").status_code == 302
    frozen_clock.advance(seconds=1)
    assert _login(client, staff.email, WRONG).status_code == 200  # 4th failure: now 2 seconds
    assert "probeer over 2 seconden opnieuw" in _login(client, staff.email, PASSWORD).get_data(as_text=True)
    frozen_clock.advance(seconds=2)
    assert _login(client, staff.email, PASSWORD).status_code == 302  # the right password after the delay works
    client.post("/logout")
    assert _login(client, staff.email, WRONG).status_code == 200  # and the count started again
    assert _login(client, staff.email, PASSWORD).status_code == 302


def test_ten_failures_lock_the_account_for_fifteen_minutes_and_an_admin_can_lift_it(app, client, staff, admin,
                                                                                       frozen_clock):
    _fail_until_locked(client, frozen_clock, staff.email)
    r = _login(client, staff.email, PASSWORD, ip="198.51.100.7")  # from another address too
    assert r.status_code == 429 and "tijdelijk geblokkeerd" in r.get_data(as_text=True)
    kinds = db.session.scalars(db.select(SecurityEvent.kind)).all()
    assert kinds.count("login_failed") == 10 and kinds.count("account_locked") == 1
    # The administrator sees the lock, on the security page and next to the account, and lifts it.
    other = app.test_client()
    assert _login(other, admin.email, PASSWORD, ip="198.51.100.8").status_code == 302
    page = other.get("/admin/security").get_data(as_text=True)
    assert staff.email in page.split('id="locks"')[1].split("</table>")[0]
    assert f'id="locked-{staff.id}"' in other.get("/admin/users").get_data(as_text=True)
    other.post("/admin/security/unlock", data={"key": "email", "value": staff.email})
    assert 'id="no-locks"' in other.get("/admin/security").get_data(as_text=True)
    assert _login(client, staff.email, PASSWORD).status_code == 302
    assert "lock_lifted" in db.session.scalars(db.select(SecurityEvent.kind)).all()


def test_a_lock_ends_by_itself_after_fifteen_minutes(client, staff, frozen_clock):
    _fail_until_locked(client, frozen_clock, staff.email)
    frozen_clock.advance(minutes=13)
    assert _login(client, staff.email, PASSWORD).status_code == 429
    frozen_clock.advance(minutes=2)
    assert _login(client, staff.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_slowed_then_locked(app, client, staff, admin, frozen_clock):
    attacker = "203.0.113.66"
    for i in range(10):  # ten different (unknown) accounts: no account reaches its own limit
        assert _login(client, f"gok{i}@labelstudio.be", WRONG, attacker).status_code == 200
    r = _login(client, staff.email, PASSWORD, attacker)
    assert r.status_code == 429 and "Te veel pogingen" in r.get_data(as_text=True)
    for i in range(10, 20):
        frozen_clock.advance(seconds=61)
        assert _login(client, f"gok{i}@labelstudio.be", WRONG, attacker).status_code == 200
    frozen_clock.advance(seconds=61)
    r = _login(client, staff.email, PASSWORD, attacker)
    assert r.status_code == 429 and "tijdelijk geblokkeerd" in r.get_data(as_text=True)
    assert "address_locked" in db.session.scalars(db.select(SecurityEvent.kind)).all()
    assert _login(client, staff.email, PASSWORD, "192.0.2.10").status_code == 302  # staff elsewhere: unaffected
    other = app.test_client()
    _login(other, admin.email, PASSWORD, "192.0.2.11")
    locks = other.get("/admin/security").get_data(as_text=True).split('id="locks"')[1].split("</table>")[0]
    assert attacker in locks and "(adres)" in locks
    other.post("/admin/security/unlock", data={"key": "ip", "value": attacker})
    client.post("/logout")
    assert _login(client, staff.email, PASSWORD, attacker).status_code == 302  # lifted
    lifted = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "lock_lifted"))
    assert lifted.detail == attacker and lifted.actor_id == admin.id


def test_unknown_and_known_addresses_get_the_same_answer(client, staff, frozen_clock):
    def answer(email):
        r = _login(client, email, WRONG, ip=f"192.0.2.{len(email)}")
        return r.status_code, r.get_data(as_text=True).replace(email, "EMAIL")

    known, unknown = answer(staff.email), answer("niemand@labelstudio.be")
    assert known == unknown and known[0] == 200
    assert "Verkeerd e-mailadres of wachtwoord." in known[1]
    for _ in range(3):  # throttling does not tell them apart either
        answer(staff.email), answer("niemand@labelstudio.be")
    assert answer(staff.email) == answer("niemand@labelstudio.be")


def test_unknown_emails_are_checked_against_a_real_hash(monkeypatch, client, staff, frozen_clock):
    """The same work for an unknown address (the timing difference of issue 9 came from skipping the hash)."""
    import caseflow.security.login as login

    checked = []
    original = login.check_password_hash
    monkeypatch.setattr(login, "check_password_hash", lambda h, p: checked.append(h.split("$")[0]) or original(h, p))
    _login(client, "niemand@labelstudio.be", WRONG)
    _login(client, staff.email, WRONG)
    assert checked[0] == checked[1] and checked[0].startswith(("scrypt", "pbkdf2"))


def test_every_login_failure_and_logout_is_in_the_security_log(client, staff, admin, frozen_clock):
    _login(client, staff.email, WRONG)
    _login(client, staff.email, PASSWORD)
    client.post("/logout")
    _login(client, admin.email, PASSWORD)
    page = client.get("/admin/security").get_data(as_text=True)
    log = page.split('id="security-log"')[1]
    assert re.search(r'event-login_failed">.*?An Peeters', log, re.S)
    assert 'class="event-login"' in log and 'class="event-logout"' in log
    staff_page = client.get("/admin/security?kind=logout").get_data(as_text=True).split('id="security-log"')[1]
    assert "event-login_failed" not in staff_page and "event-logout" in staff_page


def test_a_deactivated_account_is_told_only_after_the_right_password(client, app, frozen_clock):
    make_user(active=False)
    assert "gedeactiveerd" not in _login(client, "an@labelstudio.be", WRONG).get_data(as_text=True)
    assert "gedeactiveerd" in _login(client, "an@labelstudio.be", PASSWORD).get_data(as_text=True)


def test_old_attempts_are_dropped_at_the_next_login(client, staff, frozen_clock):
    from caseflow.security.models import LoginAttempt

    _login(client, "gok@labelstudio.be", WRONG)
    frozen_clock.advance(days=2)
    _login(client, staff.email, PASSWORD)
    assert db.session.scalars(db.select(LoginAttempt.kind)).all() == ["success"]
    assert "login_failed" in db.session.scalars(db.select(SecurityEvent.kind)).all()  # the log keeps it
