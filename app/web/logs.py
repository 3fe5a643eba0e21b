"""Logging: the level from LOG_LEVEL, and one key=value line for every request Flask answers.

Polls that find nothing new are answered before Flask (app/web/quiet_polls.py) and are not logged:
every open board sends one every two seconds. The request line is written by a WSGI layer
around Flask rather than two request hooks, and the formatter renders each second's time
stamp once: every request pays for this line (bench/versus.py). What a request did (a draw,
a confirmation) goes on that same line, `event=draw entry=…`: one line, not two (event()).
"""

import logging
import os
import sys
import time
from urllib.parse import quote

from flask.globals import _cv_request
from flask.logging import default_handler

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
log = logging.getLogger(__name__)
# Where a request's event waits for its request line (a dict in the WSGI environ).
EVENT = "kuji.event"
# What every LogRecord has; anything else came in through `extra=` and is printed as key=value.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# How many of those a formatted record has: all but asctime, which only a format using
# the time sets. More means fields came in through extra=.
_PLAIN = len(_STANDARD) - 1


class Fields(logging.Formatter):
    """Format a line, then append the event's structured fields (extra=) as key=value."""

    _second = (None, "")  # (whole second, its rendering): many lines share one

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        found = vars(record)
        if len(found) - ("asctime" in found) <= _PLAIN:  # counted, not compared: every line
            return line
        fields = [
            f"{k}={quote(str(v), safe='/:.,-_@')}"
            for k, v in vars(record).items()
            if k not in _STANDARD
        ]
        return f"{line} {' '.join(fields)}"

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        if datefmt:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        seen, text = self._second
        if seen != second:
            text = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = (second, text)
        return self.default_msec_format % (text, record.msecs)


class ErrorsStream(logging.StreamHandler):
    """Flask's default handler, made cheaper: a line goes to the request's `wsgi.errors` (a
    server's log), else to stderr, the stream found once per line rather than through a
    context-local proxy at each write and flush."""

    def __init__(self):
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            # The request context looked up once (flask.request would do it twice).
            ctx = _cv_request.get(None)
            stream = ctx.request.environ["wsgi.errors"] if ctx is not None else sys.stderr
            stream.write(line)
            stream.flush()
        except RecursionError:
            raise
        except Exception:  # as logging does: a broken stream never fails the request
            self.handleError(record)


handler = ErrorsStream()


def init_app(app) -> None:
    """Set the app's log level and format, and log each request when it is answered."""
    # Each record would look up its thread's and process's names, which no line of Kuji's
    # shows (the request line says pid= itself): the logging docs' advice for speed.
    logging.logThreads = logging.logMultiprocessing = False
    logger = logging.getLogger("app")
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    handler.setFormatter(Fields(FORMAT))
    if default_handler in logger.handlers:
        logger.removeHandler(default_handler)
    if handler not in logger.handlers:
        logger.addHandler(handler)
    # Below INFO the request lines cost nothing: not even the layer is put in.
    if logger.isEnabledFor(logging.INFO):
        app.wsgi_app = RequestLines(app.wsgi_app)


LINE = "request method=%s path=%s status=%s ms=%.1f pid=%d addr=%s"


def event(logger: logging.Logger, name: str, **fields) -> None:
    """Log what this request did (`name`, with key=value fields) on its request line; with
    no line to join (outside a request, request lines off, one event there already), as a
    line of its own."""
    ctx = _cv_request.get(None)
    pending = ctx.request.environ.get(EVENT) if ctx is not None else None
    if pending is None or pending:
        logger.info(name, extra=fields)
        return
    pending["event"] = name
    pending.update(fields)


class RequestLines:
    """Log one line per request Flask answers, when Flask starts the response."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        environ[EVENT] = fields = {}

        def answered(status: str, headers, exc_info=None):
            # The path only: query strings may carry tokens, and form bodies carry passwords.
            # Flask is still inside the request here, so the line goes to its wsgi.errors.
            if log.isEnabledFor(logging.INFO):
                path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
                args = (
                    environ.get("REQUEST_METHOD"),
                    _redacted(quote(b"/" + path.lstrip(b"/")), environ),
                    status[:3],
                    (time.perf_counter() - started) * 1000,
                    os.getpid(),
                    environ.get("REMOTE_ADDR") or "-",
                )
                # The record made and handled directly: Logger.info would also walk the
                # stack for the caller's file and line, which this format never shows.
                record = log.makeRecord(log.name, logging.INFO, __file__, 0, LINE, args, None)
                record.__dict__.update(fields)  # the event's fields, appended by Fields
                log.handle(record)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, answered)


# URL parts that are secrets by themselves: an e-coupon's code, a kiosk's setup token.
SECRET_ARGS = {"coupons.show": ("code",), "kiosk.setup": ("token",)}


def _redacted(path: str, environ: dict) -> str:
    """Return the request path with its secret parts replaced by [redacted]."""
    # Flask's request, matched by now, is in the environ: no context lookup per line.
    found = environ.get("werkzeug.request")
    rule = getattr(found, "url_rule", None)
    for name in SECRET_ARGS.get(rule.endpoint if rule else "", ()):
        value = (found.view_args or {}).get(name)
        if value:
            path = path.replace(quote(str(value)), "[redacted]")
    return path
