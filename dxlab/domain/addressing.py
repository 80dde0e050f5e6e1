"""BGP peer addresses Amazon assigns (add-peer-to-vif.md, FIDELITY.md).

IPv4: a /30 from 169.254.0.0/16, `.1` Amazon and `.2` the customer. IPv6: always
Amazon's, a /125 from its pool, `::1` Amazon and `::2` the customer.

Pure: the service claims a block in the store (`uow.claim(SCOPE_V4, block, owner)`), so
two concurrent creates can never receive overlapping blocks; this module only says which
blocks exist and what the addresses of a block are."""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Collection

SCOPE_V4 = "linklocal"
SCOPE_V6 = "ipv6-peer-pool"

LINK_LOCAL = ipaddress.IPv4Network("169.254.0.0/16")
# RFC 3927 2.1: the first and last /24 of 169.254/16 are reserved.
_V4_FIRST = int(ipaddress.IPv4Address("169.254.1.0"))
_V4_BLOCKS = (254 * 256) // 4  # /30 blocks in 169.254.1.0 - 169.254.254.255

# The pool IPv6 peers come from (Amazon's 2600:9000::/28 space).
IPV6_POOL = ipaddress.IPv6Network("2600:9000:5300::/40")
_V6_BLOCKS = 2 ** (125 - IPV6_POOL.prefixlen)


def v4_block(index: int) -> str:
    return f"{ipaddress.IPv4Address(_V4_FIRST + 4 * index)}/30"


def v6_block(index: int) -> str:
    return f"{IPV6_POOL.network_address + 8 * index}/125"


def free_v4_block(taken: Collection[str], rng: random.Random | None = None) -> str | None:
    """A /30 of 169.254.0.0/16 not in `taken`, picked at random (as AWS's look), or None
    when the space is exhausted. Tries a bounded number of random blocks, then scans."""
    rng = rng or random.Random()
    for _ in range(64):
        block = v4_block(rng.randrange(_V4_BLOCKS))
        if block not in taken:
            return block
    for i in range(_V4_BLOCKS):
        block = v4_block(i)
        if block not in taken:
            return block
    return None


def free_v6_block(taken: Collection[str], rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    for _ in range(1024):  # 2**85 blocks: a collision is astronomically rare
        block = v6_block(rng.randrange(_V6_BLOCKS))
        if block not in taken:
            return block
    raise RuntimeError("IPv6 peer pool exhausted")


def peer_addresses(block: str) -> tuple[str, str]:
    """(amazonAddress, customerAddress) of a block: its first and second host."""
    net = ipaddress.ip_network(block)
    prefix = net.prefixlen
    return f"{net.network_address + 1}/{prefix}", f"{net.network_address + 2}/{prefix}"


def block_of(address: str) -> str:
    """The block (network in CIDR form) an assigned peer address belongs to."""
    return str(ipaddress.ip_interface(address).network)


def overlaps(a: str, b: str) -> bool:
    na, nb = ipaddress.ip_interface(a).network, ipaddress.ip_interface(b).network
    return na.version == nb.version and na.overlaps(nb)
