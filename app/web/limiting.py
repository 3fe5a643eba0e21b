"""flask-limiter as Kuji uses it: every limit sits beside its route, none app-wide.

Three costs of the stock setup showed on every claim (bench/profile.py) and are cut here:
the pass flask-limiter makes before *every* request, which has nothing to count when no
application-wide or default limit is set; its after-request and teardown hooks, which
build an empty per-request context on requests that no limit saw; and limits' `memory://`
storage starting a thread to expire keys whenever ten quiet milliseconds have passed.
"""

import functools
import logging
import time
from collections.abc import Callable

import flask_limiter
from flask import g, make_response, request
from flask.globals import request_ctx
from limits.storage import MemoryStorage
from werkzeug.exceptions import HTTPException, TooManyRequests

from app.lottery.addresses import client_of
from app.store import get_db, rates
from app.web.responses import now

SWEEP_SECONDS = 1.0
CONTEXT = "_limiter_request_context"  # where flask-limiter 4 keeps a request's limit state


class Limiter(flask_limiter.Limiter):
    """A Limiter that checks a route's limits once, in the route's own decorator."""

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        manager = self.limit_manager
        if in_middleware and not (
            manager.application_limits or manager.default_limits or self._meta_limits
        ):
            return  # the decorated route checks its own limits; nothing else would count
        super()._check_request_limit(callable_name, in_middleware)

    def init_app(self, app) -> None:
        super().init_app(app)
        manager = self.limit_manager
        if not (manager.application_limits or manager.default_limits or self._meta_limits):
            # Nothing app-wide to count (see above): not even the call, on every request.
            before = app.before_request_funcs[None]
            before[:] = [f for f in before if f != self._check_request_limit]
        # flask-limiter keeps what a request's limits found on the request context; a request
        # without one (no limit was checked) has no headers to add and nothing to release.
        stock = flask_limiter.Limiter._Limiter__inject_headers
        after = app.after_request_funcs[None]
        for i, hook in enumerate(after):
            if getattr(hook, "func", None) is stock and hook.args == (self,):
                after[i] = self._headers_if_limited

    def _headers_if_limited(self, response):
        if not hasattr(request_ctx, CONTEXT):
            return response
        return flask_limiter.Limiter._Limiter__inject_headers(self, response)

    def _Limiter__release_context(self, exc=None) -> None:  # replaces the stock teardown
        if hasattr(request_ctx, CONTEXT):
            super()._Limiter__release_context(exc)


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage, per process, sweeping expired keys inline once a second.

    Counting is unchanged: a key read after its expiry counts from zero either way. Only the
    clean-up of keys nobody reads again moves from a new thread (about 200 µs to start,
    up to a hundred times a second under load) into the next counted request.
    """

    STORAGE_SCHEME = ["memory-swept"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the thread per quiet spell
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()


@functools.lru_cache(maxsize=64)
def _windows(text: str):
    return tuple(rates.windows(text))


def client_key() -> str:
    """Name the client a limit counts: its IPv4 address or IPv6 /64 (not one of 2^64)."""
    client = client_of(request.remote_addr)
    return client.key if client else (request.remote_addr or "-")


def counted(
    scope: str,
    limit: Callable[[], str],
    key: Callable[[], str] = client_key,
    on_breach=None,
    deferred: bool = False,
):
    """Limit a route by counts kept in the database: shared by every worker and host.

    `limit` returns the setting's text ("60 per minute;600 per hour"), `key` names who is
    counted; over the limit the route answers `on_breach()`, else 429 with Retry-After.

    deferred=True: a route whose work is one write transaction (a claim, a confirm) hands
    the hit to it (pending_hits()), which counts it first thing and commits it with the
    work: one commit saved per limit. A request the view refuses before or outside that
    transaction (an abort, a tile taken) is counted after, and answered as over the limit
    if it was: the answers are the ones counting first gives, since nothing was written
    meanwhile. Deferred limits stacked on one route are counted outermost first.
    """

    def decorate(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            windows = list(_windows(limit()))
            if not deferred:
                wait = rates.hit(get_db(), scope, key(), windows, now())
                return view(*args, **kwargs) if wait is None else _breached(wait, limit, on_breach)
            hit = rates.Hit(scope, key(), windows)
            g.setdefault("_kuji_rate_hits", []).append(hit)
            try:
                response = view(*args, **kwargs)
            except rates.Full as full:
                if full.hit is not None and full.hit is not hit:
                    raise  # another limit of this route is full: its decorator answers
                return _breached(full.wait, limit, on_breach)
            except HTTPException:
                wait = None if hit.settled else rates.hit(get_db(), scope, hit.key, windows, now())
                if wait is None:
                    raise
                return _breached(wait, limit, on_breach)
            if not hit.settled:
                wait = rates.hit(get_db(), scope, hit.key, windows, now())
                if wait is not None:
                    return _breached(wait, limit, on_breach)
            return response

        return limited

    return decorate


def pending_hits() -> list:
    """Return this request's rate-limit hits for its write transaction to count (rates.Hit),
    those of its route's counted(deferred=True) limits, outermost first."""
    return g.get("_kuji_rate_hits", [])


def _breached(wait: int, limit: Callable[[], str], on_breach):
    logging.getLogger(__name__).info(
        "rate limited", extra={"endpoint": request.endpoint, "limit": limit()}
    )
    if on_breach is None:
        raise TooManyRequests(retry_after=wait)
    response = make_response(on_breach(None))
    response.headers["Retry-After"] = str(wait)
    return response
