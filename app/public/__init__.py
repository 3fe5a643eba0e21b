"""A campaign's public pages under /c/<slug>: one blueprint per screen group.

board (tiles, poll, claim), speed (the Draw button), batch (requests for a later draw),
entry (a terminal's draw: reveal, confirm, cancel), fairness (the proof), art (pictures).
The pages they share are built in screens.py, below every view.
"""

from . import art, art_links, batch, board, entry, fairness, speed

BLUEPRINTS = (board.bp, speed.bp, batch.bp, entry.bp, fairness.bp, art.bp)


def init_app(app):
    """Register the public blueprints and the brand their templates wear."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.add_template_global(art_links.campaign_brand)
