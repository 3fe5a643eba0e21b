"""Answer board polls that find nothing new before Flask sees them.

Most polls find nothing. This WSGI layer answers those with an empty 204 after a few
microseconds: no session, no routing, no template. On one host, its own connection per
thread sees, through store.db.data_version (SQLite's PRAGMA data_version), whenever any
other connection commits (this worker's views included), and only then reads the board's
state again; on PostgreSQL, which has no such number, every poll reads the state (one
indexed query). With REDIS_URL (several hosts), the board's state is kept in Redis beside
a counter every host's writes bump after their commit (app/web/shared_state.py), so such a poll
reaches no database. Everything else goes to Flask.
"""

import logging
import re
import threading
from urllib.parse import parse_qs

from app.lottery import period
from app.store.db import borrowed, data_version, stamp
from app.store.polls import board_state, campaign_id
from app.web import shared_state

log = logging.getLogger(__name__)

POLL = re.compile(r"/c/([a-z0-9-]{1,64})/tiles")


class QuietPolls:
    def __init__(self, app):
        self.flask_app = app
        self.wsgi_app = app.wsgi_app
        self.local = threading.local()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            found = POLL.fullmatch(environ.get("PATH_INFO", ""))
            if found and self._nothing_new(found.group(1), environ.get("QUERY_STRING", "")):
                start_response("204 No Content", [("Cache-Control", "no-store")])
                return []
        return self.wsgi_app(environ, start_response)

    def _nothing_new(self, slug: str, query: str) -> bool:
        since = parse_qs(query).get("v", [""])[0]
        if not since.isascii() or not since.isdigit() or len(since) > 18:
            return False
        state = self._state(slug)
        now = stamp(self.flask_app.config["CLOCK"]())
        return (
            state is not None
            and state.version == int(since)
            and period.is_open(
                now,
                state.opens,
                state.closes,
                published=state.published,
                ended=state.ended_at is not None,
            )
            and (state.next_expiry is None or now < state.next_expiry)
        )

    def _state(self, slug: str):
        config = self.flask_app.config
        redis = shared_state.client(config.get("REDIS_URL"))
        if redis is not None:
            return self._shared_state(redis, slug)
        with borrowed(config["DATABASE"], config["SQLITE_SYNCHRONOUS"], role="polls") as db:
            seen = data_version(db)
            cache = getattr(self.local, "cache", None)
            if seen is None or cache is None or cache[0] != seen:
                cache = self.local.cache = (seen, {})
            states = cache[1]
            if slug not in states:
                states[slug] = board_state(db, slug)
            return states[slug]

    def _read(self, query, slug: str):
        config = self.flask_app.config
        with borrowed(config["DATABASE"], config["SQLITE_SYNCHRONOUS"], role="polls") as db:
            return query(db, slug)

    def _shared_state(self, redis, slug: str):
        ids = getattr(self.local, "ids", None)
        if ids is None:
            ids = self.local.ids = {}
        if slug not in ids:  # a slug never changes hands, so one look-up per thread
            found = self._read(campaign_id, slug)
            if found is None:
                return None
            if len(ids) > 1000:  # addresses people made up: forget them
                ids.clear()
            ids[slug] = found
        try:
            return shared_state.kept_state(redis, ids[slug], lambda: self._read(board_state, slug))
        except Exception as exc:  # Redis away: Flask answers, from the database
            log.warning("board state unshared", extra={"error": type(exc).__name__})
            return None
