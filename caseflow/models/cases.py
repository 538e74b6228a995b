"""Cases, the rights they invoke, the clock's suspensions, actions taken and the audit trail."""
from datetime import date

from sqlalchemy import event
from sqlalchemy.orm import object_session

from caseflow.extensions import db
from caseflow.legal import deadlines
from caseflow.legal.rights import OPEN_STATUSES
from caseflow.models import search
from caseflow.models.types import UTCDateTime, utcnow


class Case(db.Model):
    """One incoming request (a letter or an email), possibly invoking several rights."""

    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(20), nullable=False, unique=True)
    year = db.Column(db.Integer, nullable=False)
    number = db.Column(db.Integer, nullable=False)
    channel = db.Column(db.String(20), nullable=False)
    # made from an email: was its sender proven by a trusted Authentication-Results header? (None: not an email)
    sender_authenticated = db.Column(db.Boolean)
    received_on = db.Column(db.Date, nullable=False)
    requester_name = db.Column(db.String(200), nullable=False)
    # the name as the register sorts it: folded like the search ("Élise" with the e's, "de Smet" with "De Smet"),
    # kept on save; SQL collation would sort by code point ("Élise" after "Mia")
    requester_sort = db.Column(db.String(200), nullable=False, server_default="")
    requester_email = db.Column(db.String(254))
    requester_address = db.Column(db.Text)
    customer_number = db.Column(db.String(50))
    requester_salutation = db.Column(db.String(10))  # "heer", "mevrouw" or None: "Beste <full name>"
    form_token = db.Column(db.String(64), unique=True)  # the new-case form's token: a second submit makes no second case
    search_text = db.Column(db.Text, nullable=False, server_default="")  # search.case_search_text, kept on save
    request_text = db.Column(db.Text, nullable=False, default="")
    attachment_name = db.Column(db.String(255))
    attachment_path = db.Column(db.String(255))
    tracking_number = db.Column(db.String(30))  # Bpost number of an incoming registered letter
    status = db.Column(db.String(20), nullable=False, default="new")  # indexed with the deadline: __table_args__
    assignee_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    # Deadline as of the last change, kept so the register can sort and filter in SQL.
    # While the clock is suspended it is the earliest possible deadline.
    deadline = db.Column(db.Date, nullable=False, index=True)
    identity_requested_on = db.Column(db.Date)  # start of the running suspension, if any
    identity_verified_on = db.Column(db.Date)
    identity_method = db.Column(db.Text)  # free text: what was checked (or clarified)
    # The identity ladder (rights.IDENTITY_CHECKS): the method asked for, then the one used to verify
    identity_check = db.Column(db.String(20))
    identity_check_reason = db.Column(db.Text)  # why an identity document: the doubt that remained
    identity_copy_destroyed_on = db.Column(db.Date)  # the copy of the identity document was destroyed that day
    extended_on = db.Column(db.Date)
    extension_reason = db.Column(db.Text)
    answer_sent_on = db.Column(db.Date)
    closed_at = db.Column(UTCDateTime)
    closing_note = db.Column(db.Text)
    close_on_delivery = db.Column(db.String(20))  # close with this status once the answer's email is delivered
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    version = db.Column(db.Integer, nullable=False, default=1)
    # Set by the daily escalate job (caseflow.legal.escalation): the rung of the ladder and since when.
    escalation_level = db.Column(db.String(20))
    escalated_on = db.Column(db.Date)
    anonymised_on = db.Column(db.Date)  # retention (caseflow.retention): personal data removed on this day

    assignee = db.relationship("User", foreign_keys=[assignee_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    rights = db.relationship(
        "CaseRight", back_populates="case", order_by="CaseRight.id", cascade="all, delete-orphan"
    )
    suspensions = db.relationship(
        "Suspension", back_populates="case", order_by="Suspension.started_on", cascade="all, delete-orphan"
    )
    events = db.relationship("AuditEvent", back_populates="case", order_by="AuditEvent.id")

    __table_args__ = (
        db.UniqueConstraint("year", "number", name="uq_case_year_number"),
        # the register sorts and filters by these (migration 0013); search has its own index (caseflow/models/search.py)
        db.Index("ix_case_received_on_id", "received_on", "id"),
        db.Index("ix_case_deadline_id", "deadline", "id"),
        db.Index("ix_case_closed_at_id", "closed_at", "id"),
        db.Index("ix_case_requester_sort_id", "requester_sort", "id"),
        db.Index("ix_case_answer_sent_on", "answer_sent_on", "received_on", "deadline"),
        # the open cases in the register's order, read from the index alone (migration 0015); serves every
        # lookup by status too
        db.Index("ix_case_status_deadline", "status", "deadline", "identity_requested_on", "id"),
    )
    # Optimistic locking: a write based on a stale read fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def extended(self) -> bool:
        return self.extended_on is not None

    @property
    def extension_notified(self) -> bool:
        """The extension notice reached the requester by the original deadline (Letter.told_by): a registered
        letter received by then, or an email not given up on (queued or sent; a failed one told nobody)."""
        original = self.original_deadline()
        return any(letter.kind == "extension_notice" and letter.told_by(original) for letter in self._letters())

    def _letters(self) -> list:
        session = object_session(self)
        if session is None:
            return list(self.letters)
        with session.no_autoflush:  # read in the middle of a change: loading letters must not flush it half-done
            return list(self.letters)

    @property
    def identity_request_sent(self) -> bool:
        """The running request for proof of identity or clarification went out as a letter (not a failed email)."""
        return self.identity_requested_on is not None and any(
            letter.kind == "identity_request" and not letter.failed and letter.sent_on >= self.identity_requested_on
            for letter in self._letters())

    @property
    def failed_letters(self) -> list:
        """Emails to the requester's current address that could not be delivered: the requester was not told."""
        return [letter for letter in self._letters() if letter.failed and letter.recipient == self.requester_email]

    @property
    def extension_effective(self) -> bool:
        """Art. 12(3): an extension counts only once the requester is told, with the reasons, before the original
        deadline. Until then the original deadline stands; once it has passed without notice, it stands for good."""
        return self.extended and self.extension_notified

    @property
    def is_suspended(self) -> bool:
        return self.identity_requested_on is not None

    def suspended_days(self, today: date | None = None) -> int:
        """Days the clock stood still: finished suspensions, plus the running one up to today."""
        days = sum(s.days for s in self.suspensions if s.ended_on is not None)
        if self.identity_requested_on is not None and today is not None:
            days += max(0, (today - self.identity_requested_on).days)
        return days

    def original_deadline(self, today: date | None = None) -> date:
        return deadlines.legal_deadline(self.received_on, suspended_days=self.suspended_days(today))

    def extended_deadline(self, today: date | None = None) -> date:
        return deadlines.legal_deadline(self.received_on, extended=True, suspended_days=self.suspended_days(today))

    def current_deadline(self, today: date | None = None) -> date:
        return self.extended_deadline(today) if self.extension_effective else self.original_deadline(today)

    def days_left(self, today: date) -> int:
        return deadlines.days_left(self.current_deadline(today), today)

    def right(self, key: str):
        return next((r for r in self.rights if r.right == key), None)

    @property
    def right_keys(self) -> list[str]:
        return [r.right for r in self.rights]

    def __repr__(self):
        return f"<Case {self.reference}>"


class Suspension(db.Model):
    """A period the clock stood still: from asking for identity/clarification until the answer came."""

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("case.id"), nullable=False, index=True)
    started_on = db.Column(db.Date, nullable=False)
    ended_on = db.Column(db.Date)
    case = db.relationship("Case", back_populates="suspensions")

    @property
    def days(self) -> int:
        return (self.ended_on - self.started_on).days if self.ended_on else 0


class CaseRight(db.Model):
    """One right invoked in a case, with its own outcome and resolution actions."""

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("case.id"), nullable=False, index=True)
    right = db.Column(db.String(30), nullable=False)
    outcome = db.Column(db.String(30))
    refusal_code = db.Column(db.String(30))
    outcome_reason = db.Column(db.Text)
    outcome_at = db.Column(UTCDateTime)
    outcome_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    # The decision's own optimistic lock (migration 0014): two colleagues deciding two different rights of a case
    # both succeed; only two changes to the same decision conflict. The case's version is not touched by a decision.
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    case = db.relationship("Case", back_populates="rights")
    outcome_by = db.relationship("User")
    actions = db.relationship(
        "ResolutionAction", back_populates="case_right", order_by="ResolutionAction.id", cascade="all, delete-orphan"
    )

    __table_args__ = (db.UniqueConstraint("case_id", "right", name="uq_case_right_case_id_right"),
                      db.Index("ix_case_right_right_case_id", "right", "case_id"),
                      db.Index("ix_case_right_case_id_outcome", "case_id", "right", "outcome"))
    __mapper_args__ = {"version_id_col": version}


class ResolutionAction(db.Model):
    """What somebody did for a right: e.g. 'account deleted in web shop', 'PayPal informed (Art. 19)'."""

    id = db.Column(db.Integer, primary_key=True)
    case_right_id = db.Column(db.Integer, db.ForeignKey("case_right.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    performed_on = db.Column(db.Date, nullable=False)
    system = db.Column(db.String(30), nullable=False)
    description = db.Column(db.String(500), nullable=False)
    note = db.Column(db.Text)  # for a checklist item marked not applicable: the reason
    checklist_item = db.Column(db.String(40))  # key in checklists.toml, when this ticks a checklist line
    not_applicable = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    case_right = db.relationship("CaseRight", back_populates="actions")
    user = db.relationship("User")

    # a checklist line is dealt with once: two colleagues ticking the same line at once, the second is told
    __table_args__ = (db.UniqueConstraint("case_right_id", "checklist_item", name="uq_resolution_action_checklist_line"),)


class AuditEvent(db.Model):
    """An immutable record of a change to a case: who, when, what, before -> after."""

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("case.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))  # None: the system (scheduler)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    action = db.Column(db.String(40), nullable=False)
    detail = db.Column(db.Text)
    before = db.Column(db.Text)
    after = db.Column(db.Text)
    # HMAC-SHA256 (audit key) over this event's fields and the previous event's link (caseflow.audit.chain)
    hash = db.Column(db.String(64))
    # Retention (caseflow.retention) blanks personal data in detail/before/after; the digests of what was there
    # stay here (JSON), so the chain still verifies and nothing can be put in their place.
    redacted = db.Column(db.Text)

    case = db.relationship("Case", back_populates="events")
    user = db.relationship("User")


class CaseCounter(db.Model):
    """The last reference number given per year; taken with an atomic UPDATE, so numbers are unique and gapless."""

    __tablename__ = "case_counter"
    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    last_number = db.Column(db.Integer, nullable=False)


class ImmutableAuditError(RuntimeError):
    pass


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_search_columns(mapper, connection, case):
    """The folded texts the register searches and sorts by, kept on every save."""
    case.search_text = search.case_search_text(case)
    case.requester_sort = search.fold(case.requester_name)[:200]


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_changes(mapper, connection, target):
    raise ImmutableAuditError("audit events are never edited or deleted")
