"""Amazon's public prefixes, as a public virtual interface carries them (routing-and-bgp.md,
"Public virtual interface routing policies": "AWS Direct Connect advertises all local and
remote AWS Region prefixes", tagged with the scope communities of "Public virtual interface
BGP communities").

Data only: a fixed sample of real entries of AWS's published ip-ranges.json, a few per
Region of dxlab's catalog, a few of the same continents and one GLOBAL. Copied as they are
(ip_prefix, region, service) from the copy of ip-ranges.json kept in the public repository
joetek/aws-ip-ranges-json (syncToken 1500590532, createDate 2017-07-20-22-42-233); AWS
publishes the current file at https://ip-ranges.amazonaws.com/ip-ranges.json. None is
made up: a prefix here is Amazon's, so a lab address inside it stands for an AWS public
service endpoint."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

# routing-and-bgp.md: the communities AWS puts on the routes it advertises.
SAME_REGION = "7224:8100"  # from the Region the Direct Connect location is associated with
SAME_CONTINENT = "7224:8200"  # from the same continent; no tag: global
# "For public virtual interfaces, all routes that AWS Direct Connect advertises to customers
# are tagged with the NO_EXPORT community tag" (RFC 1997's 65535:65281).
NO_EXPORT = "65535:65281"
# The customer's own scope communities (7224:9100 local Region, 7224:9200 continent,
# 7224:9300 global) say how far AWS propagates its prefixes: they ride on the accepted
# routes (bgp.approved); with one Region in the lab, all three reach the same service.

GLOBAL = "GLOBAL"


@dataclass(frozen=True)
class PublicPrefix:
    cidr: str
    region: str  # an AWS Region, or GLOBAL
    service: str  # AMAZON | EC2 | S3, as ip-ranges.json names it


# (ip_prefix, region, service), in the file's own words.
_ROWS: tuple[tuple[str, str, str], ...] = (
    # us-east-1 (US East, N. Virginia)
    ("52.95.245.0/24", "us-east-1", "EC2"),
    ("52.94.0.0/22", "us-east-1", "AMAZON"),
    ("54.239.64.0/21", "us-east-1", "S3"),
    # us-west-2 (US West, Oregon)
    ("52.95.247.0/24", "us-west-2", "EC2"),
    ("52.92.32.0/22", "us-west-2", "AMAZON"),
    ("52.94.10.0/24", "us-west-2", "AMAZON"),
    # eu-west-1 (Europe, Ireland)
    ("52.95.244.0/24", "eu-west-1", "EC2"),
    ("52.92.40.0/21", "eu-west-1", "AMAZON"),
    ("52.94.5.0/24", "eu-west-1", "AMAZON"),
    # ap-southeast-2 (Asia Pacific, Sydney)
    ("52.95.241.0/24", "ap-southeast-2", "EC2"),
    ("52.92.52.0/22", "ap-southeast-2", "AMAZON"),
    ("54.231.248.0/22", "ap-southeast-2", "S3"),
    # Regions outside the catalog, for the continent scope
    ("52.94.4.0/24", "us-east-2", "AMAZON"),
    ("52.94.17.0/24", "eu-central-1", "AMAZON"),
    ("52.94.8.0/24", "ap-northeast-1", "AMAZON"),
    # Not of one Region
    ("52.84.0.0/15", GLOBAL, "AMAZON"),
)

PREFIXES: tuple[PublicPrefix, ...] = tuple(PublicPrefix(*row) for row in _ROWS)


def continent(region: str) -> str:
    """routing-and-bgp.md's continents: North America, Asia Pacific, and Europe, the
    Middle East and Africa (South America is its own)."""
    if region == GLOBAL:
        return GLOBAL
    head = region.split("-", 1)[0]
    return {
        "us": "north-america",
        "ca": "north-america",
        "ap": "asia-pacific",
        "eu": "emea",
        "me": "emea",
        "af": "emea",
        "il": "emea",
        "sa": "south-america",
        "mx": "north-america",
    }.get(head, head)


def scope_communities(prefix: PublicPrefix, location_region: str) -> tuple[str, ...]:
    """The scope community AWS tags `prefix` with over a VIF at a location of `location_region`."""
    if prefix.region == location_region:
        return (SAME_REGION,)
    if prefix.region != GLOBAL and continent(prefix.region) == continent(location_region):
        return (SAME_CONTINENT,)
    return ()


def advertised(location_region: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(prefix, communities) AWS advertises over a public VIF at a location of that Region:
    every prefix (local and remote Regions, and global), the local ones first."""
    tagged = [(p.cidr, scope_communities(p, location_region)) for p in PREFIXES]
    rank = {(SAME_REGION,): 0, (SAME_CONTINENT,): 1, (): 2}
    return tuple(sorted(tagged, key=lambda t: rank[t[1]]))


def service_address(region: str) -> str:
    """Where dxlab's "AWS public service" of a Region answers ping and traceroute: the
    first host of the Region's first EC2 prefix (the one every public VIF carries)."""
    prefix = next((p for p in PREFIXES if p.region == region and p.service == "EC2"), None)
    if prefix is None:
        prefix = next(p for p in PREFIXES if p.region == GLOBAL)
    return str(next(ipaddress.ip_network(prefix.cidr).hosts()))


def service_name(region: str) -> str:
    return f"AWS public service ({region})"
