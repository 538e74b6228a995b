"""`flask demo seed`: a varied, legal, reproducible register replayed through the services."""
from datetime import date, timedelta, timezone

from sqlalchemy import func, select

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal.rights import CHANNELS, CLOSED_STATUSES, RIGHTS, STATUSES
from caseflow.mail.models import OutboxMessage
from caseflow.models import AuditEvent, Case, ResolutionAction, User
from tests.fixtures.cases import open_case

TODAY = "2026-11-20"  # a fixed past day keeps every date (and so every assertion) reproducible


def seed(runner, *args):
    result = runner.invoke(args=["demo", "seed", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return result.output


def all_cases():
    return list(db.session.scalars(select(Case).order_by(Case.id)))


def snapshot():
    """Everything a user sees of the seeded cases, without database ids."""
    return [
        (c.reference, c.channel, c.received_on, c.requester_name, c.requester_email, c.requester_address,
         c.customer_number, c.request_text, c.status, c.deadline, c.extended_on, c.answer_sent_on,
         c.assignee.name if c.assignee else None,
         [(r.right, r.outcome, r.refusal_code, r.outcome_reason,
           [(a.system, a.description, a.performed_on, a.user.name) for a in r.actions]) for r in c.rights],
         [(e.action, e.user.name if e.user else None, e.detail, e.before, e.after, e.created_at) for e in c.events])
        for c in all_cases()
    ]


def aware(stamp):
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)  # SQLite hands back naive UTC


def wipe():
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def test_seed_fills_a_varied_register(runner):
    output = seed(runner, "--cases", "40", "--seed", "3")
    today = date.fromisoformat(TODAY)
    cases = all_cases()

    assert len(cases) == 40
    assert len({c.reference for c in cases}) == 40
    assert {c.channel for c in cases} == set(CHANNELS)
    assert {key for c in cases for key in c.right_keys} == set(RIGHTS)
    assert {c.status for c in cases} == set(STATUSES) - {"closed_mistake"}  # the demo logs nothing by mistake
    assert any(c.is_open and not c.is_suspended and c.days_left(today) < 0 for c in cases), "no overdue case"
    assert any(c.extended for c in cases)
    assert all(c.extension_effective for c in cases if c.extended)  # each extension was told to the requester
    # overdue demo cases are escalated at once (the day's escalate run may be over), without mailing anybody
    overdue = [c for c in cases if c.is_open and not c.is_suspended and c.days_left(today) < 0]
    assert overdue and all(c.escalation_level == "overdue" for c in overdue)
    assert not db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "escalation")).all()
    # the demo's letters belong to its invented past: none of them waits in the outbox to be mailed for real
    assert not db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "letter",
                                                                 OutboxMessage.status != "sent")).all()
    assert any(r.outcome == "partially_granted" and r.refusal_code for c in cases for r in c.rights)
    assert all(r.outcome for c in cases if c.status == "resolved" for r in c.rights)
    assert all(c.closed_at for c in cases if c.status in CLOSED_STATUSES)
    assert "Created 40 demo cases" in output and "seed 3" in output
    assert "Created demo administrator" in output and "password: " in output


def test_every_case_has_a_past_history_in_its_audit_trail(runner):
    seed(runner, "--cases", "40", "--seed", "3")
    today = date.fromisoformat(TODAY)
    for case in all_cases():
        assert case.events and case.events[0].action == "case_opened", case.reference
        stamps = [aware(e.created_at) for e in case.events]
        assert stamps == sorted(stamps), case.reference
        assert case.received_on <= stamps[0].astimezone(clock.BRUSSELS).date()
        assert stamps[-1].astimezone(clock.BRUSSELS).date() <= today
        assert all(d <= today for d in (case.extended_on, case.answer_sent_on, case.identity_verified_on) if d)
        wall_clock_stamps = [case.closed_at] + [r.outcome_at for r in case.rights]  # set by services with utcnow()
        assert all(aware(s).astimezone(clock.BRUSSELS).date() <= today for s in wall_clock_stamps if s)
    assert all(a.performed_on <= today for a in db.session.scalars(select(ResolutionAction)))


def test_same_seed_gives_the_same_cases(runner):
    seed(runner, "--cases", "12", "--seed", "42")
    first = snapshot()
    wipe()
    seed(runner, "--cases", "12", "--seed", "42")
    assert snapshot() == first
    wipe()
    seed(runner, "--cases", "12", "--seed", "43")
    assert snapshot() != first


def test_running_twice_adds_cases_and_reuses_the_staff(runner):
    seed(runner, "--cases", "5", "--seed", "1")
    output = seed(runner, "--cases", "5", "--seed", "1")
    cases = all_cases()
    assert len(cases) == 10 and len({c.reference for c in cases}) == 10
    assert db.session.scalar(select(func.count(User.id))) == 3
    assert "Using 3 existing staff account(s)" in output and "password" not in output


def test_existing_staff_handle_the_demo_cases(runner, admin, staff):
    output = seed(runner, "--cases", "10", "--seed", "5")
    assert "Created demo" not in output
    assert {e.user_id for e in db.session.scalars(select(AuditEvent))} <= {admin.id, staff.id, None}  # None: the system


def test_today_cannot_be_in_the_future(runner):
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["demo", "seed", "--cases", "3", "--today", tomorrow])
    assert result.exit_code == 2 and "future" in result.output
    assert all_cases() == []


def test_after_seeding_the_services_stamp_the_real_time_again(runner, staff):
    seed(runner, "--cases", "3", "--seed", "2")
    case = open_case(staff, received_on=clock.today(), today=clock.today())
    stamp = aware(case.events[0].created_at)
    assert abs(clock.now() - stamp) < timedelta(minutes=5)


def test_the_seeded_register_renders(runner, client, auth, staff):
    seed(runner, "--cases", "15", "--seed", "8")
    auth.login()
    assert client.get("/cases?status=all").status_code == 200
    for case in all_cases():
        response = client.get(f"/cases/{case.id}")
        assert response.status_code == 200 and case.reference in response.text


def test_seed_refuses_a_database_with_real_cases(runner, staff):
    open_case(staff)  # a real case, logged by staff
    out = runner.invoke(args=["demo", "seed", "--cases", "3", "--seed", "1"])
    assert out.exit_code != 0 and "1 real (non-demo) cases" in out.output and "make demo" in out.output
    assert db.session.scalar(select(func.count(Case.id))) == 1
    out = runner.invoke(args=["demo", "seed", "--cases", "3", "--seed", "1", "--force"])
    assert out.exit_code == 0 and db.session.scalar(select(func.count(Case.id))) == 4


def test_seed_again_on_a_demo_database_and_if_empty(runner):
    assert runner.invoke(args=["demo", "seed", "--cases", "3", "--seed", "1"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed", "--cases", "2", "--seed", "2"]).exit_code == 0  # only demo cases
    out = runner.invoke(args=["demo", "seed", "--cases", "2", "--if-empty"])
    assert out.exit_code == 0 and "nothing added" in out.output
    assert db.session.scalar(select(func.count(Case.id))) == 5


def test_the_demo_mails_nobody(runner):
    assert runner.invoke(args=["demo", "seed", "--cases", "12", "--seed", "3"]).exit_code == 0
    waiting = select(func.count(OutboxMessage.id)).where(OutboxMessage.status != "sent")  # demo letters: "sent" then
    assert db.session.scalar(waiting) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "assigned")) == 0


def test_a_large_seed_is_written_in_bulk_over_five_years(runner):
    """Above 500 cases the register is written in bulk (caseflow/demo/bulk.py), with the same spread."""
    from caseflow.demo.cli import BULK_FROM

    count = 2000
    assert count > BULK_FROM
    output = seed(runner, "--cases", str(count), "--seed", "4")
    assert f"Created {count} demo cases in bulk" in output
    cases = all_cases()
    today = date.fromisoformat(TODAY)
    assert len(cases) == count and len({c.reference for c in cases}) == count
    assert {c.status for c in cases} == set(STATUSES) - {"closed_mistake"}  # the demo logs nothing by mistake
    assert {c.channel for c in cases} == set(CHANNELS)
    assert {key for c in cases for key in c.right_keys} == set(RIGHTS)
    assert min(c.received_on for c in cases) < today.replace(year=today.year - 4)
    assert any(c.is_open and not c.is_suspended and c.days_left(today) < 0 for c in cases), "no overdue case"
    assert all(c.extension_effective for c in cases if c.extended)  # each extension has its notice
    assert all(c.deadline == c.current_deadline() for c in cases if not c.is_suspended)  # stored = legal
    assert all(c.answer_sent_on and c.answer_sent_on >= c.received_on for c in cases
               if c.status in ("resolved", "refused"))
    assert all(r.outcome for c in cases if c.status == "resolved" for r in c.rights)
    assert {r.outcome for c in cases for r in c.rights} >= {"granted", "partially_granted", "refused",
                                                              "not_applicable"}


def test_after_a_bulk_seed_the_audit_chain_verifies_and_new_cases_get_the_next_number(runner, staff):
    """The bulk path writes events without the ORM: they must still be chained, and the per-year counters must
    continue after the seeded numbers, or the next real case could not get a reference."""
    seed(runner, "--cases", "600", "--seed", "9", "--force")
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    year = date.fromisoformat(TODAY).year
    highest = db.session.scalar(select(func.max(Case.number)).where(Case.year == year))
    case = open_case(staff, received_on=date.fromisoformat(TODAY), today=date.fromisoformat(TODAY))
    assert case.reference == f"DSR-{year}-{highest + 1:04d}"
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the ORM's next event chains onto the bulk ones
