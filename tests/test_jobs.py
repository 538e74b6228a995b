"""The daily jobs against the database: escalation and reminders, once per day whoever runs them."""
import re
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from caseflow import clock, create_app
from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.jobs.models import JobRun
from caseflow.mail.models import OutboxMessage
from caseflow.models import AuditEvent, Case
from caseflow.services import cases as svc
from config import TestConfig
from tests.fixtures.cases import extend_and_tell, open_case
from tests.fixtures.users import make_user

D = date.fromisoformat
TODAY = D("2026-04-08")  # a Wednesday


class Register:
    """Staff and cases on every rung of the ladder as of Wed 2026-04-08."""

    def __init__(self):
        self.els = make_user("els@labelstudio.be", "Els Janssens", admin=True, locale="nl")
        self.an = make_user("an@labelstudio.be", "An Peeters", locale="en")
        self.piet = make_user("piet@labelstudio.be", "Piet Wouters", locale="nl")
        self.mia = make_user("mia@labelstudio.be", "Mia Claes", locale="nl")
        self.gone = make_user("gone@labelstudio.be", "Gert Gone", locale="nl")

        def new(received, assignee=None, name="Jan Claes", rights=("access",), **kw):
            # each logs their own cases (a case Els gave to a colleague would also send them an email)
            return open_case(assignee or self.els, received_on=D(received), today=TODAY, rights=rights, requester_name=name,
                             assignee_id=assignee.id if assignee else None, **kw)

        self.a = new("2026-03-02", self.an, "Anna Aerts", rights=("access", "erasure"))  # deadline 04-02: overdue
        self.b = new("2026-03-05", self.an, "Bert Bosmans")  # deadline 04-07: overdue
        self.c = new("2026-03-10", self.an, "Chris Cools")  # deadline 04-10: decide on extension
        self.d = new("2026-01-12", self.an, "Dirk Dubois", requester_email=None,  # told by registered letter
                     requester_address="Molenstraat 4\n2960 Brecht")  # extended: deadline 04-13, due soon
        extend_and_tell(self.d, self.an, reason="Many systems to search", today=D("2026-02-05"))  # posted in time
        self.e = new("2026-03-12", self.an, "Eva Engels")  # deadline 04-13 (12 April is a Sunday): decide
        self.f = new("2026-03-02", self.piet, "Frank Fierens")  # identity asked 03-03: waiting too long
        svc.request_identity(self.f, actor=self.piet, asked_on=D("2026-03-03"), today=D("2026-03-03"))
        self.g = new("2026-04-01", self.mia, "Greet Goossens")  # deadline 05-04: nothing to do yet
        self.h = new("2026-03-20", None, "Hilde Hermans")  # unassigned, deadline 04-20
        self.i = new("2026-03-25", self.gone, "Ivo Items")  # its assignee has left: unassigned in effect
        self.gone.active = False
        self.j = new("2026-02-02", self.an, "Jef Janssens")  # closed: never escalated
        svc.close(self.j, actor=self.an, status="withdrawn", note="Withdrawn by letter", today=D("2026-02-20"))
        db.session.commit()


@pytest.fixture
def register(app):
    return Register()


def outbox(kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(query).all()


def test_escalate_records_levels_audits_and_notifies(register):
    result = jobs.run("escalate", today=TODAY)
    assert (result.status, result.count) == ("done", 6)
    r = register
    levels = {c.reference: (c.escalation_level, c.escalated_on) for c in db.session.scalars(select(Case))}
    assert levels[r.a.reference] == ("overdue", TODAY)
    assert levels[r.b.reference] == ("overdue", TODAY)
    assert levels[r.c.reference] == ("decide_extension", TODAY)
    assert levels[r.d.reference] == ("due_soon", TODAY)
    assert levels[r.e.reference] == ("decide_extension", TODAY)
    assert levels[r.f.reference] == ("identity_wait", TODAY)
    assert levels[r.g.reference] == levels[r.h.reference] == levels[r.j.reference] == (None, None)

    audit_check = jobs.run("audit", today=TODAY)  # the escalation's own new events are part of the chain too
    assert audit_check.status == "done" and "chain_broken" not in audit_check.counts
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == r.a.id, AuditEvent.action == "escalated"))
    assert (event.user_id, event.before, event.after) == (None, None, "overdue")

    # a working day: the reminder tells them (every overdue case for admins), not a second email
    assert outbox("escalation") == []
    jobs.run("reminders", today=TODAY)
    reminders = {m.recipient: m for m in outbox("reminder")}
    els = reminders["els@labelstudio.be"].body_text
    assert r.a.reference in els and r.b.reference in els and "assigned to An Peeters" not in els  # Dutch
    assert "toegewezen aan An Peeters" in els
    assert r.f.reference in reminders["piet@labelstudio.be"].body_text


def test_escalation_gets_its_own_email_only_on_a_day_without_reminders(app):
    r = Register()
    saturday = D("2026-04-11")
    jobs.run("escalate", today=saturday)
    notices = {m.recipient: m for m in outbox("escalation")}
    assert set(notices) == {"els@labelstudio.be", "piet@labelstudio.be"}  # admins: overdue; assignee: identity
    assert r.a.reference in notices["els@labelstudio.be"].body_text
    assert r.b.reference in notices["els@labelstudio.be"].body_text
    assert r.f.reference not in notices["els@labelstudio.be"].body_text
    assert r.f.reference in notices["piet@labelstudio.be"].body_text
    assert jobs.run("reminders", today=saturday).status == "skipped"


def test_escalate_notifies_once_and_follows_changes(register):
    r = register
    jobs.run("escalate", today=D("2026-04-04"))  # a Saturday: no reminder, so the escalation is mailed
    assert jobs.run("escalate", today=D("2026-04-04")).status == "already_done"
    assert {m.recipient for m in outbox("escalation")} == {"els@labelstudio.be", "piet@labelstudio.be"}
    jobs.run("escalate", today=TODAY)
    assert jobs.run("escalate", today=D("2026-04-09")).count == 0  # nothing moved a rung
    assert len(outbox("escalation")) == 2  # working days: in the reminder

    extend_and_tell(db.session.get(Case, r.c.id), r.an, reason="Complex request", today=D("2026-04-09"))
    result = jobs.run("escalate", today=D("2026-04-11"))  # Saturday: escalation runs every day
    case_c = db.session.get(Case, r.c.id)
    case_e = db.session.get(Case, r.e.id)
    assert case_c.escalation_level is None
    assert [e.action for e in case_c.events][-1] == "deescalated"
    assert case_e.escalation_level == "decide_extension"  # 04-13 is two days away
    assert result.count == 1
    jobs.run("escalate", today=D("2026-04-18"))  # Saturday: E became overdue on the 14th
    assert db.session.get(Case, r.e.id).escalation_level == "overdue"
    latest = outbox("escalation")[-1]
    assert latest.recipient == "els@labelstudio.be"
    assert r.e.reference in latest.body_text and r.a.reference not in latest.body_text


def test_reminders_reach_those_with_something_to_do(register):
    result = jobs.run("reminders", today=TODAY)
    assert (result.status, result.count) == ("done", 3)
    by_recipient = {m.recipient: m for m in outbox("reminder")}
    assert set(by_recipient) == {"an@labelstudio.be", "piet@labelstudio.be", "els@labelstudio.be"}
    an = by_recipient["an@labelstudio.be"]
    assert an.subject == "Caseflow: 2 cases overdue, 1 due within 7 days, 2 to decide on an extension"
    r = register
    for case in (r.a, r.b, r.c, r.d, r.e):
        assert case.reference in an.body_text and f"http://127.0.0.1:5000/cases/{case.id}" in an.body_text
    for case in (r.f, r.g, r.h, r.i, r.j):
        assert case.reference not in an.body_text
    els = by_recipient["els@labelstudio.be"]
    assert r.h.reference in els.body_text and r.i.reference in els.body_text  # unassigned, or assignee gone
    assert "9" in els.body_text  # everything open
    assert r.f.reference in by_recipient["piet@labelstudio.be"].body_text


def test_reminders_twice_the_same_day_send_one_email_per_person(register):
    assert jobs.run("reminders", today=TODAY).status == "done"
    assert jobs.run("reminders", today=TODAY).status == "already_done"
    assert len(outbox("reminder")) == 3


def _second_instance(app):
    other = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other.instance_path = app.instance_path
    return other


def test_two_app_instances_on_one_database_send_one_email_per_person(app, register):
    other = _second_instance(app)
    results = {}

    def run_in(name, instance, barrier):
        with instance.app_context():
            barrier.wait()
            results[name] = jobs.run("reminders", today=TODAY).status
            db.session.remove()

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=run_in, args=(name, instance, barrier))
               for name, instance in (("first", app), ("second", other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with other.app_context():
        db.engine.dispose()
    assert sorted(results.values()) == ["already_done", "done"]
    assert len(outbox("reminder")) == 3
    assert db.session.scalar(select(func.count(JobRun.id)).where(JobRun.job == "reminders")) == 1


def test_reminders_only_on_working_days(app, register):
    assert jobs.run("reminders", today=D("2026-04-11")).summary == "not a working day"  # Saturday
    assert jobs.run("reminders", today=D("2026-04-06")).status == "skipped"  # Easter Monday
    assert outbox("reminder") == []
    app.config["REMINDERS_WORKING_DAYS_ONLY"] = False
    try:
        assert jobs.run("reminders", today=D("2026-04-12")).count == 3  # a Sunday, when asked for
    finally:
        app.config["REMINDERS_WORKING_DAYS_ONLY"] = True


def test_nobody_gets_an_empty_email(app):
    staff = make_user("an@labelstudio.be", "An Peeters")
    make_user("els@labelstudio.be", "Els Janssens", admin=True)
    open_case(staff, received_on=D("2026-04-01"), today=TODAY, assignee_id=staff.id)  # 26 days left
    result = jobs.run("reminders", today=TODAY)
    assert (result.status, result.count) == ("done", 0)
    assert outbox() == []


def test_a_failed_run_is_recorded_and_can_be_run_again(monkeypatch, register):
    def broken(today, now):
        raise RuntimeError("database fell over")

    monkeypatch.setitem(jobs.JOBS, "escalate", jobs.Job("escalate", broken, daily=True, time_setting="ESCALATE_TIME"))
    result = jobs.run("escalate", today=TODAY)
    assert result.status == "failed"
    row = db.session.scalar(select(JobRun).where(JobRun.job == "escalate"))
    assert row.status == "failed" and "database fell over" in row.error
    monkeypatch.undo()
    assert jobs.run("escalate", today=TODAY).status == "done"
    row = db.session.scalar(select(JobRun).where(JobRun.job == "escalate"))
    assert (row.status, row.count, row.error) == ("done", 6, None)


def test_cli_runs_a_job_for_a_given_day(runner, register):
    out = runner.invoke(args=["jobs", "run", "reminders", "--today", "2026-04-08"])
    assert out.exit_code == 0, out.output
    assert "reminders 2026-04-08: done, 3" in out.output
    assert "mail" in out.output and "3 sent" in out.output  # no mail server: written as .eml files
    again = runner.invoke(args=["jobs", "run", "reminders", "--today", "2026-04-08"])
    assert "already_done" in again.output
    assert runner.invoke(args=["jobs", "run", "escalate", "--today", "2026-04-08"]).exit_code == 0
    assert runner.invoke(args=["jobs", "run", "mail"]).exit_code == 0
    assert runner.invoke(args=["jobs", "run", "nonsense"]).exit_code == 2
    assert runner.invoke(args=["jobs", "run", "escalate", "--today", "8/4/2026"]).exit_code == 2


def test_case_list_and_page_show_the_escalation(client, auth, register):
    jobs.run("escalate", today=TODAY)
    auth.login("an@labelstudio.be")
    page = client.get(f"/cases/{register.a.id}")
    assert page.status_code == 200
    assert b'badge overdue escalation' in page.data and b"08/04/2026" in page.data  # since when, in the title
    assert b'badge soon escalation' in client.get(f"/cases/{register.c.id}").data  # decide on extension
    listing = client.get("/cases?status=open").data
    assert listing.count(b"badge overdue escalation") == 2
    assert b"badge soon escalation" in listing


def test_admin_page_shows_each_jobs_last_and_next_run(client, auth, register):
    jobs.run("escalate", today=TODAY)
    jobs.run("reminders", today=TODAY)
    auth.login("an@labelstudio.be")
    assert client.get("/admin/jobs").status_code == 403
    assert b"/admin/jobs" not in client.get("/").data
    auth.logout()
    register.els.locale = "en"  # the summaries in the reader's language: English here, Dutch below
    db.session.commit()
    auth.login("els@labelstudio.be")
    assert b"/admin/jobs" in client.get("/").data  # the nav link, for admins only
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    html = page.data.decode()
    for job_id in ("escalate", "reminders", "mail"):
        assert f'id="job-{job_id}"' in html
    assert "Done: 6 cases changed level, 0 notices" in html  # a working day: all in the reminders and "Done: 3 reminders queued" in html
    outbox_page = client.get("/admin/outbox")
    assert outbox_page.status_code == 200
    assert b"Caseflow: 2 cases overdue, 1 due within 7 days, 2 to decide on an extension" in outbox_page.data


def _row(html: str, job_id: str) -> str:
    return re.search(rf'<tr id="job-{job_id}".*?</tr>', html, re.S).group(0)


def test_cli_refuses_a_future_day_so_the_real_run_still_happens(runner, register, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 4, 8, 9, 0, tzinfo=clock.BRUSSELS))
    out = runner.invoke(args=["jobs", "run", "reminders", "--today", "2026-04-09"])
    assert out.exit_code != 0
    assert "2026-04-09 is in the future" in out.output and "today is 2026-04-08" in out.output
    assert db.session.scalar(select(func.count(JobRun.id))) == 0 and outbox() == []  # nothing claimed or queued
    assert jobs.run("reminders", today=D("2026-04-09")).status == "done"  # the real run of that day does its work
    assert runner.invoke(args=["jobs", "run", "escalate", "--today", "2026-04-08"]).exit_code == 0  # today
    assert runner.invoke(args=["jobs", "run", "escalate", "--today", "2026-04-07"]).exit_code == 0  # a past day


def test_cli_records_the_mail_run_under_the_real_day(runner, register):
    assert runner.invoke(args=["jobs", "run", "reminders", "--today", "2026-04-08"]).exit_code == 0
    mail_run = jobs.last_runs()["mail"]
    assert mail_run.day == clock.today() and mail_run.count == 3


def test_admin_page_shows_the_run_that_ran_last_not_the_latest_day(client, auth, register):
    t0 = datetime(2026, 4, 9, 4, 0, tzinfo=timezone.utc)
    jobs.run("escalate", today=D("2026-04-09"), now=t0)  # the scheduler's run on Thursday
    jobs.run("escalate", today=TODAY, now=t0 + timedelta(hours=2))  # then someone catches up Wednesday by hand
    assert jobs.last_runs()["escalate"].day == TODAY
    auth.login("els@labelstudio.be")
    row = _row(client.get("/admin/jobs").data.decode(), "escalate")
    assert "8 april 2026" in row and "9 april 2026" not in row  # the day it ran for, since that is not today


def test_admin_page_words_status_and_summary_in_the_readers_language(client, auth, register):
    jobs.run("escalate", today=TODAY)
    jobs.run("escalate", today=TODAY)  # already done: shows the first run, not a raw status
    jobs.run("reminders", today=D("2026-04-11"))  # Saturday: skipped
    auth.login("els@labelstudio.be")  # Dutch
    html = client.get("/admin/jobs").data.decode()
    with force_locale("nl"):
        done, skipped = str(jobs.STATUSES["done"]), str(jobs.STATUSES["skipped"])
        escalated = jobs.describe("escalate", {"changed": 6, "notices": 0})
        not_working = jobs.describe("reminders", {"reason": "not_working_day"})
    assert f"{done}: {escalated}" in _row(html, "escalate")
    assert f"{skipped}: {not_working}" in _row(html, "reminders")
    for raw in ("done:", "skipped:", "already_done"):
        assert raw not in html
    register.els.locale = "en"
    db.session.commit()
    html = client.get("/admin/jobs").data.decode()
    assert "Done: 6 cases changed level, 0 notices" in _row(html, "escalate")
    assert "Skipped: not a working day" in _row(html, "reminders")


def test_admin_page_keeps_the_text_of_older_runs(client, auth, register):
    db.session.add(JobRun(job="escalate", day=TODAY, status="done", count=4,
                          started_at=datetime(2026, 4, 8, 4, tzinfo=timezone.utc), summary="4 cases changed level"))
    db.session.commit()
    auth.login("els@labelstudio.be")
    assert "4 cases changed level" in _row(client.get("/admin/jobs").data.decode(), "escalate")


def test_preview_prints_the_days_reminders_and_sends_nothing(runner, register):
    out = runner.invoke(args=["jobs", "preview", "reminders", "--today", "2026-04-08"])
    assert out.exit_code == 0, out.output
    assert "To: An Peeters <an@labelstudio.be>" in out.output
    assert "Subject: Caseflow: 2 cases overdue, 1 due within 7 days, 2 to decide on an extension" in out.output
    assert register.a.reference in out.output and "http://127.0.0.1:5000/cases/" in out.output
    assert "3 reminder(s) for 2026-04-08; nothing was sent." in out.output
    assert "links in emails use http://127.0.0.1:5000" in out.output and "mail:" in out.output
    assert outbox() == [] and db.session.scalar(select(JobRun)) is None  # nothing queued, the day not claimed
