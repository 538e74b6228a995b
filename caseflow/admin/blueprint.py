"""The administrators' blueprint, under /admin."""
from flask import Blueprint

from caseflow.web.views import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@admin_required
def require_admin():
    """Only administrators; staff get 403."""
