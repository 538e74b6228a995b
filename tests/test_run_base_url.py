"""`PORT=5077 make run`: links in emails point at the port the server really listens on."""
import importlib
import sys

import pytest

from caseflow.reminders import case_url
from config import Config


@pytest.fixture
def run_module(monkeypatch):
    """run.py imported afresh (it builds its app at import), with the environment the test set."""
    def load(**environ):
        for key in ("PORT", "HOST", "CASEFLOW_BASE_URL"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv("CASEFLOW_SECRET_KEY", "test-only-secret")  # a fresh checkout has no instance/secret_key
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
