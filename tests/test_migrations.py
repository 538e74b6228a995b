"""The migrations build exactly the schema the models describe (on SQLite, and PostgreSQL in CI)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseflow.extensions import db


def test_migrated_schema_matches_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_upgrade_fills_the_search_text_of_existing_cases(tmp_path):
    """Migration 0005 folds the searchable fields of cases logged before it, so old cases are found too."""
    from datetime import date, datetime, timezone

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from caseflow import create_app
    from config import TestConfig

    uri = f"sqlite:///{tmp_path}/old.sqlite"
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": uri})
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO \"case\" (reference, year, number, channel, received_on, requester_name, requester_email, "
                "request_text, status, deadline, created_at, version) VALUES ('DSR-2026-0007', 2026, 7, 'email', :d, "
                "'Céline Dupré', 'Celine.Dupre@Example.be', '', 'new', :d, :t, 1)"),
                {"d": date(2026, 3, 5), "t": datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)})
        upgrade()
        with db.engine.connect() as conn:
            text = conn.execute(sa.text("SELECT search_text FROM \"case\"")).scalar_one()
        db.engine.dispose()
    assert text.split("\n") == ["dsr-2026-0007", "celine dupre", "celine.dupre@example.be"]
