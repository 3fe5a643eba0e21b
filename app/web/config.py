"""Default settings; instance/config.py and FLASK_* environment variables override them."""

import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

from app.lottery.contact import TAG_DOMAINS


def defaults(instance_path: str) -> dict:
    """Return the settings every Kuji instance starts from."""
    return {
        "DATABASE": os.path.join(instance_path, "kuji.sqlite"),
        # FULL syncs every promise (a confirmed destination, an admin's change) to disk, so
        # it survives a power cut; holds and cancels skip the sync (see store.db.immediate).
        "SQLITE_SYNCHRONOUS": "FULL",
        "RATELIMIT_STORAGE_URI": "memory-swept://",
        # Counts per fixed window: one INCR per limit on Redis (a moving window keeps every
        # hit, a list per key, and costs several round trips).
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Should a shared store (Redis) be away, each worker counts alone until it is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Several hosts: redis://host:6379/0 shares board states (polls) and, unless
        # RATELIMIT_STORAGE_URI names another store, the rate limits. None on one host.
        "REDIS_URL": None,
        # Per IP address: generous, since a shop's or a family's devices share one.
        "CLAIM_LIMIT": "60 per minute;600 per hour",
        # Draws counted per client address and campaign, in the database (so across workers
        # and restarts): an IPv4 address, or an IPv6 /64, which is one customer's network.
        # Live holds at once: generous for IPv4, which a mobile carrier's NAT shares between
        # many phones; strict for IPv6. {"ipv4": n, "ipv6": m}, one number for both, or None.
        "HOLDS_PER_ADDRESS": {"ipv4": 20, "ipv6": 2},
        # Holds cancelled or left to lapse after which an address waits REDRAW_PAUSE_MINUTES
        # (from its latest one) before it draws again in that campaign: a redraw loop stops
        # at the third draw, while an honest person rarely cancels even once.
        "REDRAWS_PER_ADDRESS": 2,
        "REDRAW_PAUSE_MINUTES": 60,
        "POLL_SECONDS": 2,
        # Boards of more tiles show one page of this many at a time (about 110 bytes a tile).
        "BOARD_PAGE_SIZE": 1500,
        # Confirms: per address, and per holder (the draw cookie or session). These and
        # CLAIM_LIMIT are counted in the database, shared by every worker and host.
        # Per address as generous as claims: many phones share one IPv4 address (NAT).
        "CONFIRM_LIMIT": "60 per minute;600 per hour",
        "CONFIRM_HOLDER_LIMIT": "6 per minute;30 per hour",
        # E-mail providers whose "name+tag@" reaches "name@": the tag is ignored when matching
        # one person to one coupon ("*": every domain). Gmail's dots and tags always are.
        "EMAIL_TAG_DOMAINS": sorted(TAG_DOMAINS),
        # "Already has a coupon" refusals of one hold (counted in the database) that release it.
        "CONFIRM_DUPLICATES": 3,
        # Old secrets, newest first, still accepted by every verifier after SECRET_KEY changed.
        "SECRET_KEY_FALLBACKS": [],
        # A board may stay open all day; the token is still bound to the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CLOCK": lambda: datetime.now(UTC),
        # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted: 0 when
        # gunicorn or `flask run` faces the browsers, 1 behind one nginx.
        "PROXY_HOPS": 0,
        "LOG_LEVEL": "INFO",
        # The shop's own zone: times of no campaign (sign-ins, accounts) are shown in it.
        "TIMEZONE": "Asia/Tokyo",
        # The shop's contact address, told once when a campaign sells out or ends (counts
        # and a link, no personal data); unset: nobody is told. Written in SHOP_LANGUAGE.
        "SHOP_EMAIL": "",
        "SHOP_LANGUAGE": "ja",
        # Uploads: condition files, and candidate lists of up to 100,000 rows (CSV).
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Who may show the public pages in a frame ("'none'", or a shop's "https://shop.jp");
        # the admin is never framed.
        "SECURITY_FRAME_ANCESTORS": "'none'",
    }


def local_database(database: str) -> bool:
    """Tell whether DATABASE names an SQLite file on this machine (not a server's URL)."""
    return "://" not in database


def check_hosts(config) -> None:
    """Refuse settings that would let several hosts disagree; share limits through Redis."""
    if not local_database(config["DATABASE"]) and not config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. With a database server (DATABASE is a URL) several hosts"
            " may answer one browser, and each would make its own key: a session or form"
            " made on one would fail on the next. Set the same FLASK_SECRET_KEY (and"
            " FLASK_SECRET_KEY_FALLBACKS) on every host, or SECRET_KEY in instance/config.py."
        )
    if config.get("REDIS_URL") and config["RATELIMIT_STORAGE_URI"] == "memory-swept://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]


def secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it (once, even with racing workers) if absent."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)  # another worker is writing it right now
        raise RuntimeError(f"{path} is empty: delete it to generate a new key") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key
