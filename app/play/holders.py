"""Who is playing: each campaign mode names its holder (the same name its draw uses).

Public boards and speed lotteries use the browser session's holder. An invitation
campaign registers its own (`invite:<invitation id>`, or None before logging in):

    from app.play import holders
    holders.register("invite", lambda campaign: ...)
"""

from collections.abc import Callable

from app.public import terminal

HolderOf = Callable[[object], str | None]

_by_mode: dict[str, HolderOf] = {
    "board": lambda campaign: terminal.holder(),
    "speed": lambda campaign: terminal.holder(),
}


def register(mode: str, holder_of: HolderOf) -> None:
    """Use `holder_of(campaign)` to name who plays in campaigns of `mode`."""
    _by_mode[mode] = holder_of


# Devices that name their own player whatever the mode: a shop kiosk plays as the
# customer's draw ticket ("kiosk:<ticket id>"), not as the browser session.
_devices: list[HolderOf] = []


def register_device(holder_of: HolderOf) -> None:
    """Ask `holder_of(campaign)` first; a name it returns wins over the mode's holder."""
    if holder_of not in _devices:
        _devices.append(holder_of)


def holder(campaign) -> str | None:
    """Return who is playing this campaign's game now, or None when nobody may yet."""
    for device in _devices:
        found = device(campaign)
        if found:
            return found
    holder_of = _by_mode.get(campaign.mode)
    return holder_of(campaign) if holder_of else None
