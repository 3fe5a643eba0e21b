"""Error pages: a clear sentence for every refusal, a fragment when htmx asked."""

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.web.responses import render, to_main

TITLES = {
    400: _l("That request could not be used"),
    401: _l("Please sign in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Nothing to do"),
    413: _l("Too much data"),
    429: _l("Please slow down"),
    500: _l("Sorry, something went wrong on our side"),
}
MESSAGES = {
    400: _l("The request was incomplete or malformed."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The form sent was too large."),
    429: _l("Too many draws came from your network just now. Wait a minute and try again."),
    500: _l("The problem has been recorded. Please wait a moment and try again."),
}
CSRF = _l("This form has expired or did not come from this site. Reload the page and try again.")


def title_for(code: int) -> str:
    """Return the heading of an error page for an HTTP status."""
    return str(TITLES.get(code) or _("Error"))


def message_for(error: HTTPException) -> str:
    """Return the sentence an error page shows: the view's own, or one for its status."""
    code = error.code or 500
    # flask-limiter's description ("3 per 1 minute") means nothing to a respondent, and
    # werkzeug's own descriptions are English only.
    if _custom(error) and code != 429:
        return str(error.description)
    return str(MESSAGES.get(code) or _("Something went wrong."))


def _page(error: HTTPException, message: str | None = None):
    if error.response is not None:
        return error.response  # a view's own answer (a rate limit's on_breach page)
    code = error.code or 500
    page = render(
        "errors.html",
        block="main",
        status=code,
        title=title_for(code),
        message=message or message_for(error),
        back=_back(),
    )
    return to_main(page)


def _back() -> str:
    slug = (request.view_args or {}).get("slug")
    return url_for("board.show", slug=slug) if slug else url_for("home.index")


def _custom(error: HTTPException) -> bool:
    return error.description != type(error).description


def init_app(app):
    app.register_error_handler(CSRFError, lambda e: _page(e, str(CSRF)))
    app.register_error_handler(HTTPException, _page)
