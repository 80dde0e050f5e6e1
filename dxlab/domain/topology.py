"""The customer side, which the Direct Connect API knows nothing of: a YAML topology
file (see examples/maximum-resiliency.yaml). Parsing keeps line numbers, so every
validation error points at the line to fix."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

from dxlab.domain import quotas
from dxlab.domain.errors import ValidationError

LOCAL_PREFERENCE = {"7224:7100": 100, "7224:7200": 200, "7224:7300": 300}  # routing-and-bgp.md

# The keys each part of the file may have: any other (a typo, `colour: red`) is refused
# with its line, rather than silently building another network than the one meant.
KNOWN_KEYS = {
    "topology": ("customer_asn", "sites", "vpcs", "wan"),
    "site": ("routers",),
    "router": ("connections", "advertise", "bfd", "frr_config"),
    "advertise entry": ("prefix", "communities", "prepend"),
    "vpc": ("cidr", "instance", "icmp", "gateway", "region", "ipv6_cidr", "ipv6_instance"),
}
_MARKS = ("__line__", "__keys__")


@dataclass(frozen=True)
class Advertisement:
    prefix: str
    communities: tuple[str, ...] = ()
    prepend: int = 0


@dataclass(frozen=True)
class CustomerRouter:
    name: str
    site: str
    connections: tuple[str, ...]  # connection or LAG ids, or connection names
    advertise: tuple[Advertisement, ...]
    bfd: bool = True
    frr_config: str | None = None  # the user's own FRR config, for the lab
    line: int = 0  # where the router is defined, for errors found when it is loaded
    frr_config_line: int = 0  # where its frr_config is (FRR's own complaints about it point there)
    connections_line: int = 0  # where its connections are (an unknown one is an error there)


@dataclass(frozen=True)
class Vpc:
    name: str
    cidr: str
    instance: str
    icmp: bool
    gateway: str | None  # vgw-/tgw- id; None: dxlab creates a VGW for it
    region: str = "us-east-1"
    # What EC2 says of a VPC made through its API (service/ec2/network.py); the defaults
    # are a topology file's VPC, which learns every on-premises prefix and answers ping
    # as `icmp` says.
    route_table: str = ""
    propagation: bool = True  # VGW route propagation on in its route table
    static_routes: tuple[str, ...] = ()  # destinations its route table sends to the gateway
    icmp_sources: tuple[str, ...] | None = None  # CIDRs its security groups let ICMP in from
    # Dual stack: the VPC's IPv6 CIDR (Amazon's /56) and the instance's IPv6 address in it.
    ipv6_cidr: str = ""
    ipv6_instance: str = ""


@dataclass(frozen=True, eq=False)
class Topology:
    customer_asn: int
    sites: tuple[str, ...]
    routers: tuple[CustomerRouter, ...]
    vpcs: tuple[Vpc, ...]
    wan: bool = True
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @cached_property
    def routers_by_name(self) -> dict[str, CustomerRouter]:
        return {r.name: r for r in self.routers}

    def router(self, name: str) -> CustomerRouter:
        return self.routers_by_name[name]


class _Loader(yaml.SafeLoader):
    """Records each mapping's line so errors can cite it."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        str(k): v for k, v in loader.construct_mapping(node, deep=True).items()
    }
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__keys__"] = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _fail(node: dict[str, Any] | None, message: str, source: str) -> ValidationError:
    line = node.get("__line__") if isinstance(node, dict) else None
    where = f"{source}:{line}: " if line else f"{source}: "
    return ValidationError(where + message)


def _known_keys(node: Any, part: str, name: str, source: str) -> None:
    """Refuse a key the file format does not have, at its own line, naming the known ones."""
    if not isinstance(node, dict):
        return
    known = KNOWN_KEYS[part]
    for key, line in node.get("__keys__", {}).items():
        if key not in known:
            what = f"{part} {name}" if name else part
            raise ValidationError(
                f"{source}:{line}: unknown key {key!r} on {what}; the known keys are "
                f"{', '.join(known)}"
            )


def _entries(node: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in node.items() if k not in _MARKS]


def _network(value: Any, node: dict[str, Any], what: str, source: str) -> str:
    try:
        return str(ipaddress.ip_network(str(value), strict=True))
    except ValueError:
        raise _fail(node, f"{what} {value!r} is not a network like 10.1.0.0/16", source) from None


def parse(text: str, source: str = "topology") -> Topology:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ValidationError(
            f"{source}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            f"{source}: a topology is a mapping with customer_asn, sites and vpcs"
        )
    _known_keys(data, "topology", "", source)
    asn = data.get("customer_asn")
    if not isinstance(asn, int) or not 1 <= asn <= 4294967294:
        raise _fail(data, f"customer_asn must be an ASN from 1 to 4294967294, not {asn!r}", source)
    sites_node = data.get("sites")
    if not isinstance(sites_node, dict) or not _entries(sites_node):
        raise _fail(data, "sites: at least one data center with its routers is needed", source)
    routers: list[CustomerRouter] = []
    for site, spec in _entries(sites_node):
        _known_keys(spec, "site", site, source)
        if not isinstance(spec, dict) or not isinstance(spec.get("routers"), dict):
            raise _fail(sites_node, f"site {site!r} needs a 'routers' mapping", source)
        for name, router in _entries(spec["routers"]):
            line = (
                spec["routers"].get("__keys__", {}).get(name, 0)
            )  # the router's name, where the user looks
            routers.append(_router(site, name, router, source, line))
    names = [r.name for r in routers]
    for dup in {n for n in names if names.count(n) > 1}:
        raise _fail(
            sites_node, f"router name {dup!r} is used twice; router names are unique", source
        )
    vpcs = [_vpc(n, v, source) for n, v in _entries(data.get("vpcs") or {})]
    return Topology(
        customer_asn=asn,
        sites=tuple(s for s, _ in _entries(sites_node)),
        routers=tuple(routers),
        vpcs=tuple(vpcs),
        wan=bool(data.get("wan", True)),
        raw=_strip(data),
    )


def _router(site: str, name: str, node: Any, source: str, line: int = 0) -> CustomerRouter:
    if not isinstance(node, dict):
        raise ValidationError(f"{source}: router {name!r} must be a mapping")
    _known_keys(node, "router", name, source)
    conns = node.get("connections") or []
    if not isinstance(conns, list) or not all(isinstance(c, str) for c in conns):
        raise _fail(
            node, f"router {name}: connections is a list of connection ids or names", source
        )
    adverts = []
    for item in node.get("advertise") or []:
        if not isinstance(item, dict) or "prefix" not in item:
            raise _fail(node, f"router {name}: each advertise entry needs a prefix", source)
        _known_keys(item, "advertise entry", f"of router {name}", source)
        prefix = _network(item["prefix"], item, f"router {name}: prefix", source)
        communities = tuple(str(c) for c in item.get("communities") or [])
        for c in communities:
            if not re.fullmatch(r"\d{1,10}:\d{1,5}", c):
                raise _fail(item, f"router {name}: community {c!r} is not ASN:VALUE", source)
        local = [c for c in communities if c in LOCAL_PREFERENCE]
        if len(local) > 1:
            # routing-and-bgp.md: local preference communities are mutually exclusive.
            raise _fail(item, f"router {name}: {', '.join(local)} are mutually exclusive", source)
        prepend = item.get("prepend", 0)
        if not isinstance(prepend, int) or not 0 <= prepend <= 10:
            raise _fail(item, f"router {name}: prepend must be 0-10, not {prepend!r}", source)
        adverts.append(Advertisement(prefix, communities, prepend))
    frr = node.get("frr_config")
    if frr is not None and not isinstance(frr, str):
        raise _fail(
            node,
            f"router {name}: frr_config is FRR configuration text (a YAML block: `frr_config: |`)",
            source,
        )
    return CustomerRouter(
        name,
        site,
        tuple(conns),
        tuple(adverts),
        bool(node.get("bfd", True)),
        frr,
        line or int(node.get("__line__", 0)),
        int(node.get("__keys__", {}).get("frr_config", 0)),
        int(node.get("__keys__", {}).get("connections", 0)),
    )


def limit_warnings(topology: Topology, source: str = "topology") -> list[str]:
    """Routers that advertise more prefixes of a family than AWS accepts on a private or
    transit VIF (limits.md: 100 per family; over it the BGP session goes idle)."""
    out = []
    for r in topology.routers:
        for family, version in (("IPv4", 4), ("IPv6", 6)):
            n = sum(1 for a in r.advertise if ipaddress.ip_network(a.prefix).version == version)
            if n > quotas.PRIVATE_ROUTES_PER_FAMILY:
                out.append(
                    f"{source}:{r.line}: router {r.name} advertises {n} {family} prefixes; AWS accepts at most "
                    f"{quotas.PRIVATE_ROUTES_PER_FAMILY} per family on a private or transit virtual interface "
                    "(limits.md): its BGP session will go idle"
                )
    return out


def _vpc(name: str, node: Any, source: str) -> Vpc:
    if not isinstance(node, dict):
        raise ValidationError(f"{source}: vpc {name!r} must be a mapping")
    _known_keys(node, "vpc", name, source)
    cidr = _network(node.get("cidr"), node, f"vpc {name}: cidr", source)
    instance = str(node.get("instance", ""))
    try:
        if ipaddress.ip_address(instance) not in ipaddress.ip_network(cidr):
            raise _fail(node, f"vpc {name}: instance {instance} is outside {cidr}", source)
    except ValueError:
        raise _fail(
            node, f"vpc {name}: instance {instance!r} is not an IP address", source
        ) from None
    gateway = node.get("gateway")
    if gateway is not None and not re.fullmatch(r"(vgw|tgw)-[0-9a-f]{8,17}", str(gateway)):
        raise _fail(node, f"vpc {name}: gateway {gateway!r} is not a vgw-/tgw- id", source)
    ipv6_cidr, ipv6_instance = "", ""
    if node.get("ipv6_cidr") is not None:
        ipv6_cidr = _network(node.get("ipv6_cidr"), node, f"vpc {name}: ipv6_cidr", source)
        ipv6_instance = str(node.get("ipv6_instance", ""))
        try:
            inside = ipaddress.ip_address(ipv6_instance) in ipaddress.ip_network(ipv6_cidr)
        except ValueError:
            raise _fail(
                node, f"vpc {name}: ipv6_instance {ipv6_instance!r} is not an IP address", source
            ) from None
        if ipaddress.ip_network(ipv6_cidr).version != 6 or not inside:
            raise _fail(
                node,
                f"vpc {name}: ipv6_instance {ipv6_instance} must be inside the IPv6 CIDR {ipv6_cidr}",
                source,
            )
    return Vpc(
        name,
        cidr,
        instance,
        bool(node.get("icmp", True)),
        gateway,
        str(node.get("region", "us-east-1")),
        ipv6_cidr=ipv6_cidr,
        ipv6_instance=ipv6_instance,
    )


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _MARKS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value
