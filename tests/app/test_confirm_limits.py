"""Confirm: a hold is no oracle for "does this e-mail already have a coupon?"."""

from app.store import campaigns, get_db

RELEASED = "has gone back to the draw"


def free_count(app) -> int:
    with app.app_context():
        return campaigns.by_slug(get_db(), "spring").free


def test_three_duplicate_refusals_release_the_hold_and_the_terminal_has_drawn(
    app, terminal, new_terminal
):
    terminal.claim(1)
    assert terminal.confirm(email="taken@example.jp").status_code == 303
    prober = new_terminal()
    prober.claim(2)
    assert free_count(app) == 98
    for n, email in enumerate(("taken@example.jp", "TAKEN@example.jp", " taken@example.jp"), 1):
        response = prober.confirm(email=email, phone=f"090-0000-000{n}")
        html = response.get_data(as_text=True)
        assert response.status_code == 409
        if n < 3:
            assert "already has a coupon" in html and RELEASED not in html
            assert free_count(app) == 98  # still held
    assert RELEASED in html and "You cancelled tile 2" in html
    assert free_count(app) == 99  # the tile (and its coupon) is back
    assert "You have already drawn" in prober.get().get_data(as_text=True)
    assert prober.claim(3).status_code == 403
    # A fourth try finds no hold: nothing more to learn.
    assert prober.confirm(email="taken@example.jp").status_code == 409


def test_refusals_count_per_hold_not_per_terminal_session(app, terminal, new_terminal):
    terminal.claim(1)
    terminal.confirm(email="taken@example.jp")
    a, b = new_terminal(), new_terminal()
    a.claim(2)
    b.claim(3)
    for _ in range(2):
        assert a.confirm(email="taken@example.jp").status_code == 409
        assert b.confirm(email="taken@example.jp").status_code == 409
    assert free_count(app) == 97  # two refusals each: both holds stand
    assert b.confirm(email="b@example.jp", phone="090-2222-3333").status_code == 303


def test_confirms_are_limited_per_holder(app, terminal, new_terminal):
    app.config["CONFIRM_HOLDER_LIMIT"] = "3 per minute"
    terminal.claim(1)
    for _ in range(3):
        assert terminal.confirm(email="not-an-address").status_code == 422
    response = terminal.confirm(email="not-an-address")
    assert response.status_code == 429
    assert "Too many tries to confirm" in response.get_data(as_text=True)
    other = new_terminal()  # same address, another holder: its own budget
    other.claim(2)
    assert other.confirm(email="not-an-address").status_code == 422


def test_confirms_are_limited_per_address(app, new_terminal):
    app.config["CONFIRM_LIMIT"] = "4 per minute"
    codes = []
    for no in range(1, 6):
        t = new_terminal()
        t.claim(no)
        codes.append(t.confirm(email="not-an-address").status_code)
    assert codes == [422, 422, 422, 422, 429]
    t = new_terminal()
    t.claim(9)
    t.reveal()
    other_address = {"REMOTE_ADDR": "192.0.2.9"}
    response = t.post("/confirm", {"email": "bad"}, environ_base=other_address)
    assert response.status_code == 422


def test_an_invitee_is_released_after_three_duplicates_too(app, invite_ready):
    from tests.admin.helpers import seed_destinations
    from tests.factories import Terminal

    taken = {"name": "X", "address": "1 Ginza", "phone": "090-9999-0000"}
    seed_destinations(app, "vip", [{**taken, "email": "taken@example.jp"}])
    login_id, password = invite_ready
    t = Terminal(app.test_client(), "vip")
    t.get("/login")
    t.post("/login", {"id": login_id, "password": password})
    t.get("/invited")
    assert t.post("/invited/draw").status_code == 303
    t.reveal("/invited/reveal")
    data = {
        "name": "Taro Sato",
        "postal_code": "530-0001",
        "address": "2-2 Namba, Osaka",
        "phone": "090-1111-2222",
        "email": "taken@example.jp",
    }
    codes = [t.post("/invited/confirm", data).status_code for _ in range(3)]
    assert codes == [409, 409, 409]
    html = t.last.get_data(as_text=True)
    assert RELEASED in html
    with app.app_context():
        assert campaigns.by_slug(get_db(), "vip").free == 2  # the coupon is back in the pool
    assert t.post("/invited/draw").status_code == 403  # and the invitee has drawn


def test_a_confirm_counts_both_limits_in_its_transaction_and_a_full_one_still_counts_the_other(
    app, terminal, new_terminal
):
    app.config["CONFIRM_HOLDER_LIMIT"] = "1 per minute"
    app.config["CONFIRM_LIMIT"] = "4 per minute"
    terminal.claim(1)
    assert terminal.confirm(email="first@example.jp", phone="090-1111-0001").status_code == 303
    prober = new_terminal()
    prober.claim(2)
    # A refusal inside the confirm's transaction (already has a coupon) rolls its hits back:
    # they are counted after it, each in its own.
    assert prober.confirm(email="first@example.jp").status_code == 409
    # The holder's window is full now: a valid confirm is refused in its transaction, which
    # writes nothing, and the address's hit it rolled back is counted all the same.
    refused = prober.confirm(email="second@example.jp", phone="090-1111-0002")
    assert refused.status_code == 429
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").free == 98  # still held, not confirmed
    third = new_terminal()  # the same address: its fourth confirm goes through
    third.claim(3)
    assert third.confirm(email="third@example.jp", phone="090-1111-0003").status_code == 303
    fourth = new_terminal()
    fourth.claim(4)
    assert fourth.confirm(email="fourth@example.jp", phone="090-1111-0004").status_code == 429
