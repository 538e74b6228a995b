"""Staff accounts: create, deactivate, reset passwords, language preference."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import User
from . import ServiceError, commit

MIN_PASSWORD_LENGTH = 8
LOCALES = ("nl", "en")


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH), field="password"
        )


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
    _check_password(password)
    user = User(email=email, name=name.strip(), is_admin=is_admin, locale=locale if locale in LOCALES else "nl")
    user.set_password(password)
    db.session.add(user)
    commit()
    return user


def set_active(user: User, active: bool, *, actor: User) -> User:
    if user.id == actor.id and not active:
        raise ServiceError(_l("You cannot deactivate your own account."))
    user.active = active
    commit()
    return user


def reset_password(user: User, password: str) -> User:
    _check_password(password)
    user.set_password(password)
    commit()
    return user


def set_locale(user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise ServiceError(_l("Unknown language."))
    user.locale = locale
    commit()
    return user


def active_staff() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))
