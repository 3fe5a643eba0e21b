"""Redis, for what several app hosts must share and may lose: the board state behind polls.

A board's state (version, hours, next lapsing hold) is read from the database once per
change and kept in Redis beside a generation counter that every write to the campaign bumps
after its commit. A poll reads both in one round trip: when the kept state is of the
current generation it decides "nothing new" without touching the database. Redis may lose
everything at any time: the next poll then reads the database again. Rate limits share the
same server through RATELIMIT_STORAGE_URI. Nothing that must not be lost lives here.
"""

import json
import logging
import os
import threading

from flask import current_app, has_app_context

from app.store import db as store_db
from app.store.polls import BoardState

log = logging.getLogger(__name__)

# How long a kept state may outlive a bump that never reached Redis (a host killed between
# its commit and its INCR, or Redis briefly away): a poll then answers "nothing new" at most
# this long after the change. Each change otherwise replaces it at once.
STATE_SECONDS = 5
_clients: dict[tuple[int, str], object] = {}
_lock = threading.Lock()


def client(url: str | None):
    """Return this process's Redis client for `url`, or None when no Redis is configured."""
    if not url:
        return None
    key = (os.getpid(), url)  # a forked worker opens its own connections
    found = _clients.get(key)
    if found is None:
        import redis  # only hosts that use Redis need it loaded

        with _lock:
            found = _clients.setdefault(
                key,
                redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5),
            )
    return found


def _keys(campaign_id: int) -> tuple[str, str]:
    return f"kuji:board:{campaign_id:d}:gen", f"kuji:board:{campaign_id:d}:state"


def kept_state(redis, campaign_id: int, read) -> BoardState | None:
    """Return the board's state from Redis, or from read() (kept for the next poll)."""
    gen_key, state_key = _keys(campaign_id)
    gen, kept = redis.mget(gen_key, state_key)
    gen = int(gen or 0)
    if kept is not None:
        found = json.loads(kept)
        if found.pop("gen") == gen:
            return BoardState(**found)
    # Read after the generation: a write that commits meanwhile bumps it past this state.
    state = read()
    if state is not None:
        redis.set(state_key, json.dumps({"gen": gen, **state.__dict__}), ex=STATE_SECONDS)
    return state


def bump(redis, campaign_ids) -> None:
    """Mark these campaigns' kept states as old: their boards changed."""
    pipe = redis.pipeline(transaction=False)
    for campaign_id in sorted(campaign_ids):
        pipe.incr(_keys(campaign_id)[0])
    pipe.execute()


def _after_commit(campaign_ids: set[int]) -> None:
    """Bump the boards a committed transaction changed, when this app shares them."""
    if not has_app_context():
        return
    redis = client(current_app.config.get("REDIS_URL"))
    if redis is None:
        return
    try:
        bump(redis, campaign_ids)
    except Exception as exc:  # Redis away: its kept states lapse within STATE_SECONDS
        log.warning("board bump skipped", extra={"error": type(exc).__name__})


store_db.after_commit(_after_commit)
