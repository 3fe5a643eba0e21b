"""flask-limiter as Kuji uses it: every limit sits beside its route, none app-wide.

Two costs of the stock setup showed on every claim (bench/profile.py) and are cut here:
the pass flask-limiter makes before *every* request, which has nothing to count when no
application-wide or default limit is set, and limits' `memory://` storage starting a
thread to expire keys whenever ten quiet milliseconds have passed.
"""

import time

import flask_limiter
from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class Limiter(flask_limiter.Limiter):
    """A Limiter that checks a route's limits once, in the route's own decorator."""

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        manager = self.limit_manager
        if in_middleware and not (
            manager.application_limits or manager.default_limits or self._meta_limits
        ):
            return  # the decorated route checks its own limits; nothing else would count
        super()._check_request_limit(callable_name, in_middleware)


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
