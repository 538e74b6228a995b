"""Staff accounts: create, deactivate, reset passwords, language preference, two-factor login."""
from functools import cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from caseflow.extensions import db
from caseflow.mail import outbox as mail
from caseflow.models import User
from caseflow.security import log, sessions, totp
from caseflow.services import ServiceError, commit

MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's score, 0-4: 3 is "safely unguessable" against an offline attack on a slow hash
LOCALES = ("nl", "en")


@cache
def common_passwords() -> frozenset:
    """The 30,000 most common passwords of leaked password lists, as zxcvbn ships them."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """The one password rule (setup page, admin pages, `users create`): long, not common, not easily guessed."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH), field="password"
        )
    if password.lower() in common_passwords():
        raise ServiceError(_l("This password is on the list of the most common passwords. Choose another one."),
                           field="password")
    hints = [part for part in [email, *email.split("@"), name, *name.split(), "caseflow", "labelstudio"] if part]
    if zxcvbn(password[:72], user_inputs=hints)["score"] < MIN_STRENGTH:
        raise ServiceError(_l("This password is too easy to guess. Make it longer, e.g. a few unrelated words."),
                           field="password")


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def any_user_exists() -> bool:
    return db.session.scalar(select(func.count(User.id))) > 0


def create_user(*, email: str, name: str, password: str, is_admin: bool = False, locale: str = "nl") -> User:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ServiceError(_l("Enter a valid email address."), field="email")
    if not name.strip():
        raise ServiceError(_l("Enter a name."), field="name")
    if find_by_email(email):
        raise ServiceError(_l("An account with this email address already exists."), field="email")
    check_password(password, email=email, name=name)
    user = User(email=email, name=name.strip(), is_admin=is_admin, locale=locale if locale in LOCALES else "nl")
    user.set_password(password)
    db.session.add(user)
    commit()
    return user


def set_active(user: User, active: bool, *, actor: User, now) -> User:
    """Deactivating ends every open session of the account at once."""
    if user.id == actor.id and not active:
        raise ServiceError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        sessions.end_all(user, "deactivated", now=now, actor=actor)
    commit()
    return user


def reset_password(user: User, password: str, *, now, actor: User | None = None, keep_session: str | None = None
                   ) -> User:
    """A new password ends the user's open sessions (but `keep_session`, the one of a user changing their own)."""
    check_password(password, email=user.email, name=user.name)
    user.set_password(password)
    sessions.end_all(user, "password", now=now, keep=keep_session, actor=actor)
    commit()
    return user


def change_password(user: User, current: str, password: str, *, now, keep_session: str | None) -> User:
    """The user's own new password, given the current one; their other sessions end, this one goes on."""
    if not user.check_password(current or ""):
        raise ServiceError(_l("This is not your current password."), field="current")
    if current == password:
        raise ServiceError(_l("Choose a password different from the current one."), field="password")
    return reset_password(user, password, now=now, keep_session=keep_session)


def set_locale(user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise ServiceError(_l("Unknown language."))
    user.locale = locale
    commit()
    return user


def active_staff() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))


def enrol_totp(user: User, secret: str, code: str, *, now, ip=None) -> User:
    """Switch on two-factor login once the user proved their app holds `secret` by giving its current code."""
    step = totp.matching_step(secret, code, now)
    if step is None:
        raise ServiceError(_l("This code is not right. Enter the 6-digit code your authenticator app shows now."),
                           field="code")
    user.totp_secret, user.totp_last_step = secret, step
    log.record("totp_enrolled", now=now, user=user, ip=ip)
    commit()
    return user


def remove_totp(user: User, *, now, actor: User, ip=None, password: str | None = None,
                code: str | None = None) -> User:
    """Switch two-factor login off: the user with their password and a current code (a session left open must not
    be enough), or an administrator when the phone is lost. The user is emailed either way, with the address."""
    if actor.id == user.id:
        if not check_password_hash(user.password_hash, password or ""):
            log.record("code_failed", now=now, user=user, ip=ip, detail="totp_remove: password")
            commit()
            raise ServiceError(_l("This password is not right."), field="password")
        if claim_totp_step(user, code, now) is None:
            log.record("code_failed", now=now, user=user, ip=ip, detail="totp_remove: code")
            commit()
            raise ServiceError(_l("This code is not right (or was already used). Enter the current code from your "
                                  "authenticator app."), field="code")
    user.totp_secret, user.totp_last_step = None, None
    log.record("totp_removed", now=now, user=user, actor=None if actor.id == user.id else actor, ip=ip)
    _tell_totp_removed(user, actor=actor, ip=ip, now=now)
    commit()
    return user


def _tell_totp_removed(user: User, *, actor: User, ip, now) -> None:
    """An email to the user in the same transaction: if it was not them, they know at once."""
    with force_locale(user.locale or "nl"):
        subject = _("Caseflow: two-factor login was switched off for your account")
        text, html = mail.render("two_factor_off", user.locale, user=user, actor=actor, ip=ip or "?", when=now,
                                 subject=subject, base_url=current_app.config["BASE_URL"])
    mail.enqueue(recipient=user.email, subject=subject, text=text, html=html, kind="security", user=user,
                 locale=user.locale, now=now)


def claim_totp_step(user, code: str, now) -> int | None:
    """Use the code once: its step is taken with a conditional UPDATE (only if later than the last step used),
    so the same code submitted at the same moment on several sessions opens one. None: wrong, or used already."""
    step = totp.matching_step(user.totp_secret, code, now, after=user.totp_last_step) if user.totp_secret else None
    if step is None:
        return None
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        return None
    db.session.commit()  # spent: another request with the same code now finds it used
    db.session.refresh(user)
    return step
