"""flask-limiter as Kuji uses it: every limit sits beside its route, none app-wide.

Three costs of the stock setup showed on every claim (bench/profile.py) and are cut here:
the pass flask-limiter makes before *every* request, which has nothing to count when no
application-wide or default limit is set; its after-request and teardown hooks, which
build an empty per-request context on requests that no limit saw; and limits' `memory://`
storage starting a thread to expire keys whenever ten quiet milliseconds have passed.
"""

import time

import flask_limiter
from flask.globals import request_ctx
from limits.storage import MemoryStorage

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
