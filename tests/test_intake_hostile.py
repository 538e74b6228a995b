"""Hostile email: no message stops the intake, the work per message is bounded, header values are made safe once.

The poison messages below are the ones a security review sent to a real IMAP server; the parser must read each to a
clear result, and one intake run against dovecot must take in the normal mail around them and quarantine the rest.
"""
import io
import json
import tracemalloc
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow import clock
from caseflow.extensions import db
from caseflow.intake import poll
from caseflow.intake import service as services
from caseflow.intake.models import IntakeAttachment, IntakeMessage
from caseflow.intake.parse import Limits, parse_bytes
from caseflow.jobs import runner as jobs
from caseflow.jobs.models import JobHealth
from caseflow.mail.models import OutboxMessage
from tests.fixtures.dovecot import free_port
from tests.fixtures.users import PASSWORD as STAFF_PASSWORD
from tests.fixtures.users import make_user

CONTROL = [chr(c) for c in range(32)] + ["\x7f"]
DATE = "Mon, 2 Mar 2026 10:00:00 +0100"


def plain(*, subject="Inzage", body="Ik wil inzage in mijn gegevens.", sender="Jan Claes <jan@example.be>",
          ctype="text/plain; charset=utf-8", message_id="<normal@example.be>", extra="") -> bytes:
    return (f"From: {sender}\r\nTo: info@labelstudio.be\r\nSubject: {subject}\r\nDate: {DATE}\r\n"
            f"Message-ID: {message_id}\r\n{extra}MIME-Version: 1.0\r\nContent-Type: {ctype}\r\n\r\n{body}\r\n").encode()


def multipart(parts: str, **kw) -> bytes:
    return plain(body=parts + "--B--", ctype='multipart/mixed; boundary="B"', **kw)


def nested_multiparts(n: int) -> bytes:
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(n))
    return (f"From: a@b.org\r\nDate: {DATE}\r\nMessage-ID: <nested-{n}@b.org>\r\nMIME-Version: 1.0\r\n{head}"
            "Content-Type: text/plain\r\n\r\nhallo\r\n").encode()


def nested_messages(n: int) -> bytes:
    head = "".join(f"Content-Type: message/rfc822\r\n\r\nFrom: x{i}@y.z\r\n" for i in range(n))
    return (f"From: a@b.org\r\nDate: {DATE}\r\nMessage-ID: <rfc822-{n}@b.org>\r\nMIME-Version: 1.0\r\n{head}"
            "\r\nhallo\r\n").encode()


POISON = {
    "crlf_from": b"From: =?utf-8?q?Evil=0D=0ABcc:_x@evil.test?= <a@b.org>\r\nTo: info@labelstudio.be\r\n"
                 b"Subject: =?utf-8?q?Hallo=0D=0AX-Evil:_1?=\r\nDate: " + DATE.encode() +
                 b"\r\nMessage-ID: <crlf@b.org>\r\n\r\nIk wil inzage.\r\n",
    "nested_multipart": nested_multiparts(1000),
    "nested_rfc822": nested_messages(1000),
    "html_100k": plain(body='<a b="' * 17_000, ctype="text/html", message_id="<html100k@example.be>"),
    "html_1m": plain(body='<a b="' * 170_000, ctype="text/html", message_id="<html1m@example.be>"),
    "parts_10k": multipart("".join(f"--B\r\nContent-Type: text/plain\r\n\r\ndeel {i}\r\n" for i in range(10_000)),
                           message_id="<parts10k@example.be>"),
    "crlf_filename": multipart("--B\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n--B\r\n"
                               "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                               "filename*=utf-8''kwaad%0D%0AX-Evil%3A%201.pdf\r\n\r\n%PDF-1.4\r\n",
                               message_id="<crlfname@example.be>"),
    "truncated": plain(body="--B\r\nContent-Type: text/plain\r\n\r\nbegin zonder einde", message_id="<trunc@example.be>",
                       ctype='multipart/mixed; boundary="B"'),
    "no_from": b"To: info@labelstudio.be\r\nSubject: hoi\r\nMessage-ID: <nofrom@example.be>\r\n\r\nInzage\r\n",
    "not_an_email": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
}
# what each one reads to: (error, quarantined)
EXPECTED = {
    "crlf_from": (None, False), "nested_multipart": ("too_complex", True), "nested_rfc822": ("too_complex", True),
    "html_100k": (None, False), "html_1m": (None, False), "parts_10k": ("too_complex", True),
    "crlf_filename": (None, False), "truncated": ("truncated", False), "no_from": ("no_sender", False),
    "not_an_email": ("unreadable", True),
}


def _safe(text: str | None) -> bool:
    return not any(c in (text or "") for c in CONTROL)


@pytest.mark.parametrize("name", sorted(POISON))
def test_each_poison_message_reads_to_a_clear_result(name):
    parsed = parse_bytes(POISON[name])
    assert (parsed.error, parsed.quarantined) == EXPECTED[name]
    assert parsed.valid == (parsed.error is None)
    for value in (parsed.from_name, parsed.from_email, parsed.subject, *(a.name for a in parsed.attachments)):
        assert _safe(value), value
    json.dumps(parsed.as_json())  # the command can always print it


def test_a_crlf_hidden_in_the_from_name_smuggles_in_no_address_and_no_header():
    parsed = parse_bytes(POISON["crlf_from"])
    assert parsed.from_email == "a@b.org" and "x@evil.test" not in (parsed.from_email or "")
    assert parsed.subject == "Hallo X-Evil: 1"  # one line: it can never become a header of an outgoing mail


def test_a_file_name_with_crlf_keeps_a_safe_name_and_its_bytes():
    (attachment,) = parse_bytes(POISON["crlf_filename"]).attachments
    assert attachment.name == "kwaad X-Evil: 1.pdf" and attachment.data.startswith(b"%PDF")


def test_html_is_read_whatever_it_holds():
    parsed = parse_bytes(plain(body="<p>Ik wil <b>inzage</b>.</p>" + "<div>" * 5000 + "diep",
                               ctype="text/html"))
    assert parsed.valid and parsed.text.startswith("Ik wil inzage.") and parsed.rights == ["access"]


@pytest.mark.parametrize("limits, raw, error", [
    (Limits(max_parts=20), multipart("".join(f"--B\r\nContent-Type: text/plain\r\n\r\n{i}\r\n" for i in range(30))),
     "too_complex"),
    (Limits(max_depth=5), nested_multiparts(8), "too_complex"),
    (Limits(max_bytes=10_000), plain(body="x" * 20_000), "too_large"),
    (Limits(max_seconds=0), plain(), "timeout"),
])
def test_each_limit_puts_the_message_in_quarantine_with_its_headers_read(limits, raw, error):
    parsed = parse_bytes(raw, limits=limits)
    assert parsed.error == error and parsed.quarantined and not parsed.valid
    assert parsed.from_email in ("jan@example.be", "a@b.org")  # the headers were read all the same


def test_within_the_limits_the_same_messages_are_read_in_full():
    parsed = parse_bytes(multipart("".join(f"--B\r\nContent-Type: text/plain\r\n\r\n{i}\r\n" for i in range(30))),
                         limits=Limits(max_parts=40))
    assert parsed.valid and "29" in parsed.text
    assert not parse_bytes(nested_multiparts(8), limits=Limits(max_depth=10)).quarantined  # (no closing lines)


def test_attachments_and_text_are_capped_and_said_so():
    parts = "".join(f"--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=d{i}.pdf"
                    f"\r\n\r\n%PDF-1.4 {i}\r\n" for i in range(8))
    parsed = parse_bytes(multipart("--B\r\nContent-Type: text/plain\r\n\r\n" + "woord " * 2000 + "\r\n" + parts),
                         limits=Limits(max_attachments=3, max_text_chars=1000))
    assert [a.name for a in parsed.attachments] == ["d0.pdf", "d1.pdf", "d2.pdf"]
    assert "attachments_dropped" in parsed.warnings and "text_cut" in parsed.warnings and len(parsed.text) == 1000


def test_a_70_mb_message_is_not_read_and_costs_no_copy_of_itself():
    raw = plain(body="A" * 70_000_000, message_id="<big@example.be>")
    tracemalloc.start()
    try:
        parsed = parse_bytes(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert parsed.error == "too_large" and parsed.from_email == "jan@example.be" and parsed.subject == "Inzage"
    assert peak < len(raw) // 2  # the headers are read from its first megabyte; the rest is never copied


# --- through the services and the web ---------------------------------------------------------------------

def test_the_same_poison_message_delivered_twice_is_kept_once(app):
    first, created = services.take_in(POISON["nested_multipart"], source="imap")
    again, created_again = services.take_in(POISON["nested_multipart"], source="imap")
    assert created and not created_again and again.id == first.id
    assert first.quarantined and first.status == "new" and first.raw_size == len(POISON["nested_multipart"])
    assert services.raw_text(first).startswith("From: a@b.org")  # kept as it came, readable as text


@pytest.mark.parametrize("name", ["nested_multipart", "crlf_from", "parts_10k", "html_1m"])
def test_a_poison_eml_imported_on_the_web_gives_a_clear_page(client, logged_in, name):
    response = client.post("/intake/import", data={"eml": (io.BytesIO(POISON[name]), "x.eml")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    message = db.session.scalar(select(IntakeMessage))
    page = client.get(response.location, follow_redirects=True)
    assert page.status_code == 200
    if message.quarantined:
        html = page.get_data(as_text=True)
        assert "in quarantaine" in html and 'id="email-raw"' in html


def test_the_parse_command_prints_every_poison_message(runner, tmp_path):
    paths = []
    for name, raw in POISON.items():
        path = tmp_path / f"{name}.eml"
        path.write_bytes(raw)
        paths.append(str(path))
    result = runner.invoke(args=["intake", "parse", *paths])
    assert result.exit_code == 0 and "Traceback" not in result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["error_code"] for row in rows] == [EXPECTED[name][0] for name in POISON]
    assert all(row["sender_authenticated"] is False for row in rows)


def test_an_attachment_stored_with_crlf_in_its_name_still_downloads(client, logged_in):
    message, _ = services.take_in(POISON["crlf_filename"], source="upload")
    item = message.attachments[0]
    item.name = "oud\r\nX-Evil: 1.pdf"  # as stored before names were cleaned
    db.session.commit()
    response = client.get(f"/intake/attachments/{item.id}")
    assert response.status_code == 200 and "\n" not in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")


# --- against a real IMAP server ------------------------------------------------------------------------------

def normal(n: int) -> bytes:
    when = (clock.now() - timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S %z")
    return (f"From: Verzoeker {n} <verzoeker{n}@example.be>\r\nTo: info@labelstudio.be\r\nSubject: Verzoek {n}\r\n"
            f"Date: {when}\r\nMessage-ID: <normal-{n}@example.be>\r\n\r\nIk wil inzage in mijn gegevens.\r\n").encode()


def test_one_run_takes_in_the_normal_mail_around_every_poison_message(app, dovecot, mailbox, client, admin):
    dovecot.append(normal(1), mailbox)
    for raw in POISON.values():
        dovecot.append(raw, mailbox)
    dovecot.append(POISON["nested_multipart"], mailbox)  # the same poison delivered twice
    dovecot.append(plain(body="A" * 70_000_000, message_id="<big@example.be>"), mailbox)
    dovecot.append(normal(2), mailbox)

    result = jobs.run("intake")
    assert result.status == "done"
    rows = db.session.scalars(select(IntakeMessage).order_by(IntakeMessage.uid)).all()
    by_id = {m.message_id: m for m in rows}
    assert by_id["<normal-1@example.be>"].valid and by_id["<normal-2@example.be>"].valid
    assert by_id["<big@example.be>"].error == "too_large" and by_id["<big@example.be>"].raw_size > 70_000_000
    quarantined = [m for m in rows if m.quarantined]
    assert len(quarantined) == 5  # 2 nested, 10,000 parts, not an email, 70 MB
    assert result.counts["quarantined"] == 5 and result.counts["duplicates"] == 1
    assert len(rows) == len(POISON) + 3  # every message once, the poison delivered twice too
    assert all(_safe(m.from_name) and _safe(m.subject) for m in rows)
    assert all(_safe(a.name) for a in db.session.scalars(select(IntakeAttachment)))

    assert jobs.run("intake").count == 0  # the cursor moved past all of them: nothing is fetched again
    client.post("/login", data={"email": admin.email, "password": STAFF_PASSWORD})
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert 'id="quarantined"' in page and "5 e-mails staan in quarantaine" in page
    assert 'id="intake-health"' in page
    inbox = client.get("/intake").get_data(as_text=True)
    assert inbox.count("in quarantaine") == 5


def test_a_job_failing_n_runs_in_a_row_emails_every_admin_once(app, dovecot, mailbox, monkeypatch):
    admins = [make_user("els@labelstudio.be", "Els Janssens", admin=True),
              make_user("tom@labelstudio.be", "Tom Wouters", admin=True)]
    make_user("an@labelstudio.be", "An Peeters")
    monkeypatch.setitem(app.config, "JOB_FAILURES_ALERT", 3)
    monkeypatch.setitem(app.config, "IMAP_PORT", free_port())  # the mail server is down

    def alerts():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "job_alert")).all()

    for n in (1, 2):
        assert jobs.run("intake").status == "failed"
    assert alerts() == []
    assert jobs.run("intake").status == "failed"
    sent = alerts()
    assert sorted(m.recipient for m in sent) == sorted(a.email for a in admins)
    assert "3 keer na elkaar" in sent[0].subject and "intake" in sent[0].subject
    assert jobs.run("intake").status == "failed" and len(alerts()) == 2  # once per run of failures
    assert db.session.get(JobHealth, "intake").failures == 4

    monkeypatch.setitem(app.config, "IMAP_PORT", dovecot.port)  # back up: the count starts over
    assert jobs.run("intake").status == "done"
    health = db.session.get(JobHealth, "intake")
    assert health.failures == 0 and health.last_success_at is not None and health.alerted_at is None
    monkeypatch.setitem(app.config, "IMAP_PORT", free_port())
    for n in range(3):
        jobs.run("intake")
    assert len(alerts()) == 4  # a new run of failures: told again


def test_a_crash_inside_a_job_is_recorded_as_a_failed_run(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAP_HOST", "127.0.0.1")

    def broken(config, now=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(poll, "poll", broken)
    result = jobs.run("intake")
    assert result.status == "failed"
    assert "RuntimeError: boom" in jobs.last_runs()["intake"].error

