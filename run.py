"""`python run.py`: the web app with its scheduler, for a single machine (`make run`)."""
import os

from flask.helpers import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from caseflow import create_app, scheduler
from config import Config


def serve_address(app, environ=os.environ) -> tuple[str, int]:
    """HOST and PORT to serve on; links in emails point there too unless BASE_URL is set (PORT=5077 make run)."""
    host, port = environ.get("HOST", "127.0.0.1"), int(environ.get("PORT", "5000"))
    if app.config["BASE_URL"] == Config.BASE_URL:  # neither CASEFLOW_BASE_URL nor instance/config.py sets it
        link_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # all interfaces: this machine's
        app.config["BASE_URL"] = f"http://{f'[{link_host}]' if ':' in link_host else link_host}:{port}"
    return host, port


app = create_app()
HOST, PORT = serve_address(app)

if __name__ == "__main__":
    use_reloader = get_debug_flag() or app.debug
    # With the reloader, this file runs in a watcher process and in the serving child: start jobs in the child only.
    if not use_reloader or is_running_from_reloader():
        scheduler.start(app)
    app.run(host=HOST, port=PORT, use_reloader=use_reloader)
