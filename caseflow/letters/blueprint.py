"""The letters' blueprint: letters to the requester and the data package, pages of a case."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("letters", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page needs a logged-in staff member."""
