"""Error pages: a clear sentence for every refusal, a fragment when htmx asked."""

from flask import request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .views import render, to_main

TITLES = {
    400: "That request could not be used",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Nothing to do",
    413: "Too much data",
    429: "Please slow down",
}
MESSAGES = {
    400: "The request was incomplete or malformed.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "The form sent was too large.",
    429: "Too many draws came from your network just now. Wait a minute and try again.",
}


def _page(error: HTTPException, message: str | None = None):
    code = error.code or 500
    default = MESSAGES.get(code, "Something went wrong.")
    # flask-limiter's description ("3 per 1 minute") means nothing to a respondent.
    own = _custom(error) and code != 429
    text = message or (error.description if own else default)
    page = render(
        "errors.html",
        block="main",
        status=code,
        title=TITLES.get(code, "Error"),
        message=text,
        back=_back(),
    )
    return to_main(page)


def _back() -> str:
    slug = (request.view_args or {}).get("slug")
    return url_for("board.show", slug=slug) if slug else url_for("home.index")


def _custom(error: HTTPException) -> bool:
    return error.description != type(error).description


def init_app(app):
    app.register_error_handler(
        CSRFError,
        lambda e: _page(
            e,
            "This form has expired or did not come from this site. Reload the page and try again.",
        ),
    )
    app.register_error_handler(HTTPException, _page)
