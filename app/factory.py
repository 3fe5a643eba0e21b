"""create_app(): config, extensions, blueprints, command line, migrations."""

import os

from flask import Flask

from app import admin, commands, coupons, home, invite, jobs, kiosk, play, public, redeem
from app.store import db as store_db
from app.store.db import get_db, is_postgres
from app.store.schema import migrate
from app.web import error_pages, i18n, logs, paths, security
from app.web.config import check_hosts, defaults, secret_key
from app.web.extensions import csrf, htmx, limiter, login_manager
from app.web.quiet_polls import QuietPolls


class Kuji(Flask):
    """Flask, asking once per view or hook whether it is a coroutine, not on every call.

    Flask checks every before, after and teardown function and the view with
    inspect.iscoroutinefunction on each request: nine checks a request here, none of them
    ever async. The answer for a function does not change, so it is kept.
    """

    SYNC_KEPT = 1024  # functions made per request (after_this_request) must not pile up

    def __init__(self, *args, **kwargs):
        self._kuji_sync = {}
        super().__init__(*args, **kwargs)

    def ensure_sync(self, func):
        try:
            return self._kuji_sync[func]
        except KeyError:
            if len(self._kuji_sync) >= self.SYNC_KEPT:
                self._kuji_sync.clear()
            found = self._kuji_sync[func] = super().ensure_sync(func)
            return found


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Kuji application."""
    app = Kuji(
        __name__,
        instance_relative_config=True,
        instance_path=paths.instance(),
        template_folder=paths.data("templates"),
        static_folder=paths.data("static"),
    )
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # DATABASE=postgresql://… (or FLASK_DATABASE) switches to PostgreSQL.
        if os.environ.get("DATABASE"):
            app.config["DATABASE"] = os.environ["DATABASE"]
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    check_hosts(app.config)
    # A PostgreSQL server keeps its own files: only the instance folder is Kuji's then.
    database = app.config["DATABASE"]
    security.private_files(None if is_postgres(database) else database, app.instance_path)
    # In a checkout, the repository's translations/; in a wheel, the package's copy.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", paths.data("translations"))
    if not app.config.get("SECRET_KEY"):
        os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
        app.config["SECRET_KEY"] = secret_key(app.instance_path)

    logs.init_app(app)
    store_db.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)

    app.register_blueprint(home.bp)
    public.init_app(app)
    app.register_blueprint(invite.bp)
    app.register_blueprint(play.bp)
    coupons.init_app(app)
    redeem.init_app(app)
    kiosk.init_app(app)
    admin.init_app(app)
    jobs.init_app(app)
    error_pages.init_app(app)
    commands.init_app(app)
    app.wsgi_app = QuietPolls(app)
    # Outermost, so the quiet polls and Flask alike see the client's address and scheme.
    app.wsgi_app = security.behind_proxies(app.wsgi_app, int(app.config["PROXY_HOPS"]))

    with app.app_context():
        migrate(get_db())
    return app
