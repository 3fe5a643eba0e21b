"""The public fairness routes: what they show before the end, and after."""

import json
from datetime import timedelta

import pytest

from app.lottery.fairness import binding_commitment, verify
from tests.factories import START, Terminal, make_campaign

# The proof a campaign drawn on either engine publishes verifies the same way.
pytestmark = pytest.mark.both_engines


def seed_of(app, slug):
    with app.app_context():
        from app.store import get_db

        return get_db().execute("SELECT seed FROM campaigns WHERE slug = ?", [slug]).fetchone()[0]


def fairness(client, slug):
    answer = client.get(f"/c/{slug}/fairness.json")
    return answer.status_code, json.loads(answer.get_data(as_text=True) or "null")


def test_before_the_end_no_response_holds_the_seed(app, clock):
    make_campaign(app, slug="fair", prizes=((25, 3), (10, 3)), losing=2)
    seed = seed_of(app, "fair")
    bodies = []
    for n in range(1, 6):
        t = Terminal(app.test_client(), "fair")
        bodies.append(t.get().get_data(as_text=True))
        bodies.append(t.claim(n).get_data(as_text=True))
        bodies.append(t.get("/entry").get_data(as_text=True))
        if n % 2:
            bodies.append(t.cancel().get_data(as_text=True))
        poll = t.client.get("/c/fair/tiles?v=0", headers={"HX-Request": "true"})
        bodies.append(poll.get_data(as_text=True))
    client = app.test_client()
    bodies.append(client.get("/c/fair/fairness").get_data(as_text=True))
    status, doc = fairness(client, "fair")
    bodies.append(json.dumps(doc))
    assert status == 200 and doc["seed"] is None and doc["log"] is None and not doc["ended"]
    assert all(seed not in body for body in bodies)
    # The breakdown is secret until the end: only the algorithm and the commitment.
    assert {k for k, v in doc.items() if v not in (None, False)} == {
        "algorithm",
        "campaign",
        "commitment",
    }
    assert doc["algorithm"] == "kuji-draw-v2"


def test_after_the_end_the_seed_and_log_are_published_and_verify(app, clock, runner):
    make_campaign(app, slug="fair", prizes=((25, 3), (10, 3)), losing=2)
    cancelled = confirmed = False
    for n in range(1, 5):
        t = Terminal(app.test_client(), "fair")
        assert t.claim(n).status_code == 303
        # A losing ticket can be neither cancelled nor confirmed; 2 of 8 lose, so at least
        # two of these four draws hold a coupon: the first is cancelled, the next confirmed.
        t.reveal()
        held = 'name="email"' in t.get("/entry").get_data(as_text=True)
        if held and not cancelled:
            answer = t.cancel()
            assert answer.status_code == 303, answer.get_data(as_text=True)[-600:]
            cancelled = True
        elif held and not confirmed:
            assert t.confirm().status_code == 303
            confirmed = True
    assert cancelled and confirmed
    status, before = fairness(app.test_client(), "fair")
    clock.advance(days=31)
    status, doc = fairness(app.test_client(), "fair")
    assert status == 200 and doc["ended"] and doc["seed"] == seed_of(app, "fair")
    assert doc["commitment"] == before["commitment"]
    assert [e["event"] for e in doc["log"]].count("return") == 1
    assert verify(doc).ok
    # The commitment published before the end binds the counts shown after it.
    counts = {t["number"]: t["count"] for t in doc["tiers"]}
    assert counts == {1: 3, 2: 3, 0: 2}
    assert doc["commitment"] == binding_commitment(bytes.fromhex(doc["seed"]), counts)
    fewer_losing = json.loads(json.dumps(doc))
    fewer_losing["tiers"][-1]["count"] = 1
    fewer_losing["tiers"][0]["count"] = 4
    report = verify(fewer_losing)
    assert not report.ok and "the tier counts" in report.problems[0]
    text = json.dumps(doc, ensure_ascii=False)
    # Words that cannot occur in the hex of the seed or the commitment.
    assert not any(w in text for w in ("Hanako", "hanako@example.jp", "Ginza", "090-1234-5678"))
    page = app.test_client().get("/c/fair/fairness", headers={"Cookie": "lang=en"})
    assert doc["commitment"] in page.get_data(as_text=True)
    result = runner.invoke(args=["campaign", "verify", "fair"])
    assert result.exit_code == 0 and "verified: 4 draws" in result.output


def test_a_draft_has_no_public_fairness(app):
    from tests.factories import conditions

    with app.app_context():
        from app.new_campaign import create_campaign

        create_campaign(conditions(slug="draft"), START - timedelta(days=1), publish=False)
    assert app.test_client().get("/c/draft/fairness.json").status_code == 404
    assert app.test_client().get("/c/draft/fairness").status_code == 404
