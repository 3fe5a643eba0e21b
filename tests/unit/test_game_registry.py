"""The registry of mini-games: by name, with a clear error for an unknown one."""

import random

import pytest

import games
from games.base import Game


def test_the_three_games_are_registered():
    assert games.names() == ["memory", "quiz", "stop"]
    for name in games.names():
        game = games.get(name)
        assert game.name == name
        assert game.template == f"games/{name}.html"
        assert str(game.title) and str(game.rules)


@pytest.mark.parametrize("name", ["nope", "", None, 3, ["quiz"], "QUIZ"])
def test_an_unknown_name_is_a_clear_error(name):
    with pytest.raises(games.UnknownGame, match="no mini-game is called"):
        games.get(name)


def test_a_second_game_under_a_taken_name_is_refused():
    class Other(Game):
        name = "quiz"

    with pytest.raises(ValueError, match="two games"):
        games.register(Other())
    with pytest.raises(ValueError, match="lower-case"):
        games.register(type("Bad", (Game,), {"name": "Bad Name"})())
    assert games.register(games.get("quiz")) is games.get("quiz")  # the same one is fine


@pytest.mark.parametrize("name", ["stop", "memory"])
def test_challenges_are_json_and_the_public_view_hides_the_secrets(name):
    import json

    game = games.get(name)
    challenge = game.new_challenge(random.Random(4), {})
    assert json.loads(json.dumps(challenge)) == challenge
    view = game.public_view(challenge, [], 0.0)
    assert json.dumps(view)
    if name == "memory":
        assert "digits" not in view  # before the player asks to see them


@pytest.mark.parametrize("name", ["stop", "memory"])
@pytest.mark.parametrize(
    "settings", [{"rounds": "3"}, {"rounds": 0}, {"speed": "warp"}, {"length": 99}, {"seconds": 1}]
)
def test_bad_settings_are_reported_not_played(name, settings):
    game = games.get(name)
    relevant = set(settings) & ({"rounds", "speed"} if name == "stop" else {"length", "seconds"})
    if not relevant:
        assert game.problems(settings) == []
        return
    assert game.problems(settings)
    with pytest.raises(games.BadSettings):
        game.new_challenge(random.Random(1), settings)
