"""What every refusal must look like, for the abuse tests on the Flask test client."""

ALREADY = "already has a coupon in this campaign"
NO_HOLD = "You hold no tile in this campaign"
CSRF = "expired or did not come from this site"
HANAKO = {"email": "hanako@example.jp", "phone": "090-1234-5678"}


def refused(response, *statuses):
    """Assert a clear refusal: one of `statuses` (any 4xx if none), with a sentence to read."""
    assert 400 <= response.status_code < 500, response.status_code
    if statuses:
        assert response.status_code in statuses, response.status_code
    html = response.get_data(as_text=True)
    assert any(mark in html for mark in ('role="alert"', 'role="status"', 'class="error"')), html
    return html


def holding(terminal, tile):
    """Assert the terminal still holds `tile`, with the confirm form in front of it once
    uncovered (uncovering twice changes nothing)."""
    terminal.reveal()
    page = terminal.get("/entry")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Tile {tile}:" in html and 'name="email"' in html
