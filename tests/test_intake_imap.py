"""Polling the mailbox against a real IMAP server (dovecot): each message once, nothing changed on the server."""
import os
import time
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import func, select

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import poll
from caseflow.intake.models import IntakeCursor, IntakeMessage
from caseflow.jobs import runner as jobs
from caseflow.jobs.models import JobRun
from tests.fixtures.cases import open_case
from tests.fixtures.dovecot import PASSWORD, CuttingProxy, free_port

MAIL = os.path.join(os.path.dirname(__file__), "data", "mail")
TODAY = clock.today()


def message(n: int, *, subject=None, body="Ik wil inzage in mijn gegevens.", size=0, auth=None) -> bytes:
    msg = EmailMessage()
    if auth:  # as our receiving server adds it (the topmost header)
        msg["Authentication-Results"] = auth
    msg["From"], msg["To"] = f"Verzoeker {n} <verzoeker{n}@example.be>", "info@labelstudio.be"
    msg["Subject"] = subject or f"Verzoek {n}"
    msg["Date"] = (clock.now() - timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S %z")
    msg["Message-ID"] = f"<request-{n}@example.be>"
    msg.set_content(body + f"\nMARKER-{n}\n" + "x" * size)
    return msg.as_bytes()


def stored() -> list[IntakeMessage]:
    return db.session.scalars(select(IntakeMessage).order_by(IntakeMessage.uid)).all()


def test_new_messages_appear_once_and_the_mailbox_is_left_untouched(app, dovecot, mailbox):
    for n in (1, 2, 3):
        dovecot.append(message(n), mailbox)
    first = jobs.run("intake")
    assert first.status == "done" and first.count == 3
    assert [m.from_email for m in stored()] == ["verzoeker1@example.be", "verzoeker2@example.be",
                                                "verzoeker3@example.be"]
    assert all(m.status == "new" and m.right_keys == ["access"] and m.source == "imap" for m in stored())
    assert jobs.run("intake").count == 0  # a restart / the next run fetches nothing twice
    dovecot.append(message(4), mailbox)
    assert jobs.run("intake").count == 1 and len(stored()) == 4
    flags = dovecot.flags(mailbox)
    assert len(flags) == 4 and not any(b"\\Seen" in f or b"\\Deleted" in f for f in flags)


def test_the_first_poll_skips_the_mailboxs_old_history(app, dovecot, mailbox):
    dovecot.append(message(1), mailbox, arrived=time.time() - 200 * 86400)  # long before Caseflow polled
    dovecot.append(message(2), mailbox)
    assert jobs.run("intake").count == 1
    assert [m.message_id for m in stored()] == ["<request-2@example.be>"]


def test_a_reply_with_a_reference_lands_on_its_case(app, dovecot, mailbox, staff, monkeypatch):
    """From the requester's address, authenticated by the receiving server we trust."""
    monkeypatch.setitem(app.config, "INTAKE_TRUSTED_AUTHSERV_IDS", ["mx.labelstudio.be"])
    case = open_case(staff, received_on=TODAY - timedelta(days=5), today=TODAY, channel="email",
                     requester_email="verzoeker1@example.be")
    dovecot.append(message(1, subject=f"RE: Uw verzoek {case.reference}", body="Hier is mijn klantnummer.",
                           auth="mx.labelstudio.be; dkim=pass header.d=example.be; dmarc=pass header.from=example.be"),
                   mailbox)
    dovecot.append(message(2), mailbox)
    result = jobs.run("intake")
    reply, other = stored()
    assert reply.status == "attached" and reply.case_id == case.id and other.status == "new"
    assert result.counts["attached"] == 1
    assert any(e.action == "email_received" for e in db.session.get(type(case), case.id).events)


def test_a_second_process_or_a_lost_cursor_duplicates_nothing(app, dovecot, mailbox):
    for n in (1, 2):
        dovecot.append(message(n), mailbox)
    jobs.run("intake")
    db.session.execute(IntakeCursor.__table__.delete())  # as if another process had not seen our progress
    db.session.commit()
    again = poll.poll(app.config)
    assert again.fetched == [] and again.duplicates == 2 and len(stored()) == 2


def test_a_new_uidvalidity_rescans_but_keeps_each_message_once(app, dovecot, mailbox):
    dovecot.append(message(1), mailbox)
    dovecot.append(message(2), mailbox)
    jobs.run("intake")
    old_validity = db.session.scalar(select(IntakeCursor.uidvalidity))
    conn = dovecot.client()  # the folder is rebuilt (e.g. restored from a backup): every message gets new UIDs
    conn.delete(mailbox)
    conn.create(mailbox)
    conn.logout()
    for n in (1, 2, 3):
        dovecot.append(message(n), mailbox)
    report = poll.poll(app.config)
    assert db.session.scalar(select(IntakeCursor.uidvalidity)) != old_validity
    assert len(report.fetched) == 1 and report.duplicates == 2
    assert sorted(m.message_id for m in stored()) == [f"<request-{n}@example.be>" for n in (1, 2, 3)]


def test_a_connection_dropped_mid_fetch_loses_nothing(app, dovecot, mailbox):
    for n in (1, 2, 3):
        dovecot.append(message(n, size=20_000), mailbox)
    proxy = CuttingProxy(dovecot.port, b"MARKER-2")  # the line breaks while message 2 comes in
    app.config["IMAP_PORT"] = proxy.port
    broken = jobs.run("intake")
    proxy.close()
    assert proxy.cut and broken.status == "failed" and broken.counts["problem"] == "interrupted"
    assert [m.message_id for m in stored()] == ["<request-1@example.be>"]  # the first is kept whole
    app.config["IMAP_PORT"] = dovecot.port
    assert jobs.run("intake").count == 2  # the next run goes on where it stopped
    assert [m.message_id for m in stored()] == [f"<request-{n}@example.be>" for n in (1, 2, 3)]
    assert all("MARKER" in m.text and len(m.text) > 20_000 for m in stored())


def test_a_wrong_password_is_reported_on_the_jobs_page_in_dutch_and_retried(app, dovecot, mailbox, client, auth,
                                                                           admin):
    dovecot.append(message(1), mailbox)
    app.config["IMAP_PASSWORD"] = "wrong"
    result = jobs.run("intake")
    assert result.status == "failed" and result.counts["problem"] == "login"
    run = db.session.scalar(select(JobRun).where(JobRun.job == "intake"))
    assert run.status == "failed" and run.error
    auth.login("admin@labelstudio.be")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "De mailserver weigerde de gebruikersnaam of het wachtwoord" in page and "Traceback" not in page
    app.config["IMAP_PASSWORD"] = PASSWORD
    assert jobs.run("intake").count == 1  # retried at the next run


def test_an_unreachable_server_is_reported_without_a_stack_trace(app, mailbox, runner):
    app.config["IMAP_PORT"] = free_port()  # nothing listens there
    out = runner.invoke(args=["jobs", "run", "intake"])
    assert out.exit_code != 0 and "cannot be reached" in out.output and "Traceback" not in out.output
    assert db.session.scalar(select(func.count(IntakeMessage.id))) == 0


def test_without_a_mailbox_the_job_does_nothing(app):
    app.config["IMAP_HOST"] = None
    result = jobs.run("intake")
    assert result.status == "skipped" and "no mailbox configured" in result.summary
