"""The manager's dashboard: does Labelstudio keep its promise to answer within the legal deadline?"""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)
