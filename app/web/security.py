"""What every response carries for the browser's safety, and trust in one's own proxy."""

import os
from functools import cache

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# Every script and style comes from static/; htmx reads its settings from a <meta> tag and
# is told not to inject its indicator <style>, and nothing uses hx-on or eval.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)
HSTS = "max-age=31536000; includeSubDomains"


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the page came over HTTPS, and build the
    cookie's signer once per key rather than on every request."""

    def __init__(self):
        self._signers = {}

    def save_session(self, app, session, response) -> None:
        # An empty session nobody changed writes nothing: Flask would still work out every
        # cookie setting first, on every request without a session (a health check, a poll).
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_signing_serializer(self, app):
        # Flask builds a new serializer (and tests it with a dumps({})) twice a request;
        # the same keys make the same serializer, and new keys a new one.
        fallbacks = app.config["SECRET_KEY_FALLBACKS"]
        keys = (app.secret_key, tuple(fallbacks) if isinstance(fallbacks, list) else fallbacks)
        found = self._signers.get(keys)
        if found is None:
            found = self._signers[keys] = super().get_signing_serializer(app)
        return found


def behind_proxies(wsgi_app, hops: int):
    """Trust X-Forwarded-For, -Proto and -Host from `hops` proxies; none when hops is 0."""
    if hops <= 0:
        return wsgi_app
    return ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def headers(response):
    """Add the security headers to a response."""
    # The request resolved once: each read through the context proxy costs a lookup, and
    # every answer of the app pays for this hook.
    req = request._get_current_object()
    blueprint = req.blueprint
    admin = blueprint == "admin"
    # A shop may embed its public board (SECURITY_FRAME_ANCESTORS); the admin, never.
    ancestors = "'none'" if admin else current_app.config["SECURITY_FRAME_ANCESTORS"]
    h = response.headers
    # A view may set its own policy. Headers' `in` raises and catches an exception for each
    # header not found, and extend() checks each constant value again: both skipped here.
    if not any(k.lower() == "content-security-policy" for k, _ in h):
        h._list.extend(_headers(ancestors, admin, req.is_secure))
    if admin or blueprint in PRIVATE_BLUEPRINTS or g.get("private_page"):
        # Destinations, exports, passwords in the outbox, a person's coupon or confirmed
        # address: never kept by a shared browser's cache or a proxy.
        h["Cache-Control"] = "no-store"
    return response


# Blueprints whose every page is someone's own (an e-coupon, a till's redemptions).
PRIVATE_BLUEPRINTS = {"coupons", "redeem"}


def private_page() -> None:
    """Mark this response as one person's (their entry, their destination): no-store."""
    g.private_page = True


@cache
def _headers(ancestors: str, admin: bool, secure: bool) -> tuple[tuple[str, str], ...]:
    # Built once per kind of page: every request of the app pays for them.
    found = [
        ("Content-Security-Policy", POLICY.format(ancestors=ancestors)),
        ("Referrer-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if admin:
        found.append(("X-Frame-Options", "DENY"))
    if secure:
        found.append(("Strict-Transport-Security", HSTS))
    return tuple(found)


class BoundedInt(IntegerConverter):
    """An <int:…> URL part that fits a database integer: larger numbers are a 404, not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = BoundedInt
    app.after_request(headers)


# Files the app makes hold personal data, password hashes and every campaign's seed: the
# database (and its -wal and -shm, which SQLite creates with the database's mode), job
# files, exports and backups. Only the account the app runs as may read them.
PRIVATE_UMASK = 0o077


def private_files(database: str | None, instance_path: str) -> None:
    """Create every file from now on 0600 (folders 0700); tighten what is there already.

    `database` is the SQLite file, or None when the database is a server's.
    """
    os.umask(PRIVATE_UMASK)
    if database is not None:
        folder = os.path.dirname(os.path.abspath(database))
        os.makedirs(folder, mode=0o700, exist_ok=True)
        for path in (database, database + "-wal", database + "-shm"):
            if os.path.exists(path):
                os.chmod(path, 0o600)
    if os.path.isdir(instance_path):
        os.chmod(instance_path, 0o700)
