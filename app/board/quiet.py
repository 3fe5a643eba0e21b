"""Answer board polls that find nothing new before Flask sees them.

Most polls find nothing. This WSGI layer answers those with an empty 204 after a few
microseconds: no session, no routing, no template. Its own connection per thread sees,
through PRAGMA data_version, whenever any other connection commits (this worker's views
included), and only then reads the board's state again. Everything else goes to Flask.
"""

import re
import threading
from urllib.parse import parse_qs

from app.lottery import period
from app.store.db import stamp, thread_connection
from app.store.polls import board_state, data_version

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
        db = thread_connection(config["DATABASE"], config["SQLITE_SYNCHRONOUS"], role="polls")
        seen = data_version(db)
        cache = getattr(self.local, "cache", None)
        if cache is None or cache[0] != seen:
            cache = self.local.cache = (seen, {})
        states = cache[1]
        if slug not in states:
            states[slug] = board_state(db, slug)
        return states[slug]
