"""Identifiers and ARNs in the real service's formats (FIDELITY.md)."""

from __future__ import annotations

import os
import random
import secrets
import string
import uuid

_ALNUM = string.ascii_lowercase + string.digits
_KEY_CHARS = string.ascii_letters + string.digits + "._"


# Ids are names, not secrets (bgp_auth_key is one, and takes `secrets`): a generator of
# dxlab's own, seeded by the OS (again in a forked child), draws them without a system
# call each, and no caller's random.seed() can make two runs draw the same ids.
_RANDOM = random.Random()
os.register_at_fork(after_in_child=_RANDOM.seed)


def _suffix(n: int) -> str:
    """n characters of [a-z0-9], each uniform: one draw of a number below 36**n, written
    in base 36 (a draw per character took ~4 times as long)."""
    number = _RANDOM.randrange(36**n)
    out = []
    for _ in range(n):
        number, digit = divmod(number, 36)
        out.append(_ALNUM[digit])
    return "".join(out)


def request_id() -> str:
    """A random (version 4) UUID as AWS's request ids are, written from 128 random bits
    directly (str(uuid.uuid4()) costs twice as much, on every request)."""
    h = f"{_RANDOM.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def connection_id() -> str:
    return "dxcon-" + _suffix(8)


def lag_id() -> str:
    return "dxlag-" + _suffix(8)


def virtual_interface_id() -> str:
    return "dxvif-" + _suffix(8)


def bgp_peer_id() -> str:
    return "dxpeer-" + _suffix(8)


def resiliency_group_id() -> str:
    return "dxrg-" + _suffix(17)


def order_id() -> str:
    """A wizard order (dxlab's own: the console's orders have no API id)."""
    return "order-" + _suffix(17)


def gateway_id() -> str:
    return str(uuid.uuid4())


def _hex(n: int) -> str:
    return f"{_RANDOM.getrandbits(4 * n):0{n}x}"


def virtual_gateway_id() -> str:
    """EC2's virtual private gateway ids: vgw- and 17 hex characters."""
    return "vgw-" + _hex(17)


def transit_gateway_id() -> str:
    return "tgw-" + _hex(17)


def vpc_id() -> str:
    return "vpc-" + _hex(17)


def bgp_auth_key() -> str:
    """AWS's generated MD5 keys: 0x and 22 characters of [A-Za-z0-9._]."""
    return "0x" + "".join(secrets.choice(_KEY_CHARS) for _ in range(22))


# Which ARN resource type each id prefix maps to; gateways and resiliency groups are global.
_ARN_TYPES = {"dxcon": "dxcon", "dxlag": "dxlag", "dxvif": "dxvif"}


def arn(region: str, account: str, resource_id: str) -> str:
    prefix = resource_id.split("-", 1)[0]
    if prefix in _ARN_TYPES:
        return f"arn:aws:directconnect:{region}:{account}:{_ARN_TYPES[prefix]}/{resource_id}"
    if prefix == "dxrg":
        return f"arn:aws:directconnect::{account}:dx-resiliency-group/{resource_id}"
    return f"arn:aws:directconnect::{account}:dx-gateway/{resource_id}"


def parse_arn(value: str) -> tuple[str, str, str, str] | None:
    """(region, account, type, id) of a Direct Connect ARN, or None if it is not one."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "directconnect":
        return None
    kind, _, rid = parts[5].partition("/")
    if not rid:
        return None
    return parts[3], parts[4], kind, rid
