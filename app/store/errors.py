"""What a refused claim, confirm or cancel tells its caller."""


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
