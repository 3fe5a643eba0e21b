"""`request.htmx` answers as htmx-flask's does, built only when a view asks."""

import pytest
from flask import request


@pytest.mark.parametrize(
    ("headers", "htmx", "boosted"),
    [
        ({}, False, False),
        ({"HX-Request": "true"}, True, False),
        ({"HX-Request": "TRUE", "HX-Boosted": "true"}, True, True),
        ({"HX-Request": "false"}, False, False),
    ],
)
def test_request_htmx_reads_the_headers(app, headers, htmx, boosted):
    with app.test_request_context("/", headers={**headers, "HX-Target": "rows"}):
        assert bool(request.htmx) is htmx
        assert request.htmx.boosted is boosted
        assert request.htmx.target == "rows"
        assert request.htmx is request.htmx  # one per request


def test_an_unknown_version_reloads_htmx_and_redirects_a_browser(campaign, client):
    path = f"/c/{campaign.slug}/tiles?v=999999"
    assert client.get(path).status_code == 303
    fragment = client.get(path, headers={"HX-Request": "true"})
    assert fragment.headers.get("HX-Refresh") == "true"
