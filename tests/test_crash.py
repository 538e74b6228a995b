"""The process killed (SIGKILL) while saving a case and while the mail job sends, then started again:
no half-written case, and no email lost without trace or sent twice (the aiosmtpd fixture is the mail server)."""
import io
import os
import select
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from sqlalchemy import select as sql_select

from caseflow import clock
from caseflow.audit.verify import verify_all
from caseflow.extensions import db
from caseflow.letters import service as correspondence
from caseflow.mail import outbox as mail
from caseflow.mail.models import OutboxMessage
from caseflow.models import AuditEvent, Case, CaseCounter
from caseflow.retention import orphans
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = textwrap.dedent('''
    import io, os, sys, time
    from datetime import date
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from caseflow import attachments, create_app
    from caseflow.extensions import db
    from caseflow.letters import service as correspondence
    from caseflow.mail import outbox as mail
    from caseflow.models import User
    from caseflow.services import cases as svc

    app = create_app({"SECRET_KEY": "crash-test", "AUDIT_KEY": "crash-test-audit-key",
                      "SQLALCHEMY_DATABASE_URI": os.environ["CRASH_URI"]})
    app.instance_path = os.environ["CRASH_INSTANCE"]
    point, calls = os.environ["CRASH_POINT"], []

    def kill_me():
        print("KILL-POINT", flush=True)
        time.sleep(120)

    with app.app_context():
        if point == "case_file_written":  # the scan is on disk, nothing in the database yet
            save = attachments.save
            attachments.save = lambda stream, name: (save(stream, name), kill_me())[0]
        elif point == "case_flushed":  # the case's rows are written in the open transaction, not committed
            event.listen(Session, "after_flush", lambda session, context: kill_me())
        elif point in ("mail_before_smtp", "mail_after_smtp"):  # the 2nd message: claimed / accepted by the server
            send = mail.SMTPTransport.send
            def patched(self, email, message):
                calls.append(message.id)
                if len(calls) == 2 and point == "mail_before_smtp":
                    kill_me()
                send(self, email, message)
                if len(calls) == 2 and point == "mail_after_smtp":
                    kill_me()
            mail.SMTPTransport.send = patched
        if point.startswith("case"):
            actor = db.session.get(User, int(os.environ["CRASH_USER"]))
            svc.open_case(actor=actor, channel="email", received_on=date.today(), requester_name="Half Bewaard",
                          rights=["access"], requester_email="half@example.be",
                          attachment=io.BytesIO(b"scan"), attachment_name="scan.pdf")
        else:
            correspondence.deliver_outbox()
    print("FINISHED", flush=True)
''')


def _run_until_killed(app, point: str, **env) -> None:
    """Start the child, wait for its kill point, SIGKILL it there."""
    environ = dict(os.environ, CRASH_URI=app.config["SQLALCHEMY_DATABASE_URI"], CRASH_INSTANCE=app.instance_path,
                   CRASH_POINT=point, PYTHONPATH=ROOT, **env)
    db.session.remove()  # hold no lock while the child writes
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, env=environ, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    output = ""
    try:
        while "KILL-POINT" not in output:
            ready, _, _ = select.select([child.stdout], [], [], 60)
            line = child.stdout.readline() if ready else ""
            assert line, f"the child never reached {point}: {output}"
            output += line
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()


@pytest.mark.parametrize("point", ["case_file_written", "case_flushed"])
def test_killed_while_saving_a_case_leaves_no_half_written_case(app, point):
    actor = make_user()
    first = open_case(actor, received_on=clock.today(), today=clock.today(), attachment=io.BytesIO(b"scan 1"),
                      attachment_name="scan.pdf")
    files_before = set(os.listdir(os.path.join(app.instance_path, "attachments")))
    first_id, first_number, actor_id = first.id, first.number, actor.id

    _run_until_killed(app, point, CRASH_USER=str(actor_id))

    db.session.expire_all()  # "restarted": a fresh look at what the database holds
    assert [c.requester_name for c in db.session.scalars(sql_select(Case))] == ["Jan Claes"]
    assert not db.session.scalars(sql_select(AuditEvent).where(AuditEvent.case_id != first_id)).all()
    assert verify_all(db.session).ok
    second = open_case(make_user("piet@labelstudio.be", "Piet"), received_on=clock.today(), today=clock.today())
    assert second.number == first_number + 1  # no number lost to the killed save
    assert db.session.get(CaseCounter, clock.today().year).last_number == second.number
    stray = set(os.listdir(os.path.join(app.instance_path, "attachments"))) - files_before
    assert len(stray) == 1  # the killed save's scan: no case refers to it...
    orphans.remove_orphans(clock.now() + timedelta(days=2))  # ...and the daily cleanup removes it after a day
    left = set(os.listdir(os.path.join(app.instance_path, "attachments")))
    assert not stray & left and db.session.get(Case, first_id).attachment_path in left


@pytest.mark.parametrize("point", ["mail_before_smtp", "mail_after_smtp"])
def test_killed_while_the_mail_job_sends_loses_and_doubles_nothing(app, smtp_server, point):
    for n in range(1, 4):
        mail.enqueue(recipient=f"staff{n}@labelstudio.be", subject=f"Bericht {n}", text=f"Tekst {n}",
                     kind="reminder", key=f"crash:{n}")
    db.session.commit()
    ids = [m.id for m in db.session.scalars(sql_select(OutboxMessage).order_by(OutboxMessage.id))]

    _run_until_killed(app, point, CASEFLOW_MAIL_SERVER="127.0.0.1", CASEFLOW_MAIL_PORT=str(smtp_server.port))

    received_before_restart = [m["Subject"] for m in smtp_server.messages]
    assert received_before_restart == (["Bericht 1"] if point == "mail_before_smtp" else ["Bericht 1", "Bericht 2"])
    later = clock.now() + timedelta(minutes=20)  # the restarted mail job, after the stuck-message window
    correspondence.deliver_outbox(now=later)
    correspondence.deliver_outbox(now=later + timedelta(minutes=5))
    db.session.expire_all()
    status = {m.id: m for m in db.session.scalars(sql_select(OutboxMessage))}
    subjects = [m["Subject"] for m in smtp_server.messages]
    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == len(set(message_ids))  # nothing sent twice
    assert status[ids[0]].status == status[ids[2]].status == "sent"
    # the message the crash interrupted may or may not have gone out: never resent by itself, but shown to
    # an admin as "interrupted while sending" with a retry button, so it is not lost without trace either
    assert status[ids[1]].status == "failed" and status[ids[1]].last_error == mail.INTERRUPTED
    expected = ["Bericht 1", "Bericht 3"] if point == "mail_before_smtp" else ["Bericht 1", "Bericht 2", "Bericht 3"]
    assert sorted(subjects) == expected
