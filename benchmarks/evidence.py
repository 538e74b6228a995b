"""The evidence pack of a busy case, timed (issue 8: "hundreds of events and letters ... in seconds")."""
import time
from datetime import date

from benchmarks.pages import _app, _fresh_schema

EVIDENCE_MS = 5000.0


def bench_evidence(url=None) -> float:
    """The evidence pack of a case with 500 audit events and 200 letters (emails and registered letters)."""
    from datetime import datetime, timezone

    from caseflow.evidence import service as evidence
    from caseflow.extensions import db
    from caseflow.mail import outbox as mail
    from caseflow.models import AuditEvent, Case, CaseRight, Letter, User
    app = _app(url)
    with app.app_context():
        _fresh_schema(db)
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
