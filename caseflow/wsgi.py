"""The WSGI entry point for a server run by systemd: `waitress-serve --ident=Caseflow
--max-request-body-size=20971520 caseflow.wsgi:app` (the body limit equal to MAX_CONTENT_LENGTH).

The scheduler is not started here: it runs as its own process (`flask --app caseflow scheduler`).
"""
from caseflow import create_app

app = create_app()
