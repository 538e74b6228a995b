"""The evidence pack's blueprint: pages of a case, for logged-in staff."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("evidence", __name__)


@bp.before_request
@login_required
def require_login():
    """Only logged-in staff."""
