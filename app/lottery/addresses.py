"""Which client a draw is counted against: an IPv4 address, or an IPv6 /64 network.

One IPv6 customer is given a whole /64 (2^64 addresses), so counting single IPv6 addresses
would count nothing; one IPv4 address, by contrast, may stand for many phones behind a
mobile carrier's NAT, so IPv4 limits are generous and IPv6 ones strict.
"""

import ipaddress
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Client:
    """The key a client's draws are counted under, and its family ("ipv4" or "ipv6")."""

    key: str
    family: str


@lru_cache(maxsize=4096)
def client_of(remote: str | None) -> Client | None:
    """Return the counting key of a remote address; None when it is not an IP address."""
    # Cached: a claim asks twice (its rate limit, its draw count) and ipaddress parses slowly.
    try:
        ip = ipaddress.ip_address((remote or "").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is None:
            network = ipaddress.IPv6Network((ip, 64), strict=False)
            return Client(str(network), "ipv6")
        ip = mapped
    return Client(str(ip), "ipv4")


def per_family(limits: int | dict | None, family: str) -> int | None:
    """Return a limit for a client of `family` ("ipv4", "ipv6"); an int applies to both."""
    value = limits.get(family) if isinstance(limits, dict) else limits
    return None if value is None else int(value)
