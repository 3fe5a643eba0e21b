"""Kuji: coupon lottery campaigns on a live board of numbered tiles.

Importing a pure part (app.lottery, app.store's rules) must not build the web app, so the
factory lives in app.factory; `from app import create_app` still works, loaded on use.
"""


def __getattr__(name: str):
    if name == "create_app":
        from .factory import create_app

        return create_app
    raise AttributeError(f"module 'app' has no attribute {name!r}")
