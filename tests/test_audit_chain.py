"""The audit trail is a keyed hash chain (HMAC-SHA256 under AUDIT_KEY): `audit verify`, the case page and the daily
audit job notice tampering (tests/test_audit_keyed.py: rewriting without the key, the anchors outside the database)."""
from datetime import date, datetime, timezone

from sqlalchemy import select, text

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.mail.models import OutboxMessage
from caseflow.models import AuditEvent
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, two_interleaved_cases
from tests.fixtures.users import make_user

TODAY = date(2026, 3, 10)



def _events():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def _raw(sql, **params):
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)
    db.session.expire_all()


def test_verify_passes_on_a_clean_database(app, runner, admin):
    two_interleaved_cases(admin)
    events = _events()
    assert len(events) >= 5 and all(len(e.hash) == 64 for e in events)
    assert len({e.hash for e in events}) == len(events)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{len(events)} events" in result.output and events[-1].hash in result.output


def test_verify_names_a_row_updated_in_sql(app, runner, admin):
    a, _ = two_interleaved_cases(admin)
    target = next(e for e in _events() if e.case_id == a.id and e.action == "identity_requested")
    _raw("UPDATE audit_event SET after = 'in_progress' WHERE id = :id", id=target.id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"first broken link: event {target.id} ({a.reference})" in result.output


def test_verify_names_the_row_after_one_deleted_in_sql(app, runner, admin):
    a, b = two_interleaved_cases(admin)
    events = _events()
    victim, follower = events[2], events[3]
    _raw("DELETE FROM audit_event WHERE id = :id", id=victim.id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    reference = a.reference if follower.case_id == a.id else b.reference
    assert f"first broken link: event {follower.id} ({reference})" in result.output
    assert f"previous event in the chain: {events[1].id}" in result.output


def test_verify_notices_the_last_rows_deleted(app, runner, admin):
    a, _ = two_interleaved_cases(admin)
    events = _events()
    _raw("DELETE FROM audit_event WHERE id = :id", id=events[-1].id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {events[-2].id}" in result.output and "deleted" in result.output


def test_verify_names_a_row_inserted_in_sql(app, runner, admin):
    a, b = two_interleaved_cases(admin)
    _raw("INSERT INTO audit_event (case_id, user_id, created_at, action, detail) "
         "VALUES (:case_id, :user_id, :at, 'closed', 'resolved')",
         case_id=b.id, user_id=admin.id, at=datetime(2026, 3, 9, 12, tzinfo=timezone.utc))
    inserted = _events()[-1]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"first broken link: event {inserted.id} ({b.reference})" in result.output
    assert "inserted outside Caseflow" in result.output


def test_verify_notices_a_forged_hash_inserted_in_sql(app, runner, admin):
    a, b = two_interleaved_cases(admin)
    _raw("INSERT INTO audit_event (case_id, user_id, created_at, action, hash) "
         "VALUES (:case_id, :user_id, :at, 'closed', :hash)",
         case_id=a.id, user_id=admin.id, at=datetime(2026, 3, 9, 12, tzinfo=timezone.utc), hash="ab" * 32)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"({a.reference})" in result.output


def test_case_page_warns_on_a_tampered_case_only(client, auth, staff):
    auth.login()
    a, b = two_interleaved_cases(staff)
    assert b"audit-chain-broken" not in client.get(f"/cases/{a.id}").data
    target = next(e for e in _events() if e.case_id == a.id and e.action == "identity_verified")
    _raw("UPDATE audit_event SET detail = 'ID card' WHERE id = :id", id=target.id)
    page = client.get(f"/cases/{a.id}").get_data(as_text=True)
    assert 'id="audit-chain-broken"' in page and str(target.id) in page
    assert "audit-chain-broken" not in client.get(f"/cases/{b.id}").get_data(as_text=True)


def test_case_page_warns_when_one_of_its_events_was_deleted(client, auth, staff):
    auth.login()
    a, b = two_interleaved_cases(staff)
    middle_of_a = [e for e in _events() if e.case_id == a.id][1]
    _raw("DELETE FROM audit_event WHERE id = :id", id=middle_of_a.id)
    assert 'id="audit-chain-broken"' in client.get(f"/cases/{a.id}").get_data(as_text=True)


def test_the_daily_check_alerts_admins_on_a_break(app, admin):
    staff = make_user()
    a, _ = two_interleaved_cases(staff)
    result = jobs.run("audit", today=TODAY)
    assert result.status == "done" and "chain_broken" not in result.counts
    assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit_alert")).all()

    target = _events()[1]
    _raw("UPDATE audit_event SET created_at = :at WHERE id = :id", id=target.id,
         at=datetime(2026, 3, 1, 9, tzinfo=timezone.utc))
    result = jobs.run("audit", today=date(2026, 3, 11))
    assert result.counts["chain_broken"] == 1
    alerts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit_alert")).all()
    assert [m.recipient for m in alerts] == [admin.email]
    assert f"{target.id}" in alerts[0].body_text and "logboek" in alerts[0].subject.lower()


def test_admin_reminder_carries_the_latest_hash(app, admin):
    open_case(admin, received_on=date(2026, 2, 2), today=date(2026, 2, 2))  # overdue by 2026-03-10
    result = jobs.run("reminders", today=TODAY)
    assert result.status == "done"
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    latest = _events()[-1].hash
    assert latest in message.body_text and latest in message.body_html


def test_parallel_appends_do_not_fork_the_chain(app, runner, admin):
    """Events written from several threads at once still form one chain."""
    import threading

    cases = [open_case(admin, requester_name=f"Requester {i}") for i in range(6)]
    ids = [c.id for c in cases]
    errors = []

    def work(case_id):
        from caseflow.models import Case
        with app.app_context():
            try:
                case = db.session.get(Case, case_id)
                svc.request_identity(case, actor=db.session.get(type(admin), admin.id),
                                     asked_on=date(2026, 3, 6), today=date(2026, 3, 6))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(case_id,)) for case_id in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
