"""Error pages inside the admin, with a way back to the admin rather than the public board."""

from flask import request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.web.error_pages import CSRF, message_for, title_for
from app.web.responses import render

from .blueprint import bp


def _page(error: HTTPException, message: str | None = None):
    code = error.code or 500
    slug = (request.view_args or {}).get("slug")
    back = url_for("admin.monitor", slug=slug) if slug and code != 404 else url_for("admin.index")
    return render(
        "admin/error.html",
        status=code,
        title=title_for(code),
        message=message or message_for(error),
        back=back,
    )


bp.register_error_handler(CSRFError, lambda e: _page(e, str(CSRF)))
bp.register_error_handler(HTTPException, _page)
