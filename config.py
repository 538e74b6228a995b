"""Settings. Every value can be overridden by instance/config.py or a CASEFLOW_* environment variable."""
import os
import tempfile


class Config:
    """Defaults for a single-machine installation with its SQLite database in instance/."""

    SECRET_KEY = None  # instance/secret_key or CASEFLOW_SECRET_KEY; never a built-in default
    SQLALCHEMY_DATABASE_URI = None  # default: sqlite:///<instance>/caseflow.sqlite (set in create_app)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # attachments: 20 MB
    WTF_CSRF_TIME_LIMIT = None  # a form's token lasts until logout (a new one at every login): long forms never expire
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    LANGUAGES = ("nl", "en")
    TIMEZONE = "Europe/Brussels"
    WARNING_DAYS = 7  # the "due soon" window of the escalation ladder
    IDENTITY_WAIT_DAYS = 30  # suggest closing as unverified after this many days
    CASES_PER_PAGE = 50
    SCHEDULER_ENABLED = False  # run.py and `flask scheduler` switch it on
    BASE_URL = "http://127.0.0.1:5000"  # links in emails; left at this default, python run.py uses its HOST and PORT
    LETTERS_REPLY_TO = "info@labelstudio.be"  # requesters' replies to letters sent by email
    # Scheduled jobs (caseflow/jobs.py), times in TIMEZONE.
    ESCALATE_TIME = "06:00"
    REMINDERS_TIME = "08:00"
    REMINDERS_WORKING_DAYS_ONLY = True  # no reminders on Saturdays, Sundays and Belgian public holidays
    MAIL_INTERVAL_SECONDS = 60  # how often the outbox is delivered
    # Outgoing mail (caseflow/mail.py). No MAIL_SERVER: messages are written to instance/mail/*.eml.
    MAIL_SERVER = None
    MAIL_PORT = None  # default: 465 with MAIL_USE_SSL, 587 with MAIL_USE_TLS (STARTTLS), else 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Caseflow <caseflow@labelstudio.be>"
    MAIL_TIMEOUT = 10  # seconds per SMTP connection
    MAIL_MAX_ATTEMPTS = 10  # then the message is marked failed and shown to admins
    MAIL_RETRY_BASE_SECONDS = 60  # retry after 1, 2, 4, 8... minutes
    MAIL_RETRY_MAX_SECONDS = 4 * 3600
    MAIL_STUCK_AFTER_SECONDS = 15 * 60  # 'sending' for longer: a crash mid-send, failed for an admin to judge
    # Retention (caseflow/retention): closed cases are anonymised after this many years; stored files that belong
    # to no case (left by a crash) are removed once they are this old.
    RETENTION_YEARS = 5
    RETENTION_TIME = "05:30"
    ORPHAN_MIN_AGE_HOURS = 24
    # Daily backup (caseflow/backup): off unless BACKUP_DIR is set; keeps the newest BACKUP_KEEP archives.
    BACKUP_DIR = None
    BACKUP_TIME = "02:30"
    BACKUP_KEEP = 14


class TestConfig(Config):
    """Settings for the test suite: a throw-away database, no CSRF unless a test asks for it."""

    TESTING = True
    SECRET_KEY = "test-only-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CASEFLOW_SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + os.path.join(tempfile.gettempdir(), f"caseflow-test-{os.getpid()}.sqlite"),
    )
