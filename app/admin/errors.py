"""Error pages inside the admin, with a way back to the admin rather than the public board."""

from flask import request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.views import render

from . import bp

CSRF = "This form has expired or did not come from this site. Reload the page and try again."


def _page(error: HTTPException, message: str | None = None):
    code = error.code or 500
    slug = (request.view_args or {}).get("slug")
    back = url_for("admin.monitor", slug=slug) if slug and code != 404 else url_for("admin.index")
    return render(
        "admin/error.html",
        status=code,
        title=error.name,
        message=message or error.description,
        back=back,
    )


bp.register_error_handler(CSRFError, lambda e: _page(e, CSRF))
bp.register_error_handler(HTTPException, _page)
