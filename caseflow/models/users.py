"""Staff accounts."""
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    locale = db.Column(db.String(5), nullable=False, default="nl")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    totp_secret = db.Column(db.String(64))  # two-factor login (caseflow.security.totp); None: not enrolled
    totp_last_step = db.Column(db.Integer)  # the last code's time step: a code works once

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the signed cookie: the id of the server-side session record, never the user id.

        Set by caseflow.security.sessions when it opens or resumes a session; ending that record ends the login.
        """
        return self.session_id

    session_id = None  # not a column: the UserSession this request runs under

    def __eq__(self, other):  # UserMixin compares get_id(), i.e. sessions: compare accounts instead
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<User {self.email}>"
