"""Mini-games that weight a draw: a registry by name, each game scored on the server.

import games
game = games.get("quiz")            # raises games.UnknownGame for a name nobody registered
challenge = game.new_challenge(rng, settings)
game.score(challenge, moves, clock) # 0..1000
"""

import re

from .base import MAX_SCORE, BadSettings, Game

NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


class UnknownGame(LookupError):
    """No mini-game is registered under this name."""

    def __init__(self, name):
        super().__init__(f"no mini-game is called {name!r}; known: {', '.join(names())}")
        self.name = name


_registry: dict[str, Game] = {}


def register(game: Game) -> Game:
    """Make `game` playable under its name; a second game with the same name is a mistake."""
    if not isinstance(game.name, str) or not NAME.fullmatch(game.name):
        raise ValueError(f"a game's name is lower-case letters, digits and _: {game.name!r}")
    if _registry.get(game.name, game) is not game:
        raise ValueError(f"two games are called {game.name!r}")
    _registry[game.name] = game
    return game


def get(name) -> Game:
    """Return the game registered under `name`; raise UnknownGame otherwise."""
    if not isinstance(name, str) or name not in _registry:
        raise UnknownGame(name)
    return _registry[name]


def names() -> list[str]:
    """Return the registered games' names, sorted."""
    return sorted(_registry)


def _register_builtin() -> None:
    from . import memory, quiz, stop

    for module in (quiz, stop, memory):
        register(module.GAME)


_register_builtin()

__all__ = ["MAX_SCORE", "BadSettings", "Game", "UnknownGame", "get", "names", "register"]
