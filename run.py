"""`python run.py`: the web app with its scheduler, for a single machine (`make run`), served by waitress."""
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


def serve(app, host: str, port: int) -> None:
    """A production WSGI server (waitress: threaded, pure Python), with a neutral Server header (no version)."""
    from waitress import serve as waitress_serve

    print(f"Caseflow serving on http://{host}:{port} (base URL for links: {app.config['BASE_URL']})", flush=True)
    waitress_serve(app, host=host, port=port, threads=THREADS, ident="Caseflow")


app = create_app()
HOST, PORT = serve_address(app)

if __name__ == "__main__":
    scheduler.start(app)
    serve(app, HOST, PORT)
