"""`PORT=5077 make run`: links in emails point at the port the server really listens on."""
import importlib
import sys

import pytest

from caseflow.mail.reminders import case_url
from config import Config


@pytest.fixture
def run_module(monkeypatch):
    """run.py imported afresh (it builds its app at import), with the environment the test set."""
    def load(**environ):
        for key in ("PORT", "HOST", "CASEFLOW_BASE_URL"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv("CASEFLOW_SECRET_KEY", "test-only-secret")  # a fresh checkout has no instance/secret_key
        monkeypatch.setenv("CASEFLOW_AUDIT_KEY", "test-only-audit-key")  # nor instance/audit_key
        for key, value in environ.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delitem(sys.modules, "run", raising=False)
        return importlib.import_module("run")

    yield load
    sys.modules.pop("run", None)


def test_links_follow_the_port(run_module):
    run = run_module(PORT="5077")
    assert (run.HOST, run.PORT) == ("127.0.0.1", 5077)
    if run.app.config["BASE_URL"] != "http://127.0.0.1:5077":
        pytest.skip("instance/config.py sets BASE_URL on this machine")
    with run.app.app_context():
        assert case_url(41) == "http://127.0.0.1:5077/cases/41"


def test_an_explicit_base_url_wins(run_module):
    run = run_module(PORT="5077", CASEFLOW_BASE_URL='"https://caseflow.labelstudio.be"')
    assert run.app.config["BASE_URL"] == "https://caseflow.labelstudio.be"


@pytest.mark.parametrize("environ, base_url", [
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "5077"}, "http://127.0.0.1:5077"),
    ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://127.0.0.1:8080"),
    ({"HOST": "192.168.1.20", "PORT": "8080"}, "http://192.168.1.20:8080"),
    ({"HOST": "::1", "PORT": "8080"}, "http://[::1]:8080"),
])
def test_serve_address_derives_the_default(app, run_module, environ, base_url):
    serve_address = run_module().serve_address
    app.config["BASE_URL"] = Config.BASE_URL
    try:
        serve_address(app, environ)
        assert app.config["BASE_URL"] == base_url
        app.config["BASE_URL"] = "https://caseflow.example"  # set explicitly: kept
        serve_address(app, environ)
        assert app.config["BASE_URL"] == "https://caseflow.example"
    finally:
        app.config["BASE_URL"] = Config.BASE_URL


def test_run_py_serves_through_waitress_without_a_version_banner(tmp_path):
    """`make run` (python run.py) answers through waitress with a neutral Server header, not Werkzeug's."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "CASEFLOW_SECRET_KEY": "test-only-secret",
           "CASEFLOW_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/run.sqlite", "PYTHONUNBUFFERED": "1",
           "CASEFLOW_AUDIT_KEY": "test-only-audit-key", "CASEFLOW_AUDIT_ANCHOR_FILE": f"{tmp_path}/audit-anchors.log"}
    env.pop("CASEFLOW_BASE_URL", None)
    subprocess.run([sys.executable, "-m", "flask", "--app", "caseflow", "db", "upgrade"], cwd=root, env=env,
                   check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "run.py"], cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:  # wait for the port to open (a process start, not a clock under test)
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except urllib.error.HTTPError as error:
                response = error
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "run.py did not start serving"
                time.sleep(0.2)
        # No account yet: /login sends to the setup page; either way the answer comes from waitress.
        assert response.headers["Server"] == "Caseflow"
        assert "Werkzeug" not in str(response.headers) and "Python" not in str(response.headers)
        assert response.headers["X-Frame-Options"] == "DENY"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "waitress" in output.lower() or f"http://127.0.0.1:{port}" in output
