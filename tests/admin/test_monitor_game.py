"""The monitor's game section: plays per score band and the mean value each band drew."""

import re
from datetime import timedelta

from app.store import campaigns, claims, get_db, plays
from tests.app.test_game_draw import game_campaign
from tests.factories import START, make_campaign


def band_row(html: str, low: int) -> tuple[str, ...]:
    row = re.search(rf'<tr data-band="{low}">(.*?)</tr>', html).group(1)
    return tuple(re.findall(r"<td[^>]*>([^<]*)</td>", row))


def test_a_campaign_with_a_game_shows_scores_and_values_by_band(app, admin):
    game_campaign(app, slug="spring", mode="speed", tilt=500, prizes=((30, 2), (10, 2)))
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "spring")
        for i, score in enumerate((950, 990, 120, None)):
            holder = f"board:p{i}"
            play = plays.start(db, campaign.id, holder, "quiz", {"questions": []}, START)
            if score is not None:
                plays.finish(db, play.id, score, START)
                claims.hold(db, campaign, holder, START + timedelta(seconds=i), merit=score)
        drawn = {
            holder: value
            for holder, value in db.execute(
                "SELECT e.holder, p.value FROM entries e JOIN tiles t ON t.entry_id = e.id"
                " JOIN prizes p ON p.id = t.prize_id"
            )
        }
    html = admin.get("/admin/campaigns/spring").get_data(True)
    assert "Mini-game: Quiz about the goods" in html
    assert "3 finished plays." in html and "1 play not finished yet." in html
    high = (drawn["board:p0"] + drawn["board:p1"]) / 2
    assert band_row(html, 900) == ("900–1000", "2", "2", f"{high:g}% off")
    assert band_row(html, 100) == ("100–199", "1", "1", f"{drawn['board:p2']}% off")
    assert band_row(html, 500) == ("500–599", "0", "0", "—")
    assert html.count("<svg") == 4
    assert "Plays per score band" in html
    assert "Mean discount a draw gave per score band (percent off)" in html


def test_a_play_ending_changes_the_monitors_fingerprint(app, admin):
    game_campaign(app, slug="spring", mode="speed")
    html = admin.get("/admin/campaigns/spring").get_data(True)
    tag = re.search(r"campaigns/spring\?v=([\w-]+)", html).group(1)
    with app.app_context():
        db = get_db()
        cid = campaigns.by_slug(db, "spring").id
        play = plays.start(db, cid, "board:x", "quiz", {"questions": []}, START)
        plays.finish(db, play.id, 700, START)
    answer = admin.client.get(f"/admin/campaigns/spring?v={tag}", headers={"HX-Request": "true"})
    assert answer.status_code == 200 and 'data-band="700"' in answer.get_data(True)


def test_a_campaign_without_a_game_has_no_game_section(app, admin):
    make_campaign(app)
    html = admin.get("/admin/campaigns/spring").get_data(True)
    assert "Mini-game" not in html and html.count("<svg") == 2
