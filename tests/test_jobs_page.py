"""The jobs page's "next run": the next one that will do work, past a day already claimed by a run by hand."""
import re
from datetime import date, datetime

from caseflow import clock
from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.jobs import scheduler
from caseflow.jobs.models import JobRun
from tests.fixtures.users import make_user

BRUSSELS = clock.BRUSSELS
REMINDERS, ESCALATE = jobs.JOBS["reminders"], jobs.JOBS["escalate"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def test_a_claimed_day_is_passed_over(app):
    wednesday = date(2026, 4, 8)
    assert scheduler.next_run(REMINDERS, app.config, at("2026-04-08 07:00")) == at("2026-04-08 08:00")
    assert scheduler.next_run(REMINDERS, app.config, at("2026-04-08 07:00"), claimed={wednesday}) \
        == at("2026-04-09 08:00")
    assert scheduler.next_run(ESCALATE, app.config, at("2026-04-08 05:00"), claimed={wednesday}) \
        == at("2026-04-09 06:00")


def test_claimed_days_and_non_working_days_together(app):
    # Thursday 2 April claimed: Friday 3rd is claimed too, then a weekend and Easter Monday
    claimed = {date(2026, 4, 2), date(2026, 4, 3)}
    assert scheduler.next_run(REMINDERS, app.config, at("2026-04-02 07:00"), claimed=claimed) == at("2026-04-07 08:00")
    app.config["REMINDERS_WORKING_DAYS_ONLY"] = False
    try:
        assert scheduler.next_run(REMINDERS, app.config, at("2026-04-02 07:00"), claimed=claimed) \
            == at("2026-04-04 08:00")
    finally:
        app.config["REMINDERS_WORKING_DAYS_ONLY"] = True


def test_claimed_days_leave_out_failed_runs_past_days_and_the_mail_job(app):
    started = at("2026-04-08 06:30")
    for job, day, status in (("reminders", "2026-04-07", "done"), ("reminders", "2026-04-08", "done"),
                             ("reminders", "2026-04-09", "skipped"), ("escalate", "2026-04-08", "failed"),
                             ("mail", "2026-04-08", "done")):
        db.session.add(JobRun(job=job, day=date.fromisoformat(day), status=status, started_at=started))
    db.session.commit()
    since = date(2026, 4, 8)
    assert jobs.claimed_days(REMINDERS, since) == {date(2026, 4, 8), date(2026, 4, 9)}
    assert jobs.claimed_days(ESCALATE, since) == set()  # a failed run is retaken at the next fire time
    assert jobs.claimed_days(jobs.JOBS["mail"], since) == set()


def _next_run_cell(html: str, job_id: str) -> str:
    row = re.search(rf'<tr id="job-{job_id}".*?</tr>', html, re.S).group(0)
    return re.findall(r"<td>(.*?)</td>", row, re.S)[-1].strip()


def test_jobs_page_shows_tomorrow_after_todays_run_by_hand(client, auth, monkeypatch):
    make_user("els@labelstudio.be", "Els Janssens", admin=True)
    now = at("2026-04-08 07:00")  # a Wednesday, before the 08:00 reminders
    monkeypatch.setattr(clock, "now", lambda: now)
    auth.login("els@labelstudio.be")
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert _next_run_cell(html, "reminders") == "08/04/2026 08:00"
    assert jobs.run("reminders", now=now).status == "done"  # `flask jobs run reminders` at 07:00
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert _next_run_cell(html, "reminders") == "09/04/2026 08:00"
    assert _next_run_cell(html, "escalate") == "09/04/2026 06:00"  # 06:00 today is past anyway


def test_jobs_page_skips_the_weekend_after_fridays_run_by_hand(client, auth, monkeypatch):
    make_user("els@labelstudio.be", "Els Janssens", admin=True)
    now = at("2026-04-10 07:00")  # Friday
    monkeypatch.setattr(clock, "now", lambda: now)
    jobs.run("reminders", now=now)
    auth.login("els@labelstudio.be")
    assert _next_run_cell(client.get("/admin/jobs").get_data(as_text=True), "reminders") == "13/04/2026 08:00"
