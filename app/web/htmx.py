"""htmx-flask's `request.htmx`, made when a view asks for it and answered once.

htmx-flask's request class builds its header view in every request's constructor, and
each `if request.htmx` looks the HX-Request header up again through Werkzeug's headers,
which raise and catch a KeyError when it is absent (most requests: every page a browser
opens). A claim asks three times. Here the view is built on first use and the answer is
read from the environ once; every other attribute is htmx-flask's.
"""

from functools import cached_property

import htmx_flask
from flask import Request
from htmx_flask.requests import HtmxHeaders


class _Headers(HtmxHeaders):
    def __init__(self, request: Request):
        super().__init__(request.headers)
        self._asked = request.environ.get("HTTP_HX_REQUEST", "").lower() == "true"

    def __bool__(self) -> bool:
        return self._asked


class HtmxRequest(Request):
    """Flask's request with `htmx`, as htmx-flask's HtmxAwareRequest has it."""

    @cached_property
    def htmx(self) -> HtmxHeaders:
        return _Headers(self)


class Htmx(htmx_flask.Htmx):
    """htmx-flask's extension, with the request class above."""

    def init_app(self, app) -> None:
        super().init_app(app)
        app.request_class = HtmxRequest
