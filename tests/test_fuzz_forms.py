"""Random and hostile input posted to every form: never a 500, never markup that comes back unescaped.

Hypothesis generates the values; every POST route of the app is tried (logged in as an administrator, CSRF off
as in TestConfig), with the field names its own page shows. Bounded: EXAMPLES per route, well under a minute.
"""
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

EXAMPLES = 12  # per POST route; about 30 routes
MARKER = '<b id="fuzz">'
HOSTILE = [
    MARKER, f"{MARKER}</textarea><script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
    "=HYPERLINK(\"https://evil.example\",\"x\")", "Onderwerp\r\nBcc: iemand@example.com", "0001-01-01",
    "9999-12-31", "9" * 40, "-1", "", " ", "\x00", "ü" * 300, "x" * 20_000, "../../etc/passwd", "{{ 7*7 }}",
    "%(name)s", "nl", "en", "access", "granted", "refused", "email", "webshop",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.from_regex(r"\A[0-9]{1,25}\Z"))
SKIPPED = {"/logout"}  # ends the session the other routes need


def _fields_on(client, url: str) -> list[str]:
    page = client.get(url)
    if page.status_code != 200:
        return []
    return sorted(set(re.findall(r'name="([a-z_]+)"', page.get_data(as_text=True))) - {"csrf_token"})


def _post_routes(app, ids: dict) -> list[tuple[str, list[str]]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule in SKIPPED:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(ids.get(name, 1))).replace(f"<{name}>", str(ids.get(name, 1)))
        routes.append(url)
    return sorted(routes)


def test_every_form_survives_random_and_hostile_input(app, client, auth):
    admin = make_user("admin@labelstudio.be", "Els Janssens", admin=True)
    colleague = make_user("piet@labelstudio.be", "Piet Wouters")
    case = open_case(admin, received_on=date.today(), today=date.today(), rights=("access", "erasure"))
    svc.record_identity(case, actor=admin, method="e-mailadres van de account")
    ids = {"case_id": case.id, "right_id": case.rights[0].id, "user_id": colleague.id}
    auth.login("admin@labelstudio.be")
    generic = ["version", "note", "reason", "subject", "body", "q", "email", "name", "password", "status", "kind"]
    routes = [(url, _fields_on(client, url) or generic) for url in _post_routes(app, ids)]
    assert len(routes) >= 15  # every blueprint's forms are in

    for url, fields in routes:
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
        @given(st.fixed_dictionaries({name: values for name in fields}))
        def post(data):
            response = client.post(url, data=data)
            body = response.get_data(as_text=True)
            assert response.status_code != 500, (url, data)
            assert MARKER not in body and "<script>alert" not in body, (url, data)
            if response.status_code in (302, 303) and "/login" in response.headers.get("Location", ""):
                auth.login("admin@labelstudio.be")  # e.g. the fuzzed language form: stay logged in

        post()
