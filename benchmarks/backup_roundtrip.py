"""Backup/restore round trip on a large register (not part of `make bench`: seeding takes minutes).

    .venv/bin/python -m benchmarks.backup_roundtrip --cases 10000

Seeds a throw-away SQLite instance with `demo seed` data (5,000 cases per run, as the command allows),
then times `backup` and `restore` (into a second, empty instance) and prints the archive's size. The archive is
encrypted and authenticated like every backup, under BENCH_KEY (or CASEFLOW_BACKUP_KEY when set).
Set CASEFLOW_SQLALCHEMY_DATABASE_URI to a PostgreSQL URL to measure pg_dump/pg_restore instead (that
database is filled, and then emptied and restored into).
"""
import argparse
import os
import tempfile
import time
from datetime import timedelta

BENCH_KEY = "bench-only-backup-key"


def _app(instance: str, uri: str):
    from caseflow import create_app

    app = create_app({"SECRET_KEY": "bench", "AUDIT_KEY": "bench-audit-key", "SQLALCHEMY_DATABASE_URI": uri,
                      "BACKUP_KEY": os.environ.get("CASEFLOW_BACKUP_KEY") or BENCH_KEY, "BACKUP_KEY_FILE": None})
    app.instance_path = instance
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from caseflow import clock
    from caseflow.backup import archive, keys, restore
    from caseflow.demo import seed as demo
    from caseflow.extensions import db
    from caseflow.models import AuditEvent, Case

    folder = tempfile.mkdtemp(prefix="caseflow-backup-bench-")
    source_uri = os.environ.get("CASEFLOW_SQLALCHEMY_DATABASE_URI") or f"sqlite:///{folder}/source.sqlite"
    source = _app(os.path.join(folder, "source"), source_uri)
    with source.app_context():
        upgrade()
        start, left, day = time.perf_counter(), args.cases, clock.today()
        while left > 0:  # seeded in slices of the demo command's maximum, each on an earlier stretch of days
            batch = min(left, 5000)
            demo.seed_cases(batch, seed=left, today=day, echo=lambda *a, **k: None)
            left -= batch
            day -= timedelta(days=130)
        cases = db.session.scalar(select(func.count(Case.id)))
        events = db.session.scalar(select(func.count(AuditEvent.id)))
        print(f"seeded {cases} cases, {events} audit events in {time.perf_counter() - start:.0f} s")
        db.session.remove()
        start = time.perf_counter()
        result = archive.create(source_uri, source.instance_path, os.path.join(folder, "backups"),
                                key=keys.for_backup(source.config), now=clock.now(), revision=None)
        backup_s = time.perf_counter() - start
        print(f"backup: {result.size / 1e6:.1f} MB, {result.files} stored files, {backup_s:.1f} s")
        if not source_uri.startswith("sqlite"):
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()

    target_uri = source_uri if not source_uri.startswith("sqlite") else f"sqlite:///{folder}/restored.sqlite"
    target = _app(os.path.join(folder, "restored"), target_uri)
    with target.app_context():
        start = time.perf_counter()
        done = restore.restore(result.path, target_uri, target.instance_path, db.engine,
                               key=keys.for_backup(target.config))
        print(f"restore: {done.cases} cases, {done.files} files, {time.perf_counter() - start:.1f} s")
        from caseflow.audit.verify import verify_all

        start = time.perf_counter()
        report = verify_all(db.session)
        print(f"audit verify after restore: {'intact' if report.ok else 'BROKEN'}, {report.checked} events, "
              f"{time.perf_counter() - start:.1f} s")
    print(f"(files left in {folder})")


if __name__ == "__main__":
    main()
