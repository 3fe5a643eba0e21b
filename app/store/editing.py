"""Changing a stored campaign: one function for every change, so nothing disagrees."""

from dataclasses import replace
from datetime import datetime

from sqlite_utils import Database

from app.lottery.conditions import Conditions, ConditionsError, parse_conditions, to_toml
from app.lottery.settings import settings_of, to_json

from .campaigns import CONDITION_COLUMNS, condition_values, lay_tiles
from .db import changed as board_changed
from .db import immediate, stamp
from .engine import return_holds

# The columns a details edit may change: the draw's rules (prizes, losing, mode, draw,
# tilt) change only with a new layout, before anyone has drawn.
_RULE_COLUMNS = ("losing", "tile_count", "mode", "draw", "tilt")


class Locked(ValueError):
    """The change needs a board nobody has drawn from yet."""


def source(db: Database, campaign_id: int) -> str:
    """Return the campaign's condition set file as stored (for export and editing)."""
    return db.execute("SELECT conditions FROM campaigns WHERE id = ?", [campaign_id]).fetchone()[0]


def has_claims(db: Database, campaign_id: int) -> bool:
    """Tell whether anyone has drawn a tile of this campaign."""
    return bool(
        db.execute("SELECT 1 FROM entries WHERE campaign_id = ? LIMIT 1", [campaign_id]).fetchone()
    )


def change(
    db: Database,
    campaign_id: int,
    now: datetime,
    *,
    conditions: Conditions | None = None,
    text: str | None = None,
    layout: bool = False,
    open_now: bool = False,
    close_now: bool = False,
    publish: bool = False,
) -> bool:
    """Make one change to a stored campaign; return False when it no longer applies.

    The change is one of: a new condition set (`conditions`, stored as `text` when the
    admin's file is kept, else written out; `layout` also lays new prizes, tiers and tiles
    and raises Locked once anyone has drawn), opening or closing now (the stored file's
    period is rewritten to match, and closing returns live holds unconfirmed), or
    publishing a draft. The row's columns, its settings and its file change together.
    """
    moment = stamp(now)
    values: dict[str, object] = {}
    if publish:
        guard = "published_at IS NULL"
        values["published_at"] = moment
    elif open_now or close_now:
        guard = "ended_at IS NULL AND closes > :now" + (" AND opens > :now" if open_now else "")
        field = "opens" if open_now else "closes"
        values[field] = moment
        if close_now:
            values["ended_at"] = moment
    else:
        guard = "ended_at IS NULL"
    with immediate(db):
        board_changed(db, campaign_id)
        if open_now or close_now:
            stored = _stored(db, campaign_id)
            if stored is not None:
                conditions, text = replace(stored, **{field: now}), None
        if conditions is not None:
            columns = [name.strip() for name in CONDITION_COLUMNS.split(",")]
            for name, value in zip(columns, condition_values(conditions), strict=True):
                if layout or name not in _RULE_COLUMNS:
                    values.setdefault(name, value)
            values["settings"] = to_json(settings_of(conditions))
            values["conditions"] = to_toml(conditions) if text is None else text
        # Checked inside the write lock, so a claim cannot slip in between.
        if layout and has_claims(db, campaign_id):
            raise Locked
        assignments = "".join(f"{name} = :{name}, " for name in values)
        changed = db.execute(
            f"UPDATE campaigns SET {assignments}version = version + 1"  # noqa: S608
            f" WHERE id = :id AND {guard} RETURNING version",
            {**values, "id": campaign_id, "now": moment},
        ).fetchone()
        if changed is None:
            return False
        if layout:
            for table in ("tiles", "tiers", "prizes"):
                db.execute(f"DELETE FROM {table} WHERE campaign_id = ?", [campaign_id])  # noqa: S608
            # The new tiles carry this version: a board polling from an older one gets them.
            lay_tiles(db, campaign_id, conditions, version=changed[0])
        if close_now:
            return_holds(db, campaign_id, now, due_by=None)
    return True


def _stored(db: Database, campaign_id: int) -> Conditions | None:
    # A file saved under older rules may no longer parse: the columns still change.
    try:
        return parse_conditions(source(db, campaign_id))
    except ConditionsError:
        return None
