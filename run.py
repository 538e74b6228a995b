"""`python run.py`: the web app with its scheduler, for a single machine (`make run`)."""
import os

from flask.helpers import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from caseflow import create_app, scheduler

app = create_app()

if __name__ == "__main__":
    use_reloader = get_debug_flag() or app.debug
    # With the reloader, this file runs in a watcher process and in the serving child: start jobs in the child only.
    if not use_reloader or is_running_from_reloader():
        scheduler.start(app)
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
            use_reloader=use_reloader)
