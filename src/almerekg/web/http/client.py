"""Who sent a request: the address the per-client limits of the engine count by (engine/quarantine.py, pool.py).

The peer's address, unless the peer is a reverse proxy named by `--trusted-proxy`: then the client is the last
address in X-Forwarded-For that is not itself a trusted proxy (read from the right, as each proxy appends the
address it saw). The header is never read from anyone else, so a client cannot choose its own identity. Behind
a proxy that is not declared, every request comes from the proxy and the limits hold for all clients together.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_FORWARDED = 32  # addresses of X-Forwarded-For read at most (from the right)


class BadProxySetting(ValueError):
    """An entry of --trusted-proxy is not an address or a network."""


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The --trusted-proxy entries as networks (an address is a network of one)."""
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise BadProxySetting(f"--trusted-proxy {entry!r}: not an IP address or network (such as 10.0.0.0/8)") \
                from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(text: str, networks: tuple[Network, ...]) -> bool:
    address = _address(text)
    return address is not None and any(address in n for n in networks)


def client_address(environ: Mapping[str, object], trusted: tuple[str, ...]) -> str:
    """The client's address for a WSGI environ, given the --trusted-proxy entries."""
    peer = str(environ.get("REMOTE_ADDR") or "")
    networks = trusted_networks(trusted)
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [h.strip() for h in forwarded.split(",")[-MAX_FORWARDED:] if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            address = _address(hop)
            return str(address) if address is not None else peer
    return hops[0] if hops and _address(hops[0]) is not None else peer
