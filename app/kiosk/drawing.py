"""A kiosk draw's destination: the kiosk itself, confirmed as soon as the coupon is held."""

from app.lottery.contact import Contact
from app.store import NotHeld, claims
from app.web.responses import now


class KioskContact(Contact):
    """The destination of a kiosk draw: the kiosk's name and store, one per ticket."""

    def __init__(self, kiosk, ticket_id: int):
        super().__init__(name=kiosk.name, address=kiosk.store, phone="", email="")
        object.__setattr__(self, "ticket_id", ticket_id)

    @property
    def email_key(self) -> str:  # the one-person keys must differ for every ticket
        return f"kiosk:{self.ticket_id}"

    @property
    def phone_key(self) -> str:
        return f"kiosk:{self.ticket_id}"


def settle(db, campaign, kiosk, ticket_id, entry):
    """Confirm a held kiosk draw at once: the kiosk's e-coupon is its destination."""
    if entry.state != "held":
        return entry
    try:
        return claims.confirm(db, campaign, entry.id, KioskContact(kiosk, ticket_id), now())
    except NotHeld:
        return claims.entry(db, campaign.id, entry.id, now())
