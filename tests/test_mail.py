"""Mail through a real SMTP conversation (aiosmtpd on 127.0.0.1): arrives once, retried when the server is down."""
import os
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.mail import outbox as mail
from caseflow.mail.models import OutboxMessage
from tests.fixtures.users import make_user
from tests.test_jobs import TODAY, Register

T0 = datetime(2026, 4, 8, 6, 0, tzinfo=timezone.utc)  # 08:00 in Brussels


def messages(status=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if status:
        query = query.where(OutboxMessage.status == status)
    return db.session.scalars(query).all()


def queue_one(app, to="an@labelstudio.be", subject="Caseflow: test"):
    message = mail.enqueue(recipient=to, subject=subject, text="Hallo", html="<p>Hallo</p>", kind="test", now=T0)
    db.session.commit()
    return message


def test_reminders_over_smtp(app, smtp_server):
    r = Register()
    jobs.run("reminders", today=TODAY, now=T0)
    report = mail.deliver_due(T0)
    assert len(report.sent) == 3 and not report.deferred and not report.failed

    got = {tuple(rcpts): message for _, rcpts, message in smtp_server.received}
    assert set(got) == {("an@labelstudio.be",), ("piet@labelstudio.be",), ("els@labelstudio.be",)}
    an = got[("an@labelstudio.be",)]
    assert an["Subject"].strip() == "Caseflow: 2 cases overdue, 1 due within 7 days, 2 to decide on an extension"
    assert an["From"] == "Caseflow <caseflow@labelstudio.be>"
    assert an["Content-Language"] == "en"
    assert an["Message-ID"] == messages()[[m.recipient for m in messages()].index("an@labelstudio.be")].message_id
    text = an.get_body(("plain",)).get_content()
    html = an.get_body(("html",)).get_content()
    for case in (r.a, r.b, r.c, r.d, r.e):
        assert case.reference in text and case.reference in html
        assert f"http://127.0.0.1:5000/cases/{case.id}" in text
    assert "Overdue (2)" in text and "6 days overdue" in text and "deadline 2 April 2026" in text
    assert "Decide on an extension (2)" in text and "Due within 7 days (1)" in text
    assert r.f.reference not in text  # Piet's case

    els = got[("els@labelstudio.be",)]  # Dutch by default: Flemish dates whatever the catalog holds
    assert els["Content-Language"] == "nl"
    assert "20 april 2026" in els.get_body(("plain",)).get_content()
    assert r.h.reference in els.get_body(("plain",)).get_content()
    assert all(m.status == "sent" and m.attempts == 1 for m in messages())


def test_server_down_then_up_delivers_once_with_attempts_recorded(app, smtp_server):
    smtp_server.stop()  # connection refused
    queue_one(app)
    first = mail.deliver_due(T0)
    assert first.deferred and not first.sent
    message = messages()[0]
    assert (message.status, message.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in message.last_error
    assert mail.as_utc(message.next_attempt_at) == T0 + timedelta(seconds=60)

    assert mail.deliver_due(T0 + timedelta(seconds=30)).count == 0  # not due yet: nothing tried
    second = mail.deliver_due(T0 + timedelta(seconds=60))
    assert second.deferred
    assert mail.as_utc(messages()[0].next_attempt_at) == T0 + timedelta(seconds=60 + 120)  # growing delay

    smtp_server.start()
    third = mail.deliver_due(T0 + timedelta(minutes=5))
    assert len(third.sent) == 1
    message = messages()[0]
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)
    assert mail.deliver_due(T0 + timedelta(hours=1)).count == 0
    assert len(smtp_server.received) == 1  # nothing lost, nothing doubled
    assert smtp_server.messages[0]["Message-ID"] == message.message_id


def test_after_the_last_attempt_it_fails_and_an_admin_can_retry(app, smtp_server, client, auth):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    try:
        admin = make_user("admin@labelstudio.be", "Els Janssens", admin=True)
        smtp_server.stop()
        queue_one(app, to="an@labelstudio.be")
        mail.deliver_due(T0)
        mail.deliver_due(T0 + timedelta(minutes=1))
        message = messages()[0]
        assert (message.status, message.attempts) == ("failed", 2)
        assert mail.deliver_due(T0 + timedelta(days=1)).count == 0  # failed stays failed

        auth.login(admin.email)
        page = client.get("/admin/outbox?status=failed")
        assert page.status_code == 200
        assert b"Caseflow: test" in page.data and b"ConnectionRefusedError" in page.data

        smtp_server.start()
        retried = client.post(f"/admin/outbox/{message.id}/retry", follow_redirects=True)
        assert retried.status_code == 200
        db.session.expire_all()
        message = messages()[0]
        assert (message.status, message.attempts) == ("sent", 3)
        assert len(smtp_server.received) == 1
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = 10


def test_a_crash_between_sending_and_marking_never_sends_twice(app, smtp_server, monkeypatch):
    queue_one(app)
    original = mail.SMTPTransport.send

    def send_then_crash(self, email, message):
        original(self, email, message)
        raise KeyboardInterrupt("the process died before marking the message sent")

    monkeypatch.setattr(mail.SMTPTransport, "send", send_then_crash)
    with pytest.raises(KeyboardInterrupt):
        mail.deliver_due(T0)
    monkeypatch.undo()
    db.session.rollback()
    assert len(smtp_server.received) == 1
    assert (messages()[0].status, messages()[0].attempts) == ("sending", 1)  # the attempt was recorded first

    assert mail.deliver_due(T0 + timedelta(minutes=1)).count == 0
    report = mail.deliver_due(T0 + timedelta(minutes=16))  # long stuck: an admin must judge, never a resend
    message = messages()[0]
    assert report.failed == [message.id]  # reported, so the case of a letter hears of it too
    assert message.status == "failed" and message.last_error == mail.INTERRUPTED
    assert len(smtp_server.received) == 1


def test_a_permanent_refusal_fails_at_once(app, smtp_server):
    smtp_server.reject_with = "550 5.1.1 mailbox unavailable"
    queue_one(app)
    report = mail.deliver_due(T0)
    assert report.failed and not report.deferred
    message = messages()[0]
    assert (message.status, message.attempts) == ("failed", 1)
    assert "550" in message.last_error


def test_without_a_mail_server_messages_become_eml_files(app):
    assert not app.config.get("MAIL_SERVER")
    message = queue_one(app)
    assert len(mail.deliver_due(T0).sent) == 1
    folder = os.path.join(app.instance_path, "mail")
    name = f"20260408-060000-{message.id}.eml"
    with open(os.path.join(folder, name), "rb") as fh:
        email = message_from_bytes(fh.read(), policy=policy.default)
    os.remove(os.path.join(folder, name))
    assert email["Message-ID"] == message.message_id
    assert email["To"] == "an@labelstudio.be"
    assert email.get_body(("plain",)).get_content().strip() == "Hallo"
    assert messages()[0].status == "sent"


def test_backoff_grows_and_is_capped(app):
    delays = [mail.backoff(n, app.config).total_seconds() for n in range(1, 10)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == app.config["MAIL_RETRY_MAX_SECONDS"]


def test_mail_job_records_its_last_run(app, smtp_server):
    queue_one(app)
    result = jobs.run("mail", now=T0)
    assert (result.status, result.count) == ("done", 1)
    jobs.run("mail", now=T0 + timedelta(minutes=1))
    run = jobs.last_runs()["mail"]
    assert run.day == TODAY and run.count == 0


def test_bodies_are_quoted_printable_so_any_relay_takes_them(app, smtp_server):
    Register()
    jobs.run("reminders", today=TODAY, now=T0)
    mail.deliver_due(T0)
    els = next(m for _, rcpts, m in smtp_server.received if rcpts == ["els@labelstudio.be"])  # Dutch, with "·"
    for kind in ("plain", "html"):
        part = els.get_body((kind,))
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
        assert "·" in part.get_content() and "20 april 2026" in part.get_content()  # decoded as written
    assert els.as_bytes().isascii()  # 7-bit clean: no 8BITMIME needed on the way


def test_a_message_that_cannot_be_built_fails_with_its_real_error(app, smtp_server):
    broken = queue_one(app, to="an@labelstudio.be", subject="Uw gegevens")
    broken.attachment_path, broken.attachment_name = "packages/gone.zip", "gegevens.zip"
    db.session.commit()
    fine = queue_one(app, to="piet@labelstudio.be")
    report = mail.deliver_due(T0)
    assert report.failed == [broken.id] and report.sent == [fine.id]  # the next message still goes out
    message = db.session.get(OutboxMessage, broken.id)
    assert message.status == "failed" and message.attempts == 1
    assert "FileNotFoundError" in message.last_error and "gone.zip" in message.last_error
    assert message.last_error != mail.INTERRUPTED
    assert [rcpts for _, rcpts, _ in smtp_server.received] == [["piet@labelstudio.be"]]


def test_admins_see_failed_messages_counted_in_the_nav_on_every_page(app, client, auth):
    admin = make_user("admin@labelstudio.be", "Els Janssens", admin=True)
    make_user("an@labelstudio.be", "An Peeters")
    auth.login(admin.email)
    assert b'id="failed-mail-badge"' not in client.get("/").data
    for to in ("an@labelstudio.be", "piet@labelstudio.be"):
        queue_one(app, to=to).status = "failed"
    queue_one(app, to="mia@labelstudio.be")  # waiting: not counted
    db.session.commit()
    for url in ("/", "/cases/new", "/admin/users"):
        page = client.get(url).data.decode()
        nav = page[page.index("<nav>"):page.index("</nav>")]
        assert 'id="failed-mail-badge"' in nav and ">2</span>" in nav, url
    jobs_page = client.get("/admin/jobs").data.decode()
    assert 'id="failed-mail"' in jobs_page and "/admin/outbox?status=failed" in jobs_page
    auth.logout()
    auth.login("an@labelstudio.be")
    assert b"failed-mail-badge" not in client.get("/").data  # staff: no admin link, no badge
