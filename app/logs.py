"""Logging: the level from LOG_LEVEL, and one key=value line for every request Flask answers.

Polls that find nothing new are answered before Flask (board/quiet.py) and are not logged:
every open board sends one every two seconds.
"""

import logging
import os
import time
from urllib.parse import quote

from flask import g, request
from flask.logging import default_handler

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
log = logging.getLogger(__name__)
# What every LogRecord has; anything else came in through `extra=` and is printed as key=value.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class Fields(logging.Formatter):
    """Format a line, then append the event's structured fields (extra=) as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = [
            f"{k}={quote(str(v), safe='/:.,-_@')}"
            for k, v in vars(record).items()
            if k not in _STANDARD
        ]
        return f"{line} {' '.join(fields)}" if fields else line


def init_app(app) -> None:
    """Set the app's log level and format, and log each request when it is answered."""
    logger = logging.getLogger("app")
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    default_handler.setFormatter(Fields(FORMAT))
    if default_handler not in logger.handlers:
        logger.addHandler(default_handler)
    # Below INFO the request lines cost nothing: not even the hooks are registered.
    if logger.isEnabledFor(logging.INFO):
        app.before_request(_start)
        app.after_request(_log)


def _start() -> None:
    g.started = time.perf_counter()


def _log(response):
    # The path only: query strings may carry tokens, and form bodies carry passwords.
    started = g.get("started")
    ms = (time.perf_counter() - started) * 1000 if started else 0.0
    log.info(
        "request method=%s path=%s status=%d ms=%.1f pid=%d addr=%s",
        request.method,
        _redacted(quote(request.path)),
        response.status_code,
        ms,
        os.getpid(),
        request.remote_addr or "-",
    )
    return response


# URL parts that are secrets by themselves: an e-coupon's code, a kiosk's setup token.
SECRET_ARGS = {"coupons.show": ("code",), "kiosk.setup": ("token",)}


def _redacted(path: str) -> str:
    """Return the request path with its secret parts replaced by [redacted]."""
    names = SECRET_ARGS.get(request.endpoint or "", ())
    for name in names:
        value = (request.view_args or {}).get(name)
        if value:
            path = path.replace(quote(str(value)), "[redacted]")
    return path
