"""The speed lottery's Draw button and the batch draw, through the Flask test client."""

import json
from datetime import timedelta

from app.jobs import run_pending
from app.store import campaigns, get_db
from tests.factories import START, Terminal, make_campaign


def test_a_speed_campaign_shows_one_draw_button_and_no_tiles(app, client):
    make_campaign(app, slug="speedy", mode="speed")
    html = Terminal(client, "speedy").get().get_data(as_text=True)
    assert 'action="/c/speedy/draw"' in html and ">Draw<" in html
    assert 'name="tile"' not in html and "hx-trigger" not in html
    assert Terminal(app.test_client(), "speedy").claim(1).status_code == 404


def test_draw_then_confirm_then_the_device_cannot_draw_again(app, client):
    make_campaign(app, slug="speedy", mode="speed")
    t = Terminal(client, "speedy")
    answer = t.post("/draw")
    assert answer.status_code == 303 and answer.location.endswith("/c/speedy/entry")
    html = t.get("/entry").get_data(as_text=True).split("</header>")[1]
    assert "% off" not in html and 'name="email"' not in html and "Tile" not in html
    assert t.reveal().status_code == 303
    html = t.get("/entry").get_data(as_text=True)
    assert "You won" in html and 'name="email"' in html
    assert "goes back to the draw" in html and "board" not in html.split("</header>")[1]
    assert t.confirm().status_code == 303
    assert "Thank you" in t.get().get_data(as_text=True)
    assert t.post("/draw").status_code == 403
    with app.app_context():
        assert campaigns.by_slug(get_db(), "speedy").free == 99


def test_cancel_gives_the_coupon_back_and_the_device_is_done(app, client):
    make_campaign(app, slug="speedy", mode="speed", prizes=((25, 1),))
    t = Terminal(client, "speedy")
    t.post("/draw")
    assert t.cancel().status_code == 303
    assert t.post("/draw").status_code == 403
    other = Terminal(app.test_client(), "speedy")
    assert other.post("/draw").status_code == 303  # the coupon came back for someone else


def test_when_everything_is_held_the_draw_says_so(app):
    make_campaign(app, slug="speedy", mode="speed", prizes=((25, 1),))
    Terminal(app.test_client(), "speedy").post("/draw")
    late = Terminal(app.test_client(), "speedy")
    answer = late.post("/draw")
    assert answer.status_code == 409
    assert "come back" in answer.get_data(as_text=True)


def test_a_speed_draw_outside_the_period_is_refused(app, clock, client):
    make_campaign(app, slug="later", mode="speed", opens=START + timedelta(days=1))
    t = Terminal(client, "later")
    assert "Not open yet" in t.get().get_data(as_text=True)
    assert t.post("/draw").status_code == 403
    clock.advance(days=40)
    assert t.post("/draw").status_code == 403


def test_the_commitment_is_on_the_page_and_in_fairness_json(app, client):
    make_campaign(app, slug="speedy", mode="speed")
    doc = json.loads(client.get("/c/speedy/fairness.json").get_data(as_text=True))
    html = Terminal(client, "speedy").get().get_data(as_text=True)
    assert len(doc["commitment"]) == 64 and doc["commitment"] in html
    assert doc["seed"] is None and doc["log"] is None


def apply(t, n):
    return t.post(
        "/apply",
        {
            "name": f"Person {n}",
            "postal_code": "〒１０４－００６１",
            "address": "Tokyo",
            "phone": f"090-1111-{n:04d}",
            "email": f"p{n}@example.jp",
        },
    )


def test_batch_requests_wait_for_the_end_then_show_their_result(app, clock, runner):
    make_campaign(app, slug="lots", draw="batch", mode="speed", prizes=((25, 2),), losing=2)
    people = [Terminal(app.test_client(), "lots") for _ in range(3)]
    for n, t in enumerate(people, 1):
        assert apply(t, n).status_code == 303
    assert "Your request is registered" in people[0].get().get_data(as_text=True)
    assert apply(people[0], 9).status_code == 403  # one request per device
    assert apply(Terminal(app.test_client(), "lots"), 2).status_code == 409  # same person
    clock.advance(days=31)
    # Looking never draws: the job runner's next tick does, once.
    assert all("Your request is registered" in t.get().get_data(as_text=True) for t in people)
    run_pending(app)
    run_pending(app)
    pages = [t.get().get_data(as_text=True) for t in people]
    assert all("The draw has been made" in p and "You won" not in p for p in pages)
    assert all("No prize this time" not in p for p in pages)
    for t in people:
        assert t.reveal().status_code == 303
    pages = [t.get().get_data(as_text=True) for t in people]
    won = sum("You won" in p for p in pages)
    lost = sum("No prize this time" in p for p in pages)
    assert won + lost == 3 and won <= 2 and lost <= 2
    result = runner.invoke(args=["campaign", "draw", "lots"])
    assert result.exit_code == 1 and "drawn already" in result.output
    result = runner.invoke(args=["campaign", "verify", "lots"])
    assert result.exit_code == 0 and "verified: 3 draws" in result.output
    rows = runner.invoke(args=["campaign", "export", "lots"]).output.splitlines()
    assert len(rows) == 1 + won


def test_close_then_draw_from_the_command_line(app, runner):
    make_campaign(app, slug="lots", draw="batch", mode="speed", prizes=((25, 2),), losing=2)
    apply(Terminal(app.test_client(), "lots"), 1)
    result = runner.invoke(args=["campaign", "draw", "lots"])
    assert result.exit_code == 1 and "still taking requests" in result.output
    assert runner.invoke(args=["campaign", "close", "lots"]).exit_code == 0
    assert runner.invoke(args=["campaign", "close", "lots"]).exit_code == 1
    result = runner.invoke(args=["campaign", "draw", "lots"])
    assert result.exit_code == 0 and "drawn: 1 requests" in result.output


def test_a_board_campaign_has_no_draw_or_apply(app, campaign, terminal):
    assert terminal.post("/draw").status_code == 404
    assert apply(terminal, 1).status_code == 404
