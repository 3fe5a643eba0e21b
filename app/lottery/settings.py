"""What a request needs of a campaign's condition set, kept beside its row.

The condition file (TOML) is an input and an export format; requests read these settings,
stored as JSON whenever the campaign changes (store.campaigns.save), never the file.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache

from .conditions import Conditions
from .images import tier_name
from .merit import MeritRules


@dataclass(frozen=True)
class Settings:
    """A campaign's settings beyond its row: reveal, merit, game, e-coupon terms."""

    reveal: str = "scratch"  # scratch | roulette
    reveal_order: str = "before-contact"  # before-contact | after-contact (conditions.py)
    losing: int = 0  # losing tiles in all
    merit: MeritRules = MeritRules()
    game: str = ""  # a mini-game's name (games/), or "" for none
    game_settings: dict = field(default_factory=dict, hash=False, compare=False)
    issue: str = "paper"  # paper | electronic | both
    coupon_expires: datetime | int | None = None
    # Prize art and branding: image names refer to the campaign's uploaded images.
    prize_images: dict = field(default_factory=dict, hash=False, compare=False)  # "tier": name
    colour: str = ""
    logo: str = ""
    shop_email: str = ""  # told when the campaign sells out or ends; "" for SHOP_EMAIL

    def contact_first(self, mode: str, draw: str) -> bool:
        """Tell whether a person of a campaign in `mode` and `draw` gives their contact
        details before uncovering their draw: after-contact, on a board or a speed lottery.

        Invitations know their person already and draw once per invitee; a batch draw asks
        for the details with the request; a kiosk's ticket is its one draw.
        """
        return (
            self.reveal_order == "after-contact"
            and mode in ("board", "speed")
            and (draw == "instant")
        )

    def prize_image(self, tier: int) -> str:
        """Return tier `tier`'s image name (1: the first tier): the file's, else its upload's."""
        return self.prize_images.get(str(tier)) or tier_name(tier)

    @property
    def game_setting(self) -> tuple[str, dict] | None:
        """Return (game name, settings), or None when the campaign has no game."""
        return (self.game, self.game_settings) if self.game else None


def settings_of(c: Conditions) -> Settings:
    """Return the settings of a parsed condition set."""
    return Settings(
        reveal=c.reveal,
        reveal_order=c.reveal_order,
        losing=c.losing,
        merit=c.merit,
        game=c.game,
        game_settings=c.game_settings,
        issue=c.issue,
        coupon_expires=c.coupon_expires,
        prize_images={str(n): p.image for n, p in enumerate(c.prizes, 1) if p.image},
        colour=c.colour,
        logo=c.logo,
        shop_email=c.shop_email,
    )


def to_json(s: Settings) -> str:
    """Write settings as the JSON text stored beside the campaign's row."""
    data = asdict(s)
    if isinstance(s.coupon_expires, datetime):
        data["coupon_expires"] = {"at": s.coupon_expires.isoformat()}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


@lru_cache(maxsize=256)
def from_json(text: str) -> Settings:
    """Read stored settings (cached by text: every request asks, few campaigns exist)."""
    data = json.loads(text) if text else {}
    expires = data.get("coupon_expires")
    if isinstance(expires, dict):
        expires = datetime.fromisoformat(expires["at"])
    return Settings(
        reveal=data.get("reveal", "scratch"),
        reveal_order=data.get("reveal_order", "before-contact"),
        losing=data.get("losing", 0),
        merit=MeritRules(**data.get("merit", {})),
        game=data.get("game", ""),
        game_settings=data.get("game_settings", {}),
        issue=data.get("issue", "paper"),
        coupon_expires=expires,
        prize_images=data.get("prize_images", {}),
        colour=data.get("colour", ""),
        logo=data.get("logo", ""),
        shop_email=data.get("shop_email", ""),
    )
