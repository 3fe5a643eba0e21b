"""QR codes as inline SVG (segno): no image library, no script, sharp at any size."""

import segno
from markupsafe import Markup


def svg(text: str, scale: int = 6) -> Markup:
    """Return `text` as an inline SVG QR code, safe to put in a template."""
    qr = segno.make(text, error="m", micro=False)
    # segno writes only paths and presentation attributes: nothing a strict CSP blocks.
    # omitsize: a viewBox only, so CSS sizes the code to the screen and it scales with it.
    return Markup(qr.svg_inline(scale=scale, border=2, title=None, omitsize=True))  # noqa: S704
