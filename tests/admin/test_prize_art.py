"""Prize art per tier: uploaded in the admin, checked by its bytes, shown only once revealed."""

import io
import re
from dataclasses import replace

import pytest

from app.lottery.conditions import ConditionsError, parse_conditions, to_toml
from app.lottery.images import media_type
from app.new_campaign import create_campaign
from app.store import campaigns, get_db, images
from tests.factories import START, Terminal, conditions
from tests.images import png

HX = {"HX-Request": "true", "HX-Target": "main"}


def make(app, slug="spring", prizes=((25, 5),), **kw):
    c = conditions(slug=slug, prizes=prizes, **kw)
    with app.app_context():
        create_campaign(c, START)
    return c


def upload(admin, slot, data, slug="spring", filename="art.png"):
    admin.get(f"/admin/campaigns/{slug}/images")
    return admin.post(
        f"/admin/campaigns/{slug}/images",
        {"slot": slot, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def stored(app, slug="spring"):
    with app.app_context():
        db = get_db()
        return images.named(db, campaigns.by_slug(db, slug).id)


@pytest.mark.both_engines
def test_uploaded_tier_art_appears_only_in_the_revealed_outcome(app, admin):
    make(app)
    picture = png()
    assert upload(admin, "1", picture).status_code == 303
    assert set(stored(app)) == {"prize-1"}
    t = Terminal(app.test_client())
    assert "/art/" not in t.get().get_data(as_text=True)  # the board names no tier's art
    t.claim(2)
    covered = t.get("/entry").get_data(as_text=True)
    assert "/art/" not in covered and "reveal-form" in covered
    outcome = t.post("/reveal", headers=HX).get_data(as_text=True)
    url = re.search(r'class="outcome-art own" src="(/c/spring/art/[0-9a-f]{32}\.png)"', outcome)
    assert url, outcome
    served = app.test_client().get(url.group(1))
    assert served.status_code == 200 and served.data == picture
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served.headers["Cache-Control"]
    assert "max-age=31536000" in served.headers["Cache-Control"]


@pytest.mark.both_engines
def test_a_new_picture_gets_a_new_url_and_the_old_one_is_gone(app, admin):
    make(app)
    upload(admin, "1", png((1, 2, 3)))
    first = stored(app)["prize-1"].digest
    upload(admin, "1", png((4, 5, 6)))
    second = stored(app)["prize-1"].digest
    assert first != second
    client = app.test_client()
    assert client.get(f"/c/spring/art/{first}.png").status_code == 404
    assert client.get(f"/c/spring/art/{second}.png").status_code == 200
    assert client.get(f"/c/spring/art/{second}.gif").status_code == 404  # the wrong kind


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "a.svg", "PNG, JPEG"),
        (b"just text pretending", "a.png", "PNG, JPEG"),
        (png() + b"\0" * (512 * 1024), "big.png", "too large"),
        (b"", "empty.png", "Choose a picture"),
    ],
)
def test_only_small_raster_pictures_are_kept(app, admin, data, filename, message):
    make(app)
    response = upload(admin, "1", data, filename=filename)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert stored(app) == {}


def test_a_picture_for_no_tier_is_refused_and_anonymous_uploads_are_not_taken(
    app, admin, anonymous
):
    make(app)
    assert upload(admin, "7", png()).status_code == 422
    anonymous.get("/admin/login")
    response = anonymous.post(
        "/admin/campaigns/spring/images",
        {"slot": "1", "file": (io.BytesIO(png()), "a.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (302, 303) and stored(app) == {}


def test_the_condition_file_names_the_tiers_picture(app, admin):
    c = conditions(prizes=((25, 3), (10, 3)))
    text = to_toml(c).replace("count = 3\n", 'count = 3\nimage = "gold.png"\n', 1)
    parsed = parse_conditions(text)
    assert [p.image for p in parsed.prizes] == ["gold.png", ""]
    assert 'image = "gold.png"' in to_toml(parsed)
    with app.app_context():
        create_campaign(parsed, START, source=text)
    page = admin.get("/admin/campaigns/spring/images").get_data(as_text=True)
    assert "gold.png" in page and "prize-2" in page
    upload(admin, "1", png())
    assert set(stored(app)) == {"gold.png"}


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b.png", ".hidden", "x" * 101])
def test_an_image_name_with_a_path_or_oddity_is_refused(name):
    text = to_toml(conditions()).replace("count = 70\n", f'count = 70\nimage = "{name}"\n', 1)
    with pytest.raises(ConditionsError):
        parse_conditions(text)


def test_the_format_is_read_from_the_bytes():
    assert media_type(png()) == "image/png"
    assert media_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert media_type(b"RIFF\x10\0\0\0WEBPVP8 ") == "image/webp"
    assert media_type(b"GIF89a....") == "image/gif"
    assert media_type(b"<svg") is None and media_type(b"<?xml") is None


def test_without_art_the_medal_by_rank_stays(app):
    make(app, prizes=((25, 3), (10, 3)))
    t = Terminal(app.test_client())
    t.claim(1)
    outcome = t.post("/reveal", headers=HX).get_data(as_text=True)
    assert re.search(r'class="outcome-art" src="/static/img/prize-(gold|silver)\.svg"', outcome)
    assert "/art/" not in outcome


def test_art_uploaded_for_a_tier_never_changes_the_prizes(app, admin):
    c = make(app)
    upload(admin, "1", png())
    with app.app_context():
        db = get_db()
        prize = list(campaigns.prizes(db, campaigns.by_slug(db, "spring").id).values())[0]
    assert prize.count == c.prizes[0].count and replace(c.prizes[0], image="x") == c.prizes[0]
