"""Administration: staff accounts."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from caseflow import security
from caseflow.extensions import db
from caseflow.models import User
from caseflow.security import throttle
from caseflow.services import ServiceError
from caseflow.services import users as user_service
from caseflow.views import admin_required, apply_service_error
from caseflow.admin.forms import PasswordForm, ToggleForm, UserForm

bp = Blueprint("admin", __name__)


@bp.before_request
@admin_required
def require_admin():
    """Only administrators; staff get 403."""


@bp.route("/users")
def users():
    all_users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    locked = {lock["value"] for lock in throttle.current_locks(security.now()) if lock["key"] == "email"}
    return render_template("admin/users.html", users=all_users, toggle=ToggleForm(), locked=locked)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(email=form.email.data, name=form.name.data, password=form.password.data,
                                            is_admin=form.is_admin.data, locale=form.locale.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("Account created for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form), 200 if not form.errors else 422


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def toggle_active(user_id):
    user = db.get_or_404(User, user_id)
    if ToggleForm().validate_on_submit():
        try:
            user_service.set_active(user, not user.active, actor=current_user, now=security.now())
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("%(name)s can log in again.", name=user.name) if user.active
                  else _("%(name)s has been deactivated.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            # One's own new password ends one's other sessions, not this one.
            user_service.reset_password(user, form.password.data, now=security.now(), actor=current_user,
                                        keep_session=current_user.session_id if user.id == current_user.id else None)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("New password set for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/password.html", form=form, user=user), 200 if not form.errors else 422
