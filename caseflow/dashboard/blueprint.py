"""The dashboard's blueprint."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)
