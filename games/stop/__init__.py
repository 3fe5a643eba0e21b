"""Stop the roulette: a reel of numbered segments spins; stop it on the marked one.

The reel turns from a start the server recorded, at a known speed, so the server alone
decides where it stopped: ((stop - start) / period + offset) mod 1, times the segments,
with the stop time taken from the server's clock when the Stop request arrives.

Settings (the condition file's [game] table): rounds = 3 (1..5),
speed = "slow" | "normal" | "fast".
"""

from collections.abc import Mapping

from app.lottery.messages import Problem as _l  # an English sentence, translated where shown
from games.base import MAX_SCORE, BadSettings, Game, moves_of, whole

SEGMENTS = 12
# One turn of the reel, in seconds. The page's stylesheet has a class for each speed, so
# it spins without JavaScript and without inline styles (the app's CSP forbids them).
SPEEDS = {"slow": 4.8, "normal": 3.6, "fast": 2.4}
# Nobody sees the reel and reacts within half a second of a round starting.
MIN_REACTION = 0.5
# A stop within half a segment of the target scores in full; two segments away, nothing.
FULL_WITHIN = 0.5
NONE_FROM = 2.0
PHASES = 36  # the page's stylesheet places the reel in 36 steps (a class each)


class Stop(Game):
    name = "stop"
    title = _l("Stop the roulette")
    rules = _l(
        "The roulette spins. Press Stop when the marked number is under the pointer."
        " The closer it stops, the better your score."
    )
    script = "js/games/stop.js"

    def problems(self, settings):
        problems = []
        settings = settings if isinstance(settings, Mapping) else {}
        if whole_setting(settings.get("rounds", 3), 1, 5) is None:
            problems.append(_l("game.rounds: a whole number between 1 and 5"))
        if settings.get("speed", "normal") not in SPEEDS:
            problems.append(_l("game.speed: slow, normal or fast"))
        return problems

    def new_challenge(self, rng, settings):
        problems = self.problems(settings)
        if problems:
            raise BadSettings(problems)
        rounds = settings.get("rounds", 3)
        return {
            "segments": SEGMENTS,
            "period": SPEEDS[settings.get("speed", "normal")],
            "speed": settings.get("speed", "normal"),
            "rounds": [
                {"target": rng.randrange(SEGMENTS), "offset": rng.randrange(PHASES) / PHASES}
                for _ in range(rounds)
            ],
        }

    def public_view(self, challenge, moves=(), clock=0.0):
        stops = moves_of(moves, "stop")
        rounds = challenge["rounds"]
        if len(stops) >= len(rounds):
            return {"step": "done", "total": len(rounds)}
        index = len(stops)
        started = stops[-1]["at"] if stops else 0.0
        where = _position(challenge, index, started, clock)
        last = None
        if stops:
            last = _position(challenge, index - 1, _start(stops, index - 1), stops[-1]["at"])
        return {
            "step": "spin",
            "index": index,
            "number": index + 1,
            "total": len(rounds),
            "segments": challenge["segments"],
            "period_ms": int(challenge["period"] * 1000),
            "speed": challenge["speed"],
            "target": rounds[index]["target"],
            # Where the reel is as this page is made: the page spins on from here.
            "position": where,
            "phase": int(where / challenge["segments"] * PHASES + 0.5) % PHASES,
            "last_stopped": None if last is None else int(last + 0.5) % challenge["segments"],
            "last_target": rounds[index - 1]["target"] if stops else None,
        }

    def accept(self, challenge, moves, form, clock):
        index = len(moves_of(moves, "stop"))
        if index >= len(challenge["rounds"]) or not isinstance(form, Mapping):
            return None
        # The round number guards against a double press stopping the next round at once.
        if whole(form.get("round"), 0, 99) != index:
            return None
        return {"kind": "stop", "round": index}

    def finished(self, challenge, moves):
        return len(moves_of(moves, "stop")) >= len(challenge["rounds"])

    def score(self, challenge, moves, clock):
        rounds = challenge["rounds"]
        stops = moves_of(moves, "stop")[: len(rounds)]
        total = 0
        for index, move in enumerate(stops):
            started = _start(stops, index)
            if move.get("round") != index or move["at"] - started < MIN_REACTION:
                continue
            where = _position(challenge, index, started, move["at"])
            total += round_score(where, rounds[index]["target"], challenge["segments"])
        return total // len(rounds)


def round_score(position: float, target: int, segments: int) -> int:
    """Return 0..1000 for a reel stopped at `position` (in segments) when `target` was wanted."""
    off = abs(position - target) % segments
    off = min(off, segments - off)
    if off <= FULL_WITHIN:
        return MAX_SCORE
    if off >= NONE_FROM:
        return 0
    return int(MAX_SCORE * (NONE_FROM - off) / (NONE_FROM - FULL_WITHIN))


def whole_setting(value, low, high):
    """A setting from TOML is an int already; a string is a mistake, not a number."""
    return None if isinstance(value, str) else whole(value, low, high)


def _start(stops: list, index: int) -> float:
    # Each round starts when the server received the previous stop (the first: at the start).
    return stops[index - 1]["at"] if index else 0.0


def _position(challenge, index: int, started: float, at: float) -> float:
    """Return where the reel is (0 <= position < segments, in segments) at time `at`."""
    turns = max(0.0, at - started) / challenge["period"] + challenge["rounds"][index]["offset"]
    return (turns % 1.0) * challenge["segments"]


GAME = Stop()
