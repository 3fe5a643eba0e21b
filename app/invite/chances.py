"""An invitee's merit, from the campaign's [merit] rules, and the sentence that explains it."""

from datetime import datetime

from flask_babel import gettext as _

from app.lottery import merit as rules


def rules_of(db, campaign) -> rules.MeritRules:
    """Return the campaign's [merit] rules, as its condition file says."""
    return campaign.settings.merit


def of(db, campaign, invitation, moment: datetime, game: int | None = None) -> int:
    """Return the merit (0..1000) this invitee draws with now.

    `game` is their mini-game score (0..1000), or None when the campaign has no game.
    """
    if not campaign.tilt:
        return 0
    r = rules_of(db, campaign)
    if game is not None:
        r = rules.with_game(r)
    return rules.merit(
        r,
        speed=rules.speed_part(invitation.sent_at, moment, r),
        purchases=rules.purchases_part(invitation.purchases, r),
        game=game or 0,
    )


def odds_sentence(db, campaign) -> str | None:
    """Say plainly, in one sentence, what improves the odds here (None when nothing does)."""
    if not campaign.tilt:
        return None
    r = rules_of(db, campaign)
    if r.speed and r.purchases:
        return _(
            "Drawing soon after our e-mail and your past purchases improve your chances of a"
            " higher-value coupon."
        )
    if r.speed:
        return _("Drawing soon after our e-mail improves your chances of a higher-value coupon.")
    if r.purchases:
        return _("Your past purchases improve your chances of a higher-value coupon.")
    return None
