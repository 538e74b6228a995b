"""The migrations build exactly the schema the models describe (on SQLite, and PostgreSQL in CI)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseflow.extensions import db


def old_database_app(tmp_path):
    """The app with the test settings on an empty SQLite file, to migrate step by step."""
    from caseflow import create_app
    from config import TestConfig

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.sqlite"})
    app.instance_path = str(tmp_path)
    return app


def test_migrated_schema_matches_models(app):
    def described(name, type_, parent_names):
        """The search indexes live outside the models: the FTS5 table (SQLite) and the trigram index (PostgreSQL)."""
        return not (name or "").startswith(("case_fts", "ix_case_search_text_trgm"))

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": described}), db.metadata)
    assert diff == []


def test_upgrade_to_0005_fills_search_text_and_undoes_untold_extensions(tmp_path):
    """Migration 0005 folds the searchable fields of existing cases, and an extension nobody was told about
    gives the case its original deadline back (Art. 12(3)); a told one keeps the extended deadline."""
    from datetime import date, datetime, timezone

    import sqlalchemy as sa
    from flask_migrate import upgrade


    app = old_database_app(tmp_path)
    at = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO \"user\" (id, email, name, password_hash, is_admin, active, locale, "
                                 "created_at) VALUES (1, 'an@labelstudio.be', 'An', 'x', false, true, 'nl', :t)"),
                         {"t": at})
            for number, name in ((7, "Céline Dupré"), (8, "Jan Claes")):  # both extended on 20 March
                conn.execute(sa.text(
                    "INSERT INTO \"case\" (id, reference, year, number, channel, received_on, requester_name, "
                    "requester_email, request_text, status, deadline, extended_on, extension_reason, created_at, "
                    "version) VALUES (:n, :ref, 2026, :n, 'email', :r, :name, 'Celine.Dupre@Example.be', '', "
                    "'in_progress', :ext, :on, 'complex', :t, 1)"),
                    {"n": number, "ref": f"DSR-2026-{number:04d}", "name": name, "r": date(2026, 3, 5),
                     "ext": date(2026, 6, 5), "on": date(2026, 3, 20), "t": at})
            conn.execute(sa.text(  # only Jan Claes was told
                "INSERT INTO letter (case_id, kind, locale, delivery, recipient, subject, body, sent_on, created_at, "
                "created_by_id) VALUES (8, 'extension_notice', 'nl', 'email', 'jan@example.be', 'Verlenging', 'x', "
                ":d, :t, 1)"), {"d": date(2026, 3, 20), "t": at})
        upgrade()
        with db.engine.connect() as conn:
            rows = dict(conn.execute(sa.text("SELECT id, search_text FROM \"case\"")).all())
            deadlines = {i: d for i, d in conn.execute(sa.select(db.metadata.tables["case"].c.id,
                                                                 db.metadata.tables["case"].c.deadline))}
        db.engine.dispose()
    assert rows[7].split("\n") == ["dsr-2026-0007", "celine dupre", "celine.dupre@example.be"]
    assert deadlines == {7: date(2026, 4, 7), 8: date(2026, 6, 5)}


def test_upgrade_to_0009_chains_existing_audit_events_and_starts_the_counters(tmp_path):
    """Migration 0009 backfills the hash chain over the events already there (audit verify passes, and catches a
    later edit), and each year's reference counter starts after the highest number in use."""
    from datetime import date, datetime, timezone

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from caseflow.audit.verify import verify_all
    from caseflow.models import CaseCounter

    app = old_database_app(tmp_path)
    at = datetime(2026, 3, 20, 9, 0, 0, 123456, tzinfo=timezone.utc)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO \"user\" (id, email, name, password_hash, is_admin, active, locale, "
                                 "created_at) VALUES (1, 'an@labelstudio.be', 'An', 'x', false, true, 'nl', :t)"),
                         {"t": at})
            for number in (3, 9):
                conn.execute(sa.text(
                    "INSERT INTO \"case\" (id, reference, year, number, channel, received_on, requester_name, "
                    "request_text, status, deadline, created_at, version, search_text) VALUES (:n, :ref, 2026, :n, "
                    "'email', :r, 'Jan', '', 'new', :r, :t, 1, '')"),
                    {"n": number, "ref": f"DSR-2026-{number:04d}", "r": date(2026, 3, 5), "t": at})
                for action in ("case_opened", "assigned"):
                    conn.execute(sa.text("INSERT INTO audit_event (case_id, user_id, created_at, action, after) "
                                         "VALUES (:c, 1, :t, :a, 'Ån')"), {"c": number, "t": at, "a": action})
        upgrade()
        assert verify_all(db.session).ok and verify_all(db.session).checked == 4
        assert db.session.get(CaseCounter, 2026).last_number == 9
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_event SET after = 'Piet' WHERE id = 2"))
        report = verify_all(db.session)
        db.session.remove()
        db.engine.dispose()
    assert report.first.event_id == 2 and report.first.reference == "DSR-2026-0003"


def test_upgrade_to_0016_folds_the_names_of_existing_cases_for_sorting(tmp_path):
    """Migration 0016 gives every existing case its sort name (folded like the search), so the register sorts the
    cases logged before it by name as it sorts new ones."""
    from datetime import date, datetime, timezone

    import sqlalchemy as sa
    from flask_migrate import upgrade


    app = old_database_app(tmp_path)
    at = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as conn:
            for number, name in ((1, "Mia Peeters"), (2, "Élise Çelik"), (3, "de Smet")):
                conn.execute(sa.text(
                    "INSERT INTO \"case\" (id, reference, year, number, channel, received_on, requester_name, "
                    "request_text, status, deadline, created_at, version, search_text) VALUES (:n, :ref, 2026, :n, "
                    "'email', :r, :name, '', 'new', :d, :t, 1, '')"),
                    {"n": number, "ref": f"DSR-2026-{number:04d}", "name": name, "r": date(2026, 3, 5),
                     "d": date(2026, 4, 7), "t": at})
        upgrade()
        with db.engine.connect() as conn:
            order = conn.execute(sa.text('SELECT requester_sort FROM "case" ORDER BY requester_sort, id')).scalars().all()
            plan = " ".join(str(r) for r in conn.execute(sa.text(
                'EXPLAIN QUERY PLAN SELECT id FROM "case" ORDER BY requester_sort, id LIMIT 26')).all())
        db.engine.dispose()
    assert order == ["de smet", "elise celik", "mia peeters"]
    assert "ix_case_requester_sort_id" in plan
