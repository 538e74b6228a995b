"""Caseflow: Labelstudio's register of GDPR requests."""
import os
import secrets
from importlib import import_module

from flask import Flask, has_request_context, session
from flask_login import current_user


def _load_key(app: Flask, setting: str, refusal: str) -> None:
    """app.config[setting] from CASEFLOW_<setting> or the file instance/<setting in lower case>; refuse to run
    without one (`refusal` says how to make it)."""
    if app.config.get(setting):
        return
    path = os.path.join(app.instance_path, setting.lower())
    if os.path.exists(path):
        with open(path) as fh:
            app.config[setting] = fh.read().strip()
        if app.config[setting]:
            return
    raise RuntimeError(refusal)


def _load_secret_key(app: Flask) -> None:
    """Use CASEFLOW_SECRET_KEY or instance/secret_key; refuse to run without one."""
    _load_key(app, "SECRET_KEY", "No secret key: set CASEFLOW_SECRET_KEY, or create instance/secret_key "
                                 "(`make instance/secret_key` does that for a single-machine installation).")


def write_secret_key(instance_path: str) -> str:
    """Create instance/secret_key with a random key, if it does not exist yet."""
    return _write_key(instance_path, "secret_key")


def _write_key(instance_path: str, name: str) -> str:
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path


def _load_audit_key(app: Flask) -> None:
    """The key of the audit chain's links (caseflow.audit.chain): CASEFLOW_AUDIT_KEY or instance/audit_key, kept
    outside the database. Refuse to run without one, as without a secret key: a key made up at start would not be
    the key the existing chain was linked with."""
    _load_key(app, "AUDIT_KEY",
              "No audit key: set CASEFLOW_AUDIT_KEY, or create instance/audit_key (`make instance/audit_key` does "
              "that for a single-machine installation). If this installation had one, put it back: the audit "
              "trail's links verify only under the key they were made with.")


def write_audit_key(instance_path: str, anchor_file: str = "audit-anchors.log") -> str:
    """Create instance/audit_key with a random key, if it does not exist yet; refuse when the audit chain was
    already anchored there (the key was lost or moved: a new one would not verify the chain)."""
    path = os.path.join(instance_path, "audit_key")
    anchors = os.path.join(instance_path, anchor_file)
    if not os.path.exists(path) and os.path.exists(anchors) and os.path.getsize(anchors) > 0:
        raise SystemExit(f"{anchors} exists, but {path} does not: the audit chain was keyed with a key that is "
                         "not there. Put the key back (or set CASEFLOW_AUDIT_KEY); a new key cannot verify it.")
    return _write_key(instance_path, "audit_key")


def _owner_only(app: Flask) -> None:
    """instance/ (scans, packages, mail) and the SQLite database are readable by their owner only (0700/0600).

    The database file is created empty with 0600 before SQLite opens it; its journal takes the same mode."""
    from sqlalchemy.engine import make_url

    try:
        os.chmod(app.instance_path, 0o700)
    except OSError:  # not ours (a shared folder): leave it, the files inside are still created 0600
        pass
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = url.database if os.path.isabs(url.database) else os.path.join(app.instance_path, url.database)
        if os.path.isdir(os.path.dirname(path) or "."):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # no-op for an existing file
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass


def select_locale():
    """The user's chosen language; Dutch until somebody chooses otherwise."""
    if not has_request_context():
        return None  # the default locale (Dutch); mail uses force_locale with the recipient's language
    if current_user.is_authenticated:
        return current_user.locale
    return session.get("locale", "nl")


# Every module with tables, imported before the first query so the schema and the mappers' relationships by name are
# whole; audit.chain adds the hash chain's listeners on AuditEvent.
MODEL_MODULES = ("caseflow.models", "caseflow.mail.models", "caseflow.jobs.models", "caseflow.intake.models",
                 "caseflow.audit.models", "caseflow.security.models", "caseflow.audit.chain")
# The web packages, in the order their blueprints are registered: each has blueprint.py (bp) and routes.py.
BLUEPRINTS = ("auth", "cases", "letters", "dashboard", "admin", "intake", "registered", "evidence")


def create_app(test_config=None) -> Flask:
    """The application factory: settings, extensions, blueprints, CLI."""
    from flask_babel import lazy_gettext as _l

    from caseflow import cli
    from caseflow.extensions import babel, csrf, db, login_manager, migrate
    from caseflow.mail import outbox as mail
    from caseflow.security import headers
    from caseflow.security import log as security_log
    from caseflow.web import filters
    from config import Config

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("CASEFLOW")
    if test_config is not None:
        app.config.from_mapping(test_config) if isinstance(test_config, dict) else app.config.from_object(test_config)
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "caseflow.sqlite")
    _owner_only(app)
    _load_secret_key(app)
    _load_audit_key(app)
    if app.config.get("SESSION_COOKIE_SECURE") is None:  # Secure cookies whenever staff reach Caseflow over https
        app.config["SESSION_COOKIE_SECURE"] = str(app.config.get("BASE_URL") or "").startswith("https://")
    if int(app.config.get("PROXY_FIX_X_FOR") or 0) > 0:  # behind a TLS reverse proxy: its client address and scheme
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=os.path.join(root, "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "warning"

    app.request_class = _request_class()
    _ids_fit_the_database(app)
    _register_blueprints(app)
    _form_pages_check_their_own_token(app)
    filters.register(app)
    app.add_template_filter(mail.error_text, "mail_error")  # the outbox's last errors in the reader's language
    cli.register(app)
    _register_error_pages(app)
    headers.register(app)
    app.jinja_env.globals.update(security_kinds=security_log.KINDS, session_end_reasons=security_log.SESSION_END_REASONS)
    return app


def _register_blueprints(app: Flask) -> None:
    """Each web package's routes attach their views to the package's bp; then the bp is registered."""
    for module in MODEL_MODULES:
        import_module(module)
    for name in BLUEPRINTS:
        import_module(f"caseflow.{name}.routes")
        app.register_blueprint(import_module(f"caseflow.{name}.blueprint").bp)


def _request_class():
    """Form values without NUL characters: PostgreSQL refuses them in text, and no one types them."""
    from flask import Request
    from werkzeug.datastructures import ImmutableMultiDict

    class CleanFormRequest(Request):
        def _load_form_data(self) -> None:
            super()._load_form_data()
            form = self.__dict__.get("form")
            if form and any("\x00" in value for value in form.values()):
                self.__dict__["form"] = ImmutableMultiDict(
                    [(key, value.replace("\x00", "")) for key, value in form.items(multi=True)])

    return CleanFormRequest


def _ids_fit_the_database(app: Flask) -> None:
    """<int:...> in a URL matches only ids a database integer can hold: /cases/99999999999999999999 is a 404."""
    from werkzeug.routing import IntegerConverter

    class DatabaseId(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseId


def _form_pages_check_their_own_token(app: Flask) -> None:
    """Form pages (GET and POST) check the CSRF token in their FlaskForm, not before the view.

    A missing or stale token then shows the form again with everything typed and a fresh token, instead of
    a bare error page that loses the user's work; nothing is saved, because the form does not validate.
    POST-only endpoints (buttons) keep the check before the view and get the "form expired" page.
    """
    from caseflow.extensions import csrf

    for rule in app.url_map.iter_rules():
        if {"GET", "POST"} <= set(rule.methods or ()):
            csrf.exempt(app.view_functions[rule.endpoint])


def _register_error_pages(app: Flask) -> None:
    from flask import render_template
    from flask_babel import gettext as _
    from flask_wtf.csrf import CSRFError

    from caseflow.extensions import db

    pages = {
        400: lambda: (_("Request not understood"), _("Caseflow could not handle this request. Go back and try again.")),
        403: lambda: (_("No access"), _("This page is for administrators only.")),
        404: lambda: (_("Not found"), _("This page or case does not exist.")),
        413: lambda: (_("File too large"), _("The attachment is too large (at most 20 MB).")),
    }

    def handler(error):
        heading, message = pages[error.code]()
        return render_template("error.html", code=error.code, heading=heading, message=message), error.code

    for code in pages:
        app.register_error_handler(code, handler)

    @app.errorhandler(405)
    def method_not_allowed(error):
        """A button's address opened as a page (a bookmark, a typed /logout): explain it instead of Werkzeug's English."""
        page = render_template("error.html", code=405, heading=_("This page cannot be opened directly"),
                               message=_("This address belongs to a button in Caseflow, such as “Log out”, "
                                         "and cannot be opened as a page. Nothing was changed. Use the button on "
                                         "the page itself."))
        allowed = getattr(error, "valid_methods", None)
        return page, 405, {"Allow": ", ".join(allowed)} if allowed else {}

    @app.errorhandler(CSRFError)
    def form_expired(error):
        return render_template("error.html", code=400, heading=_("Form expired"),
                               message=_("This button's form had expired, for instance after logging in again in "
                                         "another window. Nothing was changed. Go back, reload the page and try "
                                         "again.")), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("error.html", code=500, heading=_("Something went wrong"),
                               message=_("Caseflow hit an unexpected error and saved nothing of this step. Go back "
                                         "and try again; if it happens again, tell the administrator.")), 500
