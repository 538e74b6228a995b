"""Emails taken in (from the mailbox or an uploaded .eml), their attachments, and where the mailbox poll stands."""
from caseflow.extensions import db
from caseflow.intake.parse import QUARANTINE
from caseflow.models import UTCDateTime, utcnow

STATUSES = ("new", "case", "attached", "dismissed")


class IntakeMessage(db.Model):
    """One email as received: the raw message kept as a file, what the parser read, and what staff decided."""

    __tablename__ = "intake_message"

    id = db.Column(db.Integer, primary_key=True)
    source = db.Column(db.String(10), nullable=False)  # imap or upload
    folder = db.Column(db.String(255))
    uidvalidity = db.Column(db.BigInteger)
    uid = db.Column(db.BigInteger)
    message_id = db.Column(db.String(255), nullable=False, unique=True)  # the header, or one made from the content
    raw_path = db.Column(db.String(255), nullable=False)  # relative to instance/intake/
    raw_size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    valid = db.Column(db.Boolean, nullable=False, default=True)
    error = db.Column(db.String(30))  # a key of intake.parse.ERRORS
    from_name = db.Column(db.String(200))
    from_email = db.Column(db.String(254))
    forwarded_by = db.Column(db.String(254))
    subject = db.Column(db.String(500), nullable=False, default="")
    received_at = db.Column(UTCDateTime)
    received_on = db.Column(db.Date)  # in Brussels: the day the legal clock starts
    language = db.Column(db.String(5))
    rights = db.Column(db.String(200), nullable=False, default="")  # suggested keys, space separated
    reference = db.Column(db.String(20))  # as found in the message (subject, body or the letter it answers)
    text = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(10), nullable=False, default="new", index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("case.id"), index=True)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))  # None: attached by the system
    decided_at = db.Column(UTCDateTime)
    decision_note = db.Column(db.Text)  # e.g. why it was dismissed
    fetched_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # The requester's address proven by a trusted Authentication-Results header (None: taken in before 0017).
    sender_authenticated = db.Column(db.Boolean)
    forward_claimed_at = db.Column(UTCDateTime)  # an unauthenticated forward's claimed date (not believed)
    problem_detail = db.Column(db.Text)  # what put it in quarantine (error is the code)
    answers_letter_to = db.Column(db.String(254))  # it replies to a letter Caseflow sent to this address

    case = db.relationship("Case", backref=db.backref("intake_messages", order_by="IntakeMessage.received_at"))
    decided_by = db.relationship("User")
    attachments = db.relationship("IntakeAttachment", back_populates="message", order_by="IntakeAttachment.id",
                                  cascade="all, delete-orphan")

    __table_args__ = (db.UniqueConstraint("folder", "uidvalidity", "uid", name="uq_intake_message_folder_uid"),)

    @property
    def right_keys(self) -> list[str]:
        return self.rights.split()

    @property
    def quarantined(self) -> bool:
        """Could not be read in full: kept with its raw bytes, shown as text, for a person to decide."""
        return self.error in QUARANTINE


class IntakeAttachment(db.Model):
    """A file that came with an email: stored under a random name, or refused (too large) with the reason."""

    __tablename__ = "intake_attachment"

    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("intake_message.id"), nullable=False, index=True)
    name = db.Column(db.String(255), nullable=False)  # as the sender named it (shown, never used as a path)
    declared_type = db.Column(db.String(100))
    detected_type = db.Column(db.String(100), nullable=False)  # from the content's magic bytes
    size = db.Column(db.BigInteger, nullable=False)
    stored_name = db.Column(db.String(64))  # None: not kept (see refused)
    refused = db.Column(db.String(30))  # too_large

    message = db.relationship("IntakeMessage", back_populates="attachments")


class IntakeCursor(db.Model):
    """How far the poll of one mailbox folder got: its UIDVALIDITY and the last UID taken in."""

    __tablename__ = "intake_cursor"

    id = db.Column(db.Integer, primary_key=True)
    folder = db.Column(db.String(255), nullable=False, unique=True)
    uidvalidity = db.Column(db.BigInteger, nullable=False)
    last_uid = db.Column(db.BigInteger, nullable=False, default=0)
