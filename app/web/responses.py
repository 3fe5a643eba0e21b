"""Helpers every blueprint's views share."""

import json
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request


def render(template: str, block: str | None = None, status: int = 200, **context):
    """Render a block of a template for htmx, or the whole page for a browser."""
    if block is None or not request.htmx or request.htmx.boosted:
        return render_template(template, **context), status
    env = current_app.jinja_env
    current_app.update_template_context(context)
    tmpl = env.get_or_select_template(template)
    html = "".join(tmpl.blocks[block](tmpl.new_context(context)))
    return html, status


def to_main(response):
    """Make htmx put a page-level answer in the main area, whatever the request targeted."""
    html, status = response
    return html, status, {"HX-Retarget": "#main", "HX-Reswap": "innerHTML"}


def go(url: str, target: str = "#main"):
    """Send the browser to `url`: a 303 redirect, or an htmx swap of `target`."""
    if request.htmx:
        return "", 200, {"HX-Location": json.dumps({"path": url, "target": target})}
    return redirect(url, 303)


def now():
    """Return the current time from the app's clock (tests replace it)."""
    return current_app.config["CLOCK"]()


def local_path(target: str | None) -> bool:
    """Tell whether `target` is a path on this site, safe to redirect to."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target))
