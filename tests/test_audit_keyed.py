"""A record nobody can rewrite: the audit chain's links are keyed (HMAC-SHA256 under AUDIT_KEY), its head is
anchored outside the database (the anchor file, and a daily email to every admin), and `audit verify` fails on
a chain rewritten without the key, shortened at the end, or emptied; migration 0018 re-links an unkeyed chain once."""
import importlib.util
import json
import os
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text

from caseflow import _load_audit_key, write_audit_key
from caseflow.audit import anchor
from caseflow.audit.chain import GENESIS, current_key, link
from caseflow.audit.models import AuditChainHead
from caseflow.audit.verify import verify_all
from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.mail.models import OutboxMessage
from caseflow.models import AuditEvent
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, two_interleaved_cases
from tests.fixtures.users import make_user

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MORNING = datetime(2026, 3, 10, 4, 50, tzinfo=timezone.utc)  # 05:50 in Brussels


def _migration():
    spec = importlib.util.spec_from_file_location(
        "migration_0018", os.path.join(ROOT, "migrations", "versions", "0018_keyed_audit_chain.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unkeyed_link = _migration().unkeyed_link  # the link before the key: plain SHA-256


@pytest.fixture(autouse=True)
def anchor_file(app):
    """The session's instance folder is shared: each test starts and ends without anchors."""
    path = anchor.path_of(app)
    if os.path.exists(path):
        os.remove(path)
    yield path
    if os.path.exists(path):
        os.remove(path)



def _events():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def _links():
    """(id, link) of every event, as plain values (the rows may be deleted below)."""
    return [SimpleNamespace(id=e.id, hash=e.hash) for e in _events()]


def _raw(sql, **params):
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)
    db.session.expire_all()


def _relink_without_the_key(from_id, link_of):
    """What someone with the database but not the key can do: recompute the links from `from_id` on (and the
    head row) with `link_of(prev, row, case_prev_id)`."""
    table = AuditEvent.__table__
    with db.engine.begin() as conn:
        prev, last_of_case, last_id = GENESIS, {}, None
        for row in conn.execute(select(table).order_by(table.c.id)).all():
            value = link_of(prev, row, last_of_case.get(row.case_id)) if row.id >= from_id else row.hash
            conn.execute(sa.update(table).where(table.c.id == row.id).values(hash=value))
            prev, last_of_case[row.case_id], last_id = value, row.id, row.id
        conn.execute(text("UPDATE audit_chain_head SET last_id = :i, last_hash = :h"), {"i": last_id, "h": prev})
    db.session.expire_all()


def _verify(runner, *args):
    return runner.invoke(args=["audit", "verify", *args])


def test_each_link_is_an_hmac_under_the_key_a_pure_function(app, admin):
    two_interleaved_cases(admin)
    events = _events()
    table = AuditEvent.__table__
    rows = db.session.execute(select(table).order_by(table.c.id)).all()
    first = rows[0]
    assert events[0].hash == link(b"test-only-audit-key", GENESIS, first, None)
    assert events[0].hash != unkeyed_link(GENESIS, first, None)
    assert link(b"another key", GENESIS, first, None) != events[0].hash
    assert link(current_key(), GENESIS, first, None) == link(current_key(), GENESIS, first, None)


@pytest.mark.parametrize("how", ["plain_sha256", "hmac_wrong_key"])
def test_an_event_edited_and_every_link_recomputed_without_the_key_is_detected(app, runner, admin, how):
    a, _ = two_interleaved_cases(admin)
    target = next(e for e in _events() if e.case_id == a.id and e.action == "identity_requested")
    count = len(_events())
    _raw("UPDATE audit_event SET after = 'in_progress' WHERE id = :id", id=target.id)
    link_of = unkeyed_link if how == "plain_sha256" else \
        (lambda prev, row, case_prev: link(b"a key someone guessed", prev, row, case_prev))
    _relink_without_the_key(target.id, link_of)

    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert f"first broken link: event {target.id} ({a.reference}) does not match its hash" in result.output
    broken = count - [e.id for e in _events()].index(target.id)
    assert f"audit chain BROKEN: {broken} broken link(s) in {count} events" in result.output
    assert "Traceback" not in result.output


def test_events_deleted_at_the_end_after_an_anchor_are_detected(app, runner, admin, anchor_file):
    two_interleaved_cases(admin)
    for n in range(5):
        open_case(admin, requester_name=f"Later {n}")
    events = _links()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    kept = events[:-5]
    _raw("DELETE FROM audit_event WHERE id > :id", id=kept[-1].id)
    _raw("UPDATE audit_chain_head SET last_id = :i, last_hash = :h", i=kept[-1].id, h=kept[-1].hash)
    assert verify_all(db.session, loaded=anchor.Loaded([], [])).ok  # without the anchor, nothing shows

    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert f"first broken link: event {events[-1].id} (the anchor of " in result.output
    assert "was anchored outside the database, but it is gone" in result.output
    assert (f"({len(events)} events anchored; the chain now ends at event {kept[-1].id}, {len(kept)} events)"
            in result.output)


@pytest.mark.parametrize("head_row", ["deleted", "kept"])
def test_the_table_emptied_after_an_anchor_is_detected(app, runner, admin, head_row):
    two_interleaved_cases(admin)
    events = _links()
    jobs.run("anchor", today=date(2026, 3, 10), now=MORNING)
    _raw("DELETE FROM audit_event")
    if head_row == "deleted":
        _raw("DELETE FROM audit_chain_head")

    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert "audit chain intact" not in result.output
    if head_row == "kept":
        assert (f"first broken link: event {events[-1].id} (the chain's head) was the last event of the chain, "
                "but the audit trail is empty") in result.output
    else:
        assert f"first broken link: event {events[-1].id} (the anchor of 2026-03-10 05:50)" in result.output
    assert f"({len(events)} events anchored; the chain is now empty)" in result.output


def test_expect_checks_that_a_head_kept_from_an_email_is_in_the_chain(app, runner, admin):
    a, _ = two_interleaved_cases(admin)
    kept, kept_id = _events()[-1].hash, _events()[-1].id  # as mailed today
    svc.request_identity(open_case(admin), actor=admin, asked_on=date(2026, 3, 11), today=date(2026, 3, 11))

    result = _verify(runner, "--expect", kept.upper())
    assert result.exit_code == 0, result.output
    assert f"head {kept} is in the chain: event {kept_id}" in result.output

    wrong = "ab" * 32
    result = _verify(runner, "--expect", wrong)
    assert result.exit_code == 1
    assert f"head {wrong} NOT in the audit chain" in result.output

    result = _verify(runner, "--expect", "not-a-head")
    assert result.exit_code == 1 and "is not a head" in result.output and "Traceback" not in result.output

    # the chain rewritten from before the kept head without the key: that head is gone, and the chain is broken
    first = _events()[1]
    _raw("UPDATE audit_event SET detail = 'x' WHERE id = :id", id=first.id)
    _relink_without_the_key(first.id, unkeyed_link)
    result = _verify(runner, "--expect", kept)
    assert result.exit_code == 1 and "audit chain BROKEN" in result.output and f"head {kept} NOT" in result.output


def test_the_anchor_job_writes_a_line_and_mails_every_admin_every_day(app, admin, anchor_file):
    second = make_user("piet@labelstudio.be", "Piet Admin", admin=True, locale="en")
    make_user("oud@labelstudio.be", "Oud Admin", admin=True, active=False)
    staff = make_user("an@labelstudio.be", "An Peeters")
    two_interleaved_cases(staff)
    day1, day2 = date(2026, 3, 10), date(2026, 3, 11)

    first = jobs.run("anchor", today=day1, now=MORNING)
    assert first.status == "done" and first.counts == {"anchored": len(_events()), "mailed": 2}
    assert jobs.run("anchor", today=day1, now=MORNING).status == "already_done"
    open_case(staff, requester_name="Nieuw")  # the second day's anchor counts it
    second_run = jobs.run("anchor", today=day2, now=MORNING + timedelta(days=1))
    assert second_run.status == "done" and second_run.count == len(_events())

    with open(anchor_file) as fh:
        lines = [json.loads(line) for line in fh]
    assert [line["kind"] for line in lines] == ["anchor", "anchor"]
    assert [line["events"] for line in lines] == [first.count, second_run.count]
    assert lines[1]["last_id"] == _events()[-1].id and lines[1]["head"] == _events()[-1].hash
    assert lines[0]["at"] == "2026-03-10T04:50:00+00:00"
    assert oct(os.stat(anchor_file).st_mode & 0o777) == "0o600"

    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit_anchor")
                               .order_by(OutboxMessage.id)).all()
    assert sorted((m.recipient, m.key.split(":")[1]) for m in mails) == [
        (admin.email, "2026-03-10"), (admin.email, "2026-03-11"),
        (second.email, "2026-03-10"), (second.email, "2026-03-11")]
    for message in mails[-2:]:
        assert f"--expect {lines[1]['head']}" in message.body_text
        assert 'id="anchor-head"' in message.body_html and lines[1]["head"] in message.body_html
    report = verify_all(db.session)
    assert report.ok and report.anchors == 2 and report.anchor.last_id == lines[1]["last_id"]


def test_the_daily_check_compares_with_the_anchors(app, admin):
    staff = make_user()
    two_interleaved_cases(staff)
    jobs.run("anchor", today=date(2026, 3, 10), now=MORNING)
    last = _links()[-1]
    _raw("DELETE FROM audit_event WHERE id = :id", id=last.id)
    previous = _links()[-1]
    _raw("UPDATE audit_chain_head SET last_id = :i, last_hash = :h", i=previous.id, h=previous.hash)

    result = jobs.run("audit", today=date(2026, 3, 11))
    assert result.counts["chain_broken"] == 1
    alerts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit_alert")).all()
    assert [m.recipient for m in alerts] == [admin.email] and str(last.id) in alerts[0].body_text


def test_an_anchor_written_by_hand_or_under_another_key_is_named(app, runner, admin, anchor_file):
    two_interleaved_cases(admin)
    runner.invoke(args=["audit", "anchor"])
    with open(anchor_file) as fh:
        line = json.loads(fh.read())
    line["events"] += 1
    with open(anchor_file, "a") as fh:
        fh.write(json.dumps(line) + "\nnot json\n")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "line 2 of the anchor file was not written by Caseflow" in result.output
    assert "line 3 of the anchor file cannot be read" in result.output

    os.remove(anchor_file)
    runner.invoke(args=["audit", "anchor"])
    app.config["AUDIT_KEY"] = "the wrong key"
    try:
        result = _verify(runner)
    finally:
        app.config["AUDIT_KEY"] = "test-only-audit-key"
    assert result.exit_code == 1
    assert "first broken link: line 1 of the anchor file was written under another audit key" in result.output


def test_anchoring_after_a_restore_starts_the_comparison_again(app, runner, admin):
    two_interleaved_cases(admin)
    runner.invoke(args=["audit", "anchor"])
    events = _links()
    _raw("DELETE FROM audit_event WHERE id = :id", id=events[-1].id)  # as if a backup without it was restored
    _raw("UPDATE audit_chain_head SET last_id = :i, last_hash = :h", i=events[-2].id, h=events[-2].hash)
    assert _verify(runner).exit_code == 1
    result = runner.invoke(args=["audit", "anchor", "--after-restore"])
    assert result.exit_code == 0 and "earlier anchors are history" in result.output
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "the latest: the anchor of" in result.output and f"up to event {events[-2].id}" in result.output


def test_verify_says_when_nothing_was_anchored_yet(app, runner, admin):
    two_interleaved_cases(admin)
    result = _verify(runner)
    assert result.exit_code == 0 and "not anchored yet" in result.output


def test_no_audit_key_no_start(tmp_path):
    app = SimpleNamespace(config={"AUDIT_KEY": None}, instance_path=str(tmp_path))
    with pytest.raises(RuntimeError, match="No audit key"):
        _load_audit_key(app)
    path = write_audit_key(str(tmp_path))
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    _load_audit_key(app)
    assert len(app.config["AUDIT_KEY"]) == 64
    assert write_audit_key(str(tmp_path)) == path and open(path).read() == app.config["AUDIT_KEY"]  # never replaced

    lost = tmp_path / "lost"
    lost.mkdir()
    (lost / "audit-anchors.log").write_text('{"kind": "anchor"}\n')
    with pytest.raises(SystemExit, match="Put the key back"):
        write_audit_key(str(lost))  # the chain was anchored under a key that is gone: no new one


def _old_database_app(tmp_path):
    from caseflow import create_app
    from config import TestConfig

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.sqlite"})
    app.instance_path = str(tmp_path)
    return app


def _unkeyedtwo_interleaved_cases(conn, tamper_id=None):
    """Cases and events as they stood before 0018: linked with plain SHA-256 (one of them blanked by retention,
    its digests kept); `tamper_id`: an event edited afterwards, which no longer verifies."""
    at = datetime(2026, 3, 20, 9, 0, 0, 123456, tzinfo=timezone.utc)
    conn.execute(text("INSERT INTO \"user\" (id, email, name, password_hash, is_admin, active, locale, created_at) "
                      "VALUES (1, 'an@labelstudio.be', 'An', 'x', false, true, 'nl', :t)"), {"t": at})
    for number in (3, 9):
        conn.execute(text(
            "INSERT INTO \"case\" (id, reference, year, number, channel, received_on, requester_name, request_text, "
            "status, deadline, created_at, version, search_text) VALUES (:n, :ref, 2026, :n, 'email', :r, 'Jan', '', "
            "'new', :r, :t, 1, '')"), {"n": number, "ref": f"DSR-2026-{number:04d}", "r": date(2026, 3, 5), "t": at})
    rows = [(3, "case_opened", "Jan", None), (9, "case_opened", "Piet", None), (3, "assigned", "Ån", None),
            (9, "requester_changed", None, json.dumps({"after": "0" * 64}))]
    prev, last_of_case = GENESIS, {}
    for event_id, (case_id, action, after, redacted) in enumerate(rows, start=1):
        row = SimpleNamespace(id=event_id, case_id=case_id, user_id=1, created_at=at, action=action, detail=None,
                              before=None, after=after, redacted=redacted)
        prev = unkeyed_link(prev, row, last_of_case.get(case_id))
        last_of_case[case_id] = event_id
        conn.execute(text("INSERT INTO audit_event (id, case_id, user_id, created_at, action, after, hash, redacted) "
                          "VALUES (:i, :c, 1, :t, :a, :after, :h, :r)"),
                     {"i": event_id, "c": case_id, "t": at, "a": action, "after": after, "h": prev, "r": redacted})
    conn.execute(text("UPDATE audit_chain_head SET last_id = 4, last_hash = :h"), {"h": prev})
    if tamper_id:
        conn.execute(text("UPDATE audit_event SET after = 'Joris' WHERE id = :i"), {"i": tamper_id})
    return prev


def test_migration_0018_relinks_an_unkeyed_chain_once_and_records_it(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = _old_database_app(tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            unkeyed_head = _unkeyedtwo_interleaved_cases(conn)
        upgrade()
        report = verify_all(db.session)
        head = db.session.get(AuditChainHead, 1)
        events = _events()
        assert report.ok and report.checked == 4 and report.anchors == 1
        assert head.relinked_from == unkeyed_head and head.relinked_events == 4 and head.relinked_at is not None
        assert head.last_hash == events[-1].hash != unkeyed_head
        with open(anchor.path_of(app)) as fh:
            lines = fh.read().splitlines()
        assert len(lines) == 1
        first = anchor.parse(lines[0], 1, current_key())  # as caseflow.audit.anchor reads it: signed, this key
        assert isinstance(first, anchor.Anchor) and first.kind == "relink"
        assert (first.events, first.last_id, first.head) == (4, 4, events[-1].hash)
        assert first.extra == {"unkeyed_head": unkeyed_head, "breaks_kept": 0}
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert f"4 events, from the unkeyed head {unkeyed_head}" in result.output

        downgrade(revision="0017")  # back to plain SHA-256, every link still verifying that way
        table = AuditEvent.__table__
        prev, last_of_case = GENESIS, {}
        for row in db.session.execute(select(table.c.id, table.c.case_id, table.c.user_id, table.c.created_at,
                                             table.c.action, table.c.detail, table.c.before, table.c.after,
                                             table.c.hash, table.c.redacted).order_by(table.c.id)).all():
            assert unkeyed_link(prev, row, last_of_case.get(row.case_id)) == row.hash
            prev, last_of_case[row.case_id] = row.hash, row.id
        assert prev == unkeyed_head
        db.session.remove()
        db.engine.dispose()


def test_migration_0018_keeps_a_break_of_the_unkeyed_chain_a_break(tmp_path):
    from flask_migrate import upgrade

    app = _old_database_app(tmp_path)
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            _unkeyedtwo_interleaved_cases(conn, tamper_id=2)
        upgrade()
        report = verify_all(db.session)
        db.session.remove()
        db.engine.dispose()
    assert not report.ok and [(b.event_id, b.problem) for b in report.breaks] == [(2, "mismatch")]
    assert report.first.reference == "DSR-2026-0009"
    with open(tmp_path / "audit-anchors.log") as fh:
        assert json.loads(fh.readline())["breaks_kept"] == 1
