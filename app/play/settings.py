"""Which game a campaign plays, read from its condition file.

Either a name alone, at the top of the file:

    game = "stop"

or a [game] table with the name and the game's settings:

    [game]
    name = "quiz"
    [[game.questions]]
    question = "How much does one DVD-RAM disc hold?"
    choices  = ["4.7 GB", "700 MB", "25 GB"]
    answer   = 0

(TOML cannot hold both `game = "…"` and a `[game]` table.) The condition file's parser in
app/lottery/conditions.py will validate these; until then they are read here.
"""

import tomllib

from app.store import get_db
from app.store.editing import source


def game_setting(text: str) -> tuple[str, dict] | None:
    """Return (game name, settings) from a condition file's text, or None for no game."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    game = data.get("game")
    if isinstance(game, str):
        return (game, {}) if game else None
    if isinstance(game, dict) and isinstance(game.get("name"), str) and game["name"]:
        return game["name"], {k: v for k, v in game.items() if k != "name"}
    return None


def game_of(campaign) -> tuple[str, dict] | None:
    """Return (game name, settings) for a stored campaign, or None when it has no game."""
    return game_setting(source(get_db(), campaign.id))
