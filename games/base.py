"""What every mini-game provides, and the careful readers of untrusted values they share.

A game is pure: no Flask, no database. It receives its settings, a random source, the
moves the server recorded and the server's clock, and returns plain JSON-ready dicts.

Times are seconds since the play started, as measured by the server: a move's "at" is
when the server received it, `clock` is the server's time now. The browser never sends a
time or a score; a move carries only what the player chose, read by accept().
"""

import math
import unicodedata
from collections.abc import Mapping

MAX_SCORE = 1000


class BadSettings(ValueError):
    """A campaign's game settings cannot make a playable challenge; `problems` says why."""

    def __init__(self, problems: list):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class Game:
    """One mini-game: a name, its texts, its page, and its server-side rules."""

    name: str = ""
    title = ""  # a lazy_gettext string
    rules = ""  # a lazy_gettext string: how to play, in one or two sentences
    script: str | None = None  # a file under static/js/games/, or None

    @property
    def template(self) -> str:
        return f"games/{self.name}.html"

    def problems(self, settings: Mapping) -> list:
        """Return what is wrong with `settings` (empty when they make a playable game)."""
        return []

    def new_challenge(self, rng, settings: Mapping) -> dict:
        """Make a fresh challenge, secrets included, from a random source and the settings."""
        raise NotImplementedError

    def public_view(self, challenge: Mapping, moves=(), clock: float = 0.0) -> dict:
        """Return what the page may show now: never a secret the player has to find."""
        raise NotImplementedError

    def feedback(self, challenge: Mapping, moves) -> dict | None:
        """Return what the page may say about the last move (right or not), or None."""
        return None

    def accept(self, challenge: Mapping, moves, form: Mapping, clock: float) -> dict | None:
        """Turn a submitted form into the next move, or None when it does not fit this step."""
        raise NotImplementedError

    def finished(self, challenge: Mapping, moves) -> bool:
        """Tell whether the player has nothing left to do."""
        raise NotImplementedError

    def score(self, challenge: Mapping, moves, clock: float) -> int:
        """Return 0..1000 from what the player did; unfinished parts score nothing."""
        raise NotImplementedError


def whole(value, low: int, high: int) -> int | None:
    """Read a whole number in low..high from a form value or a stored one; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 6:
            return None
        number = int(text)
    else:
        return None
    return number if low <= number <= high else None


def seconds(value) -> float | None:
    """Read a stored time in seconds; None for anything that is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def text(value, limit: int = 64) -> str | None:
    """Read a short typed answer: NFKC (full-width digits become ASCII), no spaces."""
    if not isinstance(value, str) or len(value) > 4 * limit:
        return None
    cleaned = "".join(unicodedata.normalize("NFKC", value).split())
    return cleaned if len(cleaned) <= limit else None


def moves_of(moves, kind: str) -> list[dict]:
    """Return the recorded moves of one kind, in order, skipping anything malformed."""
    found = []
    for move in moves if isinstance(moves, list | tuple) else ():
        if isinstance(move, Mapping) and move.get("kind") == kind:
            at = seconds(move.get("at"))
            if at is not None and at >= 0:
                found.append({**move, "at": at})
    return found
