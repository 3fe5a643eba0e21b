"""Memory: a row of digits is shown for a few seconds, then typed back from memory.

The server records when it showed the digits (the player asks to see them) and when the
player said they had memorised them; the answer page never holds the digits. Looking for
longer than allowed costs points, and an answer typed faster than a person can type
scores nothing.

Settings (the condition file's [game] table): length = 6 (4..10), seconds = 5 (2..15).
"""

from collections.abc import Mapping

from app.lottery.messages import Problem as _l  # an English sentence, translated where shown
from games.base import MAX_SCORE, BadSettings, Game, moves_of, text, whole

# The page hides the digits itself after `seconds` (or the player presses the button);
# the grace covers the trip to the server and a player without JavaScript.
GRACE = 2.0
# Typing n digits takes a person at least this long after the answer box appears.
TYPE_FIRST = 0.3
TYPE_EACH = 0.2


class Memory(Game):
    name = "memory"
    title = _l("Memory")
    rules = _l(
        "Some digits appear for a few seconds. Remember them, then type them in the same"
        " order. Every digit in the right place counts."
    )
    script = "js/games/memory.js"

    def problems(self, settings):
        problems = []
        settings = settings if isinstance(settings, Mapping) else {}
        length, shown = settings.get("length", 6), settings.get("seconds", 5)
        if isinstance(length, str) or whole(length, 4, 10) is None:
            problems.append(_l("game.length: a whole number between 4 and 10"))
        if isinstance(shown, str) or whole(shown, 2, 15) is None:
            problems.append(_l("game.seconds: a whole number between 2 and 15"))
        return problems

    def new_challenge(self, rng, settings):
        problems = self.problems(settings)
        if problems:
            raise BadSettings(problems)
        length = settings.get("length", 6)
        return {
            "digits": "".join(str(rng.randrange(10)) for _ in range(length)),
            "seconds": settings.get("seconds", 5),
        }

    def public_view(self, challenge, moves=(), clock=0.0):
        step = _step(moves)
        view = {"step": step, "length": len(challenge["digits"]), "seconds": challenge["seconds"]}
        if step == "showing":
            shown = moves_of(moves, "show")[0]["at"]
            left = challenge["seconds"] + GRACE - (clock - shown)
            if left > 0:
                # Only this step's page holds the digits.
                view["digits"] = list(challenge["digits"])
                view["left_ms"] = int(max(0.0, challenge["seconds"] - (clock - shown)) * 1000)
        return view

    def accept(self, challenge, moves, form, clock):
        if not isinstance(form, Mapping):
            return None
        step, action = _step(moves), form.get("action")
        if step == "ready" and action == "show":
            return {"kind": "show"}
        if step == "showing" and action == "memorised":
            return {"kind": "hide"}
        if step == "typing" and action == "answer" and "answer" in form:
            typed = text(form.get("answer"), limit=len(challenge["digits"]) * 2)
            return {"kind": "answer", "answer": typed}
        return None

    def finished(self, challenge, moves):
        return _step(moves) == "done"

    def score(self, challenge, moves, clock):
        digits = challenge["digits"]
        show, hide, answer = (moves_of(moves, kind)[:1] for kind in ("show", "hide", "answer"))
        if not (show and hide and answer):
            return 0
        shown, hidden, answered = show[0]["at"], hide[0]["at"], answer[0]["at"]
        typed = answer[0].get("answer")
        if not shown <= hidden <= answered or not isinstance(typed, str):
            return 0
        if answered - hidden < TYPE_FIRST + TYPE_EACH * len(digits):
            return 0
        right = sum(1 for a, b in zip(typed, digits, strict=False) if a == b)
        points = MAX_SCORE * right / len(digits)
        # Each second looked at beyond the allowed time (and its grace) costs a share.
        over = (hidden - shown) - (challenge["seconds"] + GRACE)
        if over > 0:
            points *= max(0.0, 1 - over / challenge["seconds"])
        return int(points)


def _step(moves) -> str:
    if moves_of(moves, "answer"):
        return "done"
    if moves_of(moves, "hide"):
        return "typing"
    if moves_of(moves, "show"):
        return "showing"
    return "ready"


GAME = Memory()
