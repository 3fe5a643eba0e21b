"""In-shop kiosks: a bound tablet where walk-in customers draw with a single-use ticket."""

from app.play import holders

from . import device, game, routes  # noqa: F401
from .blueprint import bp  # noqa: F401  (create_app registers it)


def init_app(app):
    """Register /kiosk, its settings, and the kiosk's holder for mini-games."""
    # Draws and ticket tries per kiosk (not per shop address: a shop's devices share one).
    app.config.setdefault("KIOSK_LIMIT", "30 per minute")
    # Wrong ticket codes per kiosk, counted in the database across workers.
    app.config.setdefault("KIOSK_TICKET_GUESSES", "10 per 10 minutes")
    # Seconds the result stays on screen before the kiosk returns to its attract screen.
    app.config.setdefault("KIOSK_IDLE_SECONDS", 45)
    app.register_blueprint(bp)
    holders.register_device(device.player)
    app.context_processor(lambda: {"kiosk_draw_url": device.draw_url})
