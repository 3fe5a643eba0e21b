"""What a refused claim, confirm or cancel tells its caller."""

from .constraints import violated


class ClaimError(Exception):
    """A draw step that was refused; nothing was written."""


class Taken(ClaimError):
    """The tile is held or issued already, or no tile is left."""


class AlreadyDrawn(ClaimError):
    """This holder has drawn in the campaign before."""


class NotHeld(ClaimError):
    """The entry holds no tile any more; `state` says what became of it."""

    def __init__(self, state: str | None):
        super().__init__(state)
        self.state = state


class Duplicate(ClaimError):
    """This person is already in the destination list; `field` says how we know."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class Closed(ClaimError):
    """The campaign takes no draws now; `phase` says why (draft, scheduled, ended)."""

    def __init__(self, phase: str):
        super().__init__(phase)
        self.phase = phase


class Refused(ClaimError):
    """This client's address may not draw now; `reason` says why (holds, redraws)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# The unique constraints that refuse a second draw or a second destination for one person.
_REFUSALS = {
    "entries_one_per_holder": AlreadyDrawn,
    "requests_campaign_id_holder_key": AlreadyDrawn,
    "destinations_campaign_id_email_key_key": lambda: Duplicate("email"),
    "destinations_campaign_id_phone_key_key": lambda: Duplicate("phone"),
    "requests_campaign_id_email_key_key": lambda: Duplicate("email"),
    "requests_campaign_id_phone_key_key": lambda: Duplicate("phone"),
    "contact_keys_campaign_id_email_key_key": lambda: Duplicate("email"),
    "contact_keys_campaign_id_phone_key_key": lambda: Duplicate("phone"),
}


def refusal(exc: Exception) -> Exception:
    """Return the domain error a broken unique constraint means; `exc` itself for any other.

    `raise refusal(exc) from None` then refuses the claim, and re-raises what no rule
    explains (a bug, not a person drawing twice).
    """
    make = _REFUSALS.get(violated(exc))
    return make() if make else exc
