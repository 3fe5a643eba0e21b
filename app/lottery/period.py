"""When a campaign takes draws: the one rule every mode, the poll layer and the engine use.

`now`, `opens` and `closes` are datetimes, or stamps of one fixed format (store.db.stamp),
which order as text the way their moments do: the poll layer compares stamps to stay fast.
"""

DRAFT, SCHEDULED, OPEN, ENDED = "draft", "scheduled", "open", "ended"


def phase(now, opens, closes, *, published: bool = True, ended: bool = False) -> str:
    """Return 'draft', 'scheduled', 'open' or 'ended' at `now`.

    A draft is invisible whatever the time; a campaign ends at `closes`, or earlier when it
    was closed early or every tile was given out (`ended`).
    """
    if not published:
        return DRAFT
    if ended or now >= closes:
        return ENDED
    return OPEN if now >= opens else SCHEDULED


def is_open(now, opens, closes, *, published: bool = True, ended: bool = False) -> bool:
    """Tell whether the campaign takes draws at `now`."""
    return phase(now, opens, closes, published=published, ended=ended) == OPEN
