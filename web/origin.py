"""The address a request came from, believing ``X-Forwarded-For`` only from HANCHOT_TRUSTED_PROXIES.

Behind a TLS proxy every request's peer is the proxy; the proxy appends the address it saw to
``X-Forwarded-For``. Walking that header from the right and skipping trusted hops gives the first address
no trusted machine vouches beyond: the client. A header sent by anyone else is ignored, so a visitor cannot
pick the address the throttle and the audit log see.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.types import Scope

Networks = Sequence[IPv4Network | IPv6Network]
UNKNOWN = "?"


def _trusted(host: str, networks: Networks) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(scope: Scope, networks: Networks) -> str:
    """The client's address for this ASGI scope (at most 45 characters)."""
    peer = scope.get("client")
    host = peer[0] if peer else UNKNOWN
    if not networks or not _trusted(host, networks):
        return host[:45]
    forwarded = [value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"x-forwarded-for"]
    hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop[:45] if _is_address(hop) else host[:45]
        host = hop
    return host[:45]


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
