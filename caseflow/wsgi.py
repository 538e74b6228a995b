"""The WSGI entry point for a server run by systemd: `waitress-serve --ident=Caseflow caseflow.wsgi:app`.

The scheduler is not started here: it runs as its own process (`flask --app caseflow scheduler`).
"""
from caseflow import create_app

app = create_app()
