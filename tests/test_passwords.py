"""One password rule on every path: at least 12 characters, not a common password, not easily guessed."""
import pytest

from caseflow.extensions import db
from caseflow.models import User
from caseflow.security import users as user_service
from caseflow.services import ServiceError
from tests.fixtures.users import PASSWORD

# (password, the Dutch reason shown)
WEAK = [
    ("kort-maar", "minstens 12 tekens"),
    ("password", "minstens 12 tekens"),
    ("12345678", "minstens 12 tekens"),
    ("1234567890qwerty", "meest gebruikte wachtwoorden"),
    ("aaaaaaaaaaaaaaa", "te makkelijk te raden"),
    ("qwertyuiopasdf", "te makkelijk te raden"),
]
STRONG = "Brecht-etiket-lente-7"


@pytest.mark.parametrize("password, reason", WEAK)
def test_the_rule(app, password, reason):
    with pytest.raises(ServiceError) as refused:
        user_service.check_password(password)
    assert reason in str(refused.value.message)
    user_service.check_password(STRONG)


def test_the_users_own_name_does_not_make_a_strong_password(app):
    user_service.check_password("jan.claes.1970")  # no hints: fine on its own
    with pytest.raises(ServiceError):
        user_service.check_password("jan.claes.1970", email="jan.claes@labelstudio.be", name="Jan Claes")


@pytest.mark.parametrize("password, reason", WEAK)
def test_setup_page(client, password, reason):
    r = client.post("/setup", data={"name": "Els Janssens", "email": "els@labelstudio.be",
                                    "password": password, "confirm": password})
    assert reason in r.get_data(as_text=True) and 'value="Els Janssens"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert client.post("/setup", data={"name": "Els Janssens", "email": "els@labelstudio.be",
                                       "password": STRONG, "confirm": STRONG}).status_code == 302


@pytest.mark.parametrize("password, reason", WEAK)
def test_admin_pages(client, auth, admin, staff, password, reason):
    auth.login(admin.email)
    r = client.post("/admin/users/new", data={"name": "Mie Wouters", "email": "mie@labelstudio.be",
                                              "password": password, "locale": "nl"})
    assert r.status_code == 422 and reason in r.get_data(as_text=True)
    assert user_service.find_by_email("mie@labelstudio.be") is None
    r = client.post(f"/admin/users/{staff.id}/password", data={"password": password})
    assert r.status_code == 422 and reason in r.get_data(as_text=True)
    assert db.session.get(User, staff.id).check_password(PASSWORD)
    r = client.post(f"/admin/users/{staff.id}/password", data={"password": STRONG})
    assert r.status_code == 302 and db.session.get(User, staff.id).check_password(STRONG)


@pytest.mark.parametrize("password, reason", WEAK)
def test_users_create_cli(runner, password, reason):
    result = runner.invoke(args=["users", "create", "mie@labelstudio.be", "--name", "Mie", "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code != 0 and reason in result.output
    assert user_service.find_by_email("mie@labelstudio.be") is None
    result = runner.invoke(args=["users", "create", "mie@labelstudio.be", "--name", "Mie", "--password-stdin"],
                           input=STRONG + "\n")
    assert result.exit_code == 0, result.output
