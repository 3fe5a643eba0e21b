"""A request reads its campaign once: every view and page helper shares the one object."""

from contextlib import contextmanager

import pytest

from app.store import campaigns
from app.web.current_campaign import current_campaign, reload
from tests.app.test_game_draw import game_campaign
from tests.factories import Terminal, make_campaign


@contextmanager
def counted_loads(monkeypatch):
    """Count every read of a campaign row (by slug or by id) while the block runs."""
    loads = []
    for name in ("by_slug", "by_id"):
        real = getattr(campaigns, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            loads.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(campaigns, name, counting)
    yield loads
    monkeypatch.undo()


def test_one_speed_draw_reads_its_campaign_once(app, client, monkeypatch):
    make_campaign(app, slug="speedy", mode="speed")
    t = Terminal(client, "speedy")
    t.get()
    with counted_loads(monkeypatch) as loads:
        assert t.post("/draw").status_code == 303
    assert loads == ["by_slug"]


def test_a_speed_draw_after_a_game_reads_its_campaign_once(app, client, clock, monkeypatch):
    game_campaign(app, slug="quick")
    t = Terminal(client, "quick")
    t.get()
    with counted_loads(monkeypatch) as loads:
        assert t.post("/draw").status_code == 303  # the unfinished play's score is the merit
    assert loads == ["by_slug"]


@pytest.mark.parametrize("mode", ["board", "speed"])
def test_one_page_reads_its_campaign_once(app, client, monkeypatch, mode):
    make_campaign(app, slug="spring", mode=mode)
    t = Terminal(client, "spring")
    with counted_loads(monkeypatch) as loads:
        assert t.get().status_code == 200
    assert loads == ["by_slug"]


def test_a_draw_refused_as_taken_reads_its_campaign_once(app, monkeypatch):
    make_campaign(app, slug="speedy", mode="speed", prizes=((25, 1),))
    Terminal(app.test_client(), "speedy").post("/draw")
    late = Terminal(app.test_client(), "speedy")
    late.get()
    with counted_loads(monkeypatch) as loads:
        assert late.post("/draw").status_code == 409
    assert loads == ["by_slug"]


def test_helpers_share_the_request_campaign_until_it_is_reloaded(app, monkeypatch):
    make_campaign(app, slug="spring")
    with app.test_request_context("/c/spring"), counted_loads(monkeypatch) as loads:
        first = current_campaign("spring")
        assert current_campaign("spring") is first
        assert current_campaign("nowhere") is None
        again = reload("spring")  # reads the row again (an unchanged row may give the same object)
        assert again == first
        assert current_campaign("spring") is again
        assert loads == ["by_slug"] * 3
    with app.test_request_context("/c/spring"), counted_loads(monkeypatch) as loads:
        assert current_campaign("spring") == first
        assert loads == ["by_slug"]  # a new request reads it anew
