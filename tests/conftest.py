"""Fixtures: app, client, runner, users and logins, in the style of flaskr's conftest."""
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from caseflow import create_app
from caseflow.extensions import db
from caseflow.models import User
from caseflow.services import cases as case_service
from config import TestConfig

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    """One app and schema for the session; each test starts from empty tables."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}})
    app.instance_path = str(instance)
    with app.app_context():
        _drop_everything()
        upgrade()  # the suite runs on the schema the migrations build, as production does
    yield app
    with app.app_context():
        _drop_everything()
        db.engine.dispose()


def _drop_everything():
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(_app):
    _app.config.update(WTF_CSRF_ENABLED=False)
    with _app.app_context():
        yield _app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email="an@labelstudio.be", name="An Peeters", admin=False, locale="nl", active=True):
    user = User(email=email, name=name, is_admin=admin, locale=locale, active=active)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def admin(app):
    return make_user("admin@labelstudio.be", "Els Janssens", admin=True)


@pytest.fixture
def staff(app):
    return make_user("an@labelstudio.be", "An Peeters")


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="an@labelstudio.be", password=PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def logged_in(client, auth, staff):
    auth.login()
    return staff


def open_case(actor, *, received_on=date(2026, 3, 5), rights=("access",), today=date(2026, 3, 5), **kw):
    """A case as staff would log it, for tests that need one to exist."""
    values = dict(channel="registered_letter", requester_name="Jan Claes",
                  requester_email="jan.claes@example.be", request_text="Ik wil inzage in mijn gegevens.")
    values.update(kw)
    return case_service.open_case(actor=actor, received_on=received_on, rights=list(rights), today=today, **values)
