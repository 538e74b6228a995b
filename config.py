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
    CASES_PER_PAGE = 25  # the register pages with "next" (nothing counted): a few screens of cases
    SCHEDULER_ENABLED = False  # run.py and `flask scheduler` switch it on
    BASE_URL = "http://127.0.0.1:5000"  # links in emails; left at this default, python run.py uses its HOST and PORT
    # Letters emailed to requesters come from the shop, whose name they know; staff notices come from Caseflow.
    LETTERS_SENDER = "Labelstudio <info@labelstudio.be>"
    LETTERS_REPLY_TO = "info@labelstudio.be"  # requesters' replies to letters sent by email
    PACKAGE_RETENTION_DAYS = 30  # data package files are deleted from the server this many days after delivery
    # Scheduled jobs (caseflow/jobs/runner.py), times in TIMEZONE.
    AUDIT_TIME = "05:45"  # the daily check of the audit trail's hash chain (jobs.verify_audit)
    # The key of the audit chain's links (HMAC-SHA256), kept outside the database: CASEFLOW_AUDIT_KEY, else
    # instance/audit_key (made like the secret key). Each day at AUDIT_ANCHOR_TIME the chain's head is anchored
    # outside the database: appended to AUDIT_ANCHOR_FILE (relative: in instance/) and mailed to every admin.
    AUDIT_KEY = None
    AUDIT_ANCHOR_TIME = "05:50"
    AUDIT_ANCHOR_FILE = "audit-anchors.log"
    ESCALATE_TIME = "06:00"
    REMINDERS_TIME = "08:00"
    PACKAGES_TIME = "03:00"  # the daily deletion of data packages past their retention period
    REMINDERS_WORKING_DAYS_ONLY = True  # no reminders on Saturdays, Sundays and Belgian public holidays
    MAIL_INTERVAL_SECONDS = 60  # how often the outbox is delivered
    # Outgoing mail (caseflow/mail/outbox.py). No MAIL_SERVER: messages are written to instance/mail/*.eml.
    MAIL_SERVER = None
    MAIL_PORT = None  # default: 465 with MAIL_USE_SSL, 587 with MAIL_USE_TLS (STARTTLS), else 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Caseflow <caseflow@labelstudio.be>"  # staff notices (reminders, assignments); letters: LETTERS_SENDER
    MAIL_TIMEOUT = 10  # seconds per SMTP connection
    MAIL_MAX_ATTEMPTS = 10  # then the message is marked failed and shown to admins
    MAIL_RETRY_BASE_SECONDS = 60  # retry after 1, 2, 4, 8... minutes
    MAIL_RETRY_MAX_SECONDS = 4 * 3600
    MAIL_STUCK_AFTER_SECONDS = 15 * 60  # 'sending' for longer: a crash mid-send, failed for an admin to judge
    # Email intake (caseflow/intake/): the info@ mailbox polled over IMAP when IMAP_HOST is set.
    IMAP_HOST = None
    IMAP_PORT = None  # default: 993 with IMAP_USE_SSL, else 143
    IMAP_USE_SSL = False
    IMAP_STARTTLS = False
    IMAP_USERNAME = None
    IMAP_PASSWORD = None
    IMAP_FOLDER = "INBOX"
    IMAP_TIMEOUT = 30  # seconds per IMAP connection
    IMAP_FIRST_SCAN_DAYS = 60  # the first poll of a folder takes in the mail of these last days, not all its history
    INTAKE_INTERVAL_SECONDS = 180  # how often the mailbox is polled
    INTAKE_MAX_ATTACHMENT_MB = 20  # larger attachments of an email are not kept (the email itself is)
    INTAKE_COLLEAGUE_DOMAINS = ("labelstudio.be",)  # a forward from these: the original sender and date count
    # The receiving mail servers whose Authentication-Results header is believed (their authserv-id, e.g.
    # ["mx1.labelstudio.be"]); empty: no sender counts as authenticated. Only the topmost such header is read.
    INTAKE_TRUSTED_AUTHSERV_IDS = ()
    # What is read of one email (larger, deeper, slower: kept in quarantine for a person to look at).
    INTAKE_MAX_MESSAGE_MB = 25  # larger: only its headers are read
    INTAKE_MAX_DEPTH = 20  # MIME nesting
    INTAKE_MAX_PARTS = 200
    INTAKE_MAX_ATTACHMENTS = 50  # stored per email
    INTAKE_MAX_TEXT_CHARS = 200_000
    INTAKE_MAX_SECONDS = 20  # wall-clock time to read one email
    JOB_FAILURES_ALERT = 5  # a job that fails this many runs in a row emails every administrator, once
    # Sessions (caseflow/security/sessions.py): the cookie names a server-side record that ends at logout.
    SESSION_IDLE_MINUTES = 30  # ends after this long without a request
    SESSION_MAX_HOURS = 12  # and this long after logging in, however busy
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: Secure whenever BASE_URL is https (set in create_app)
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # no cookie outlives SESSION_MAX_HOURS (Flask's default: 31 days)
    # Login throttling (caseflow/security/throttle.py): per account, and per client address (an office shares one).
    LOGIN_DELAY_AFTER = 3  # failures, then a growing delay: 1, 2, 4... seconds (at most 60)
    LOGIN_LOCK_AFTER = 10  # failures within LOGIN_LOCK_MINUTES lock the account for LOGIN_LOCK_MINUTES
    LOGIN_LOCK_MINUTES = 15
    LOGIN_ADDRESS_DELAY_AFTER = 10
    LOGIN_ADDRESS_LOCK_AFTER = 20
    REQUIRE_2FA_FOR_ADMINS = False  # administrators must set up two-factor login before they can use Caseflow
    # Behind a reverse proxy that terminates TLS: how many proxies to trust for X-Forwarded-For and -Proto
    # (werkzeug's ProxyFix). 0: no proxy; the client address is the connection's.
    PROXY_FIX_X_FOR = 0
    # Retention (caseflow/retention): closed cases are anonymised after this many years; stored files that belong
    # to no case (left by a crash) are removed once they are this old.
    RETENTION_YEARS = 5
    RETENTION_TIME = "05:30"
    ORPHAN_MIN_AGE_HOURS = 24
    # Daily backup (caseflow/backup): off unless BACKUP_DIR is set; keeps the newest BACKUP_KEEP archives.
    BACKUP_DIR = None
    BACKUP_TIME = "02:30"
    BACKUP_KEEP = 14
    # Backups are encrypted and authenticated under this key (CASEFLOW_BACKUP_KEY), or the key in the file
    # BACKUP_KEY_FILE: never kept beside the archives, and without it a backup cannot be restored.
    BACKUP_KEY = None
    BACKUP_KEY_FILE = None


class TestConfig(Config):
    """Settings for the test suite: a throw-away database, no CSRF unless a test asks for it."""

    TESTING = True
    SECRET_KEY = "test-only-secret"
    WTF_CSRF_ENABLED = False
    AUDIT_KEY = "test-only-audit-key"
    BACKUP_KEY = "test-only-backup-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CASEFLOW_SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + os.path.join(tempfile.gettempdir(), f"caseflow-test-{os.getpid()}.sqlite"),
    )
