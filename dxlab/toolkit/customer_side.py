"""The customer side the wizard writes for the model it orders: one data center per
location, one router per connection (or LAG), each advertising its own data center's
prefix and, as a low-preference backup (7224:7100), the other data centers' prefixes:
the active/passive design of routing-and-bgp.md."""

from __future__ import annotations

import copy
from typing import Any

import yaml

HEADER = """\
# Customer side of a dxlab lab, written by `dxlab wizard`.
# Edit it to match your network, then `dxlab topology load FILE`.
#   customer_asn: your BGP ASN
#   sites: data centers; each router lists the connections (ids or names) patched to it,
#          the prefixes it advertises, their BGP communities (7224:7100 low,
#          7224:7200 medium, 7224:7300 high local preference) and AS-path prepends;
#          bfd: true makes a fiber cut visible in 900 ms instead of the 90 s hold time
#   vpcs: each VPC's CIDR, an instance address and whether its security group allows
#         inbound ICMP; gateway: the vgw-/tgw- it sits behind (omit it and dxlab makes one)
"""


def site_prefix(n: int) -> str:
    return f"10.{n}.0.0/16"


def customer_side(
    slots: list[tuple[str, str]], existing: dict[str, Any] | None = None, customer_asn: int = 65000
) -> dict[str, Any]:
    """`slots`: (location, connection or LAG id) in order. Returns the topology as data,
    added to `existing` when one is loaded (new data centers get new names)."""
    # A deep copy: `existing` is a loaded (and cached) topology's data, never to be changed.
    data: dict[str, Any] = copy.deepcopy(
        existing or {"customer_asn": customer_asn, "sites": {}, "vpcs": {}}
    )
    data.setdefault("sites", {})
    data.setdefault("vpcs", {})
    start = len(data["sites"]) + 1
    locations = list(dict.fromkeys(loc for loc, _ in slots))
    site_of = {loc: f"dc{start + i}" for i, loc in enumerate(locations)}
    prefixes = {site: site_prefix(start + i) for i, site in enumerate(site_of.values())}
    for loc, link in slots:
        site = site_of[loc]
        routers = data["sites"].setdefault(site, {"routers": {}})["routers"]
        advertise = [{"prefix": prefixes[site]}] + [
            {"prefix": p, "communities": ["7224:7100"]} for s, p in prefixes.items() if s != site
        ]
        routers[f"{site}-r{len(routers) + 1}"] = {
            "connections": [link],
            "bfd": True,
            "advertise": advertise,
        }
    return data


def to_yaml(data: dict[str, Any]) -> str:
    return HEADER + yaml.safe_dump(data, sort_keys=False, default_flow_style=None)
