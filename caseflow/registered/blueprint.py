"""The registered mail blueprint: pages of a letter, for logged-in staff."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("registered", __name__)


@bp.before_request
@login_required
def require_login():
    """Only logged-in staff."""
