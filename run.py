"""`python run.py`: the web app with its scheduler, for a single machine (`make run`), served by waitress."""
import logging
import os

from caseflow import create_app
from caseflow.jobs import scheduler
from config import Config

THREADS = 8


def serve_address(app, environ=os.environ) -> tuple[str, int]:
    """HOST and PORT to serve on; links in emails point there too unless BASE_URL is set (PORT=5077 make run)."""
    host, port = environ.get("HOST", "127.0.0.1"), int(environ.get("PORT", "5000"))
    if app.config["BASE_URL"] == Config.BASE_URL:  # neither CASEFLOW_BASE_URL nor instance/config.py sets it
        link_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # all interfaces: this machine's
        app.config["BASE_URL"] = f"http://{f'[{link_host}]' if ':' in link_host else link_host}:{port}"
    return host, port


def server_settings(app) -> dict:
    """What waitress is told besides the address: threads, a neutral Server header (no version), and no request
    body larger than the app itself takes (MAX_CONTENT_LENGTH). Without that, waitress reads a chunked body from
    anyone, logged in or not, up to its own default of 1 GB into a temporary file before the app sees it; with
    it, waitress answers 413 and closes the connection once the body passes the limit."""
    settings = {"threads": THREADS, "ident": "Caseflow"}
    if app.config.get("MAX_CONTENT_LENGTH"):
        settings["max_request_body_size"] = app.config["MAX_CONTENT_LENGTH"]
    return settings


def make_server(app, host: str, port: int):
    """The waitress server `serve` runs (port 0: a free one, see its effective_port)."""
    from waitress import create_server

    return create_server(app, host=host, port=port, **server_settings(app))


def serve(app, host: str, port: int) -> None:
    """A production WSGI server (waitress: threaded, pure Python), with the settings of server_settings()."""
    logging.basicConfig()  # waitress's warnings (a queue building up) to stderr, as waitress.serve does
    server = make_server(app, host, port)
    print(f"Caseflow serving on http://{host}:{port} (base URL for links: {app.config['BASE_URL']})", flush=True)
    server.run()


app = create_app()
HOST, PORT = serve_address(app)

if __name__ == "__main__":
    scheduler.start(app)
    serve(app, HOST, PORT)
