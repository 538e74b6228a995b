"""The daily retention job: anonymise what is due, commit, then delete its files and the orphans."""
from datetime import date, datetime

from flask import current_app

from caseflow.retention import anonymise, orphans
from caseflow.services import commit


def run(today: date, now: datetime):
    years = int(current_app.config["RETENTION_YEARS"])
    files = []
    cases = anonymise.due_cases(today, years)
    for case in cases:
        files += anonymise.anonymise(case, today=today, now=now)
    commit()  # the personal data leave the database before their files leave the disk
    anonymise.delete_files(files)
    removed = orphans.remove_orphans(now)
    return "done", len(cases), {"anonymised": len(cases), "orphans": removed}
