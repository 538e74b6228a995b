"""`make bench`: performance figures against their targets; exits 3 when a target is missed (1 on a crash).

Targets are for Labelstudio's scale with a wide margin: a few hundred requests a year, so a register
of 2,000 open cases is far beyond what the shop will see.
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

MISSED_TARGETS = 3  # exit status when a figure misses its target (a crash exits 1)
TARGETS_MS = {
    "legal_deadline (per call)": 0.05,
    "register page, 2000 open cases (median)": 100.0,
    "case page with 200 audit events (median)": 100.0,
    "escalate + reminders jobs, 2000 open cases": 3000.0,
    "evidence pack, 500 events + 200 letters": 5000.0,
}


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def bench_deadlines():
    from caseflow.deadlines import legal_deadline

    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(3650)]
    start = time.perf_counter()
    for d in days:
        legal_deadline(d)
        legal_deadline(d, extended=True, suspended_days=7)
    return (time.perf_counter() - start) * 1000 / (2 * len(days))


def _app():
    from caseflow import create_app

    folder = tempfile.mkdtemp(prefix="caseflow-bench-")
    app = create_app({"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": os.environ.get("CASEFLOW_SQLALCHEMY_DATABASE_URI",
                                                                f"sqlite:///{folder}/bench.sqlite")})
    app.instance_path = folder
    return app


def bench_pages():
    from caseflow.extensions import db
    from caseflow.models import Case, CaseRight, User
    from caseflow.services import cases as svc
    from flask_migrate import upgrade

    app = _app()
    with app.app_context():
        db.drop_all()
        upgrade()
        user = User(email="bench@labelstudio.be", name="Bench", is_admin=True)
        user.set_password("benchmark-password")
        db.session.add(user)
        db.session.commit()
        today = date(2026, 11, 25)
        for i in range(2000):
            received = today - timedelta(days=i % 60)
            case = Case(reference=f"DSR-2026-{i + 1:04d}", year=2026, number=i + 1, channel="email",
                        assignee=user,
                        received_on=received, requester_name=f"Verzoeker {i}", requester_email=f"v{i}@example.be",
                        status="in_progress", rights=[CaseRight(right="access"), CaseRight(right="erasure")])
            case.deadline = case.current_deadline()
            db.session.add(case)
        db.session.commit()
        busy = db.session.get(Case, 1)
        for i in range(200):
            svc.assign(busy, actor=user, assignee_id=user.id if i % 2 == 0 else None)
        from caseflow import clock
        from caseflow.security import sessions

        # The id Flask-Login keeps in the cookie: a server-side session record's.
        session_id, busy_id = sessions.open_session(user, now=clock.now()).id, busy.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    assert client.get("/").status_code == 200
    register = timed(lambda: client.get("/"), 20)
    case_page = timed(lambda: client.get(f"/cases/{busy_id}"), 20)
    with app.app_context():
        from caseflow import jobs

        start = time.perf_counter()
        jobs.run("escalate", today=today)
        jobs.run("reminders", today=today)
        job_ms = (time.perf_counter() - start) * 1000
    return register, case_page, job_ms


def bench_evidence():
    """The evidence pack of a case with 500 audit events and 200 letters (emails and registered letters)."""
    from datetime import datetime, timezone

    from caseflow import mail
    from caseflow.evidence import service as evidence
    from caseflow.extensions import db
    from caseflow.models import AuditEvent, Case, CaseRight, Letter, User
    from flask_migrate import upgrade

    app = _app()
    with app.app_context():
        db.drop_all()
        upgrade()
        user = User(email="bench@labelstudio.be", name="Bench", password_hash="x")
        case = Case(reference="DSR-2026-0001", year=2026, number=1, channel="email", received_on=date(2026, 3, 5),
                    requester_name="Jan Claes", requester_email="jan@example.be", status="in_progress",
                    deadline=date(2026, 4, 7), request_text="Ik wil inzage.\n" * 20,
                    rights=[CaseRight(right="access"), CaseRight(right="erasure")])
        db.session.add_all([user, case])
        at = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
        # about the size of a real answer (~5,000 characters), in paragraphs as letters have them
        body = "Geachte heer Claes,\n\n" + "\n\n".join(
            "Wij hebben uw verzoek goed ontvangen en behandelen het zorgvuldig. " * 3 for _ in range(25))
        for i in range(200):
            letter = Letter(case=case, kind="acknowledgement", locale="nl", subject=f"Brief {i}", body=body,
                            sent_on=date(2026, 3, 6), created_at=at, created_by=user,
                            delivery="email" if i % 2 else "registered_letter",
                            recipient="jan@example.be" if i % 2 else "Jan Claes\nKerkstraat 1\n2960 Brecht")
            if i % 2:
                letter.outbox_message = mail.enqueue(recipient="jan@example.be", subject=letter.subject, text=body,
                                                     kind="letter", locale="nl", now=at)
                letter.outbox_message.status, letter.outbox_message.sent_at = "sent", at
            else:
                letter.posted_on, letter.tracking_number = date(2026, 3, 6), f"RR{i:09d}BE"
            db.session.add(letter)
        db.session.add_all(AuditEvent(case=case, user=user, action="action_recorded", created_at=at,
                                      detail="access | webshop | 2026-03-05", after=f"Stap {i}") for i in range(500))
        db.session.commit()
        start = time.perf_counter()
        evidence.pack(db.session.get(Case, case.id))
        return (time.perf_counter() - start) * 1000


def main():
    figures = {"legal_deadline (per call)": bench_deadlines()}
    register, case_page, job_ms = bench_pages()
    figures["escalate + reminders jobs, 2000 open cases"] = job_ms
    figures["register page, 2000 open cases (median)"] = register
    figures["case page with 200 audit events (median)"] = case_page
    figures["evidence pack, 500 events + 200 letters"] = bench_evidence()
    missed = 0
    for name, value in figures.items():
        ok = value <= TARGETS_MS[name]
        missed += not ok
        print(f"{name:45} {value:9.3f} ms   target <= {TARGETS_MS[name]} ms   {'ok' if ok else 'MISSED'}")
    sys.exit(MISSED_TARGETS if missed else 0)


if __name__ == "__main__":
    main()
