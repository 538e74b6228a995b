"""The register's blueprint: every page of it needs a logged-in staff member."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("cases", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of the register needs a logged-in staff member."""
