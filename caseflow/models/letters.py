"""What went to a requester: the letters as sent and the data package files."""
from datetime import date, timezone

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal import deadlines
from caseflow.models.types import UTCDateTime, utcnow


class Letter(db.Model):
    """A letter or email to the requester, exactly as it was sent: when, by whom, how."""

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("case.id"), nullable=False, index=True)
    kind = db.Column(db.String(30), nullable=False)  # acknowledgement, identity_request, extension_notice, answer
    locale = db.Column(db.String(5), nullable=False)
    delivery = db.Column(db.String(20), nullable=False)  # email or registered_letter
    recipient = db.Column(db.Text, nullable=False)  # email address, or name and postal address
    subject = db.Column(db.String(255), nullable=False)
    body = db.Column(db.Text, nullable=False)
    sent_on = db.Column(db.Date, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    outbox_message_id = db.Column(db.Integer, db.ForeignKey("outbox_message.id"))
    package_name = db.Column(db.String(255))  # the package ZIP attached, if any
    package_path = db.Column(db.String(255))  # the exact ZIP sent or handed over, relative to the instance folder
    posted_on = db.Column(db.Date)  # proof of sending a registered letter (caseflow.registered)
    tracking_number = db.Column(db.String(30))
    delivered_on = db.Column(db.Date)  # the delivery the Bpost receipt shows, when it is earlier than presumed
    receipt_name = db.Column(db.String(255))
    receipt_path = db.Column(db.String(255))  # under instance/attachments
    passphrase_channel = db.Column(db.String(20))  # an encrypted package's passphrase: how it reached the requester

    case = db.relationship("Case", backref=db.backref("letters", order_by="Letter.id"))
    created_by = db.relationship("User")
    outbox_message = db.relationship("OutboxMessage")

    @property
    def failed(self) -> bool:
        """An email the outbox gave up on (until an admin retries it)."""
        return self.outbox_message is not None and self.outbox_message.status == "failed"

    @property
    def delivered(self) -> bool:
        """Out of our hands: a registered letter kept for printing, or an email the server accepted."""
        return self.outbox_message is None or self.outbox_message.status == "sent"

    @property
    def received_on(self) -> date | None:
        """When a registered letter counts as received (until its posting is recorded: posted the day it was
        saved); None for an email (see told_by)."""
        if self.delivery == "registered_letter":
            return deadlines.registered_letter_received(self.posted_on or self.sent_on, self.delivered_on)

    def told_by(self, day: date) -> bool:
        """The requester was told no later than `day` (Brussels time), or may still be: an email not given up on
        and not delivered after that day; a registered letter that counts as received by then."""
        if self.delivery == "registered_letter":
            return self.received_on <= day
        if self.outbox_message is None:
            return self.sent_on <= day
        message = self.outbox_message
        if message.status == "failed":
            return False
        if message.status == "sent" and message.sent_at is not None:
            sent_at = message.sent_at if message.sent_at.tzinfo else message.sent_at.replace(tzinfo=timezone.utc)
            return sent_at.astimezone(clock.BRUSSELS).date() <= day
        return True


class PackageFile(db.Model):
    """A data export uploaded for an access or portability answer (web shop, Mailchimp...)."""

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("case.id"), nullable=False, index=True)
    display_name = db.Column(db.String(255), nullable=False)
    stored_name = db.Column(db.String(255), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    uploaded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    purged_at = db.Column(UTCDateTime)  # deleted from the server after the retention period; name, size, hash kept

    case = db.relationship("Case", backref=db.backref("package_files", order_by="PackageFile.id"))
    uploaded_by = db.relationship("User")
