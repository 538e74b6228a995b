"""Twenty cases logged at the same moment all get a reference: unique and without gaps (SQLite file DB, PostgreSQL)."""
import threading
from datetime import date

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import Case, User
from tests.fixtures.cases import open_case


def test_twenty_parallel_case_creations_all_succeed_with_gapless_numbers(app, admin):
    open_case(admin, received_on=date(2026, 1, 2), today=date(2026, 3, 5))  # an existing number to follow
    barrier, errors, admin_id = threading.Barrier(20), [], admin.id

    def create(i):
        with app.app_context():
            try:
                barrier.wait()  # before taking a connection: 20 threads share a pool of 15
                actor = db.session.get(User, admin_id)
                open_case(actor, requester_name=f"Verzoeker {i}")
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(db.session.scalars(select(Case.number).where(Case.year == 2026)))
    assert numbers == list(range(1, 22))
    references = set(db.session.scalars(select(Case.reference)))
    assert len(references) == 21 and "DSR-2026-0021" in references
