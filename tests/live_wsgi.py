"""wsgi.py for live test servers whose time a test moves on: `tests.live_wsgi:app`.

The app's CLOCK is the real time plus the seconds in the file KUJI_TEST_CLOCK names, which
the test rewrites (LiveClock.advance) to let held tiles lapse without waiting for them: every
gunicorn worker, and a worker restarted after a kill, reads the same file.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.factory import create_app


class LiveClock:
    """Real time plus an offset kept in a file, shared by a test and its server's workers."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def offset(self) -> float:
        try:
            return float(self.path.read_text() or 0)
        except FileNotFoundError:
            return 0.0

    def __call__(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset())

    def advance(self, **delta) -> None:
        """Move the server's time on; written whole, so a worker never reads half of it."""
        seconds = self.offset() + timedelta(**delta).total_seconds()
        part = self.path.with_suffix(".part")
        part.write_text(repr(seconds))
        os.replace(part, self.path)


if os.environ.get("KUJI_TEST_CLOCK"):
    app = create_app()
    app.config["CLOCK"] = LiveClock(os.environ["KUJI_TEST_CLOCK"])
