"""The suite's fixtures, in the style of flaskr's conftest: they live in tests/fixtures/ as modules (loaded here as
pytest plugins), so a test imports a helper from tests.fixtures.<topic>, never from conftest."""

pytest_plugins = ["tests.fixtures.app", "tests.fixtures.users", "tests.fixtures.browser", "tests.fixtures.smtp",
                  "tests.fixtures.dovecot"]
