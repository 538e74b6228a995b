"""The operations CLI: `flask users create`."""
from caseflow.extensions import db
from caseflow.models import User


def find(email):
    return db.session.scalar(db.select(User).filter_by(email=email))


def test_users_create_admin_with_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "els@labelstudio.be", "--name", "Els Janssens", "--admin",
                                 "--password-stdin"], input="geheim-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "Els Janssens" in result.output
    user = find("els@labelstudio.be")
    assert user.is_admin and user.check_password("geheim-wachtwoord")


def test_users_create_prompts_for_password(runner):
    result = runner.invoke(args=["users", "create", "an@labelstudio.be", "--name", "An Peeters"],
                           input="Brecht-etiket-lente-7\nBrecht-etiket-lente-7\n")
    assert result.exit_code == 0, result.output
    user = find("an@labelstudio.be")
    assert not user.is_admin and user.check_password("Brecht-etiket-lente-7")


def test_users_create_refuses_duplicates_and_short_passwords(runner):
    runner.invoke(args=["users", "create", "an@labelstudio.be", "--name", "An", "--password-stdin"],
                  input="Brecht-etiket-lente-7\n")
    dup = runner.invoke(args=["users", "create", "AN@labelstudio.be", "--name", "An 2", "--password-stdin"],
                        input="Brecht-etiket-zomer-8\n")
    assert dup.exit_code != 0 and ("already exists" in dup.output or "bestaat al" in dup.output)
    short = runner.invoke(args=["users", "create", "kort@labelstudio.be", "--name", "K", "--password-stdin"],
                          input="kort\n")
    assert short.exit_code != 0
    assert find("kort@labelstudio.be") is None
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
