"""The scheduled jobs' daily claims, and each job's run of failures."""
from caseflow.extensions import db
from caseflow.models.types import UTCDateTime


class JobRun(db.Model):
    """One day's run of a scheduled job; the unique (job, day) is the claim that makes a daily job run once."""

    id = db.Column(db.Integer, primary_key=True)
    job = db.Column(db.String(30), nullable=False)
    day = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(10), nullable=False)  # running, done, skipped, failed
    started_at = db.Column(UTCDateTime, nullable=False)
    finished_at = db.Column(UTCDateTime)
    count = db.Column(db.Integer, nullable=False, default=0)
    summary = db.Column(db.String(255))
    error = db.Column(db.Text)

    __table_args__ = (db.UniqueConstraint("job", "day", name="uq_job_run_job_day"),)


class JobHealth(db.Model):
    """How a job has fared lately: its failures in a row (reset by a success) and whether the admins were told."""

    __tablename__ = "job_health"

    job = db.Column(db.String(30), primary_key=True)
    failures = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    failing_since = db.Column(UTCDateTime)
    last_error = db.Column(db.Text)
    alerted_at = db.Column(UTCDateTime)  # the admins were emailed about this run of failures
    last_success_at = db.Column(UTCDateTime)
