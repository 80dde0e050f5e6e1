"""The customer side of an imported estate, inferred: the Direct Connect API knows
nothing of the customer's network, so `dxlab import` writes a topology skeleton from what
the virtual interfaces tell (customer peer addresses, customer ASNs, which connection each
rides on) and says, in comments, what was inferred and what the user must check.

- One router per distinct customer peer address: a port has one cross-connect, so the
  VIFs of one connection or LAG end on one router; connections whose VIFs share a
  customer peer address end on the same router.
- Data centers: as the user groups the locations (`--sites FILE` or a prompt), else one
  per Direct Connect location.
- Prefixes: the API does not know them; each data center gets a placeholder to replace,
  advertised as the wizard's active/passive design does (routing-and-bgp.md).
- VPCs: one per VGW/TGW of the account whose CIDRs an association tells."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from typing import Any

from dxlab.domain.states import ASSOCIATION, CONNECTION, LAG, VIF_IN_USE


def default_site_name(location: str) -> str:
    """The data center named for a location's routers when the user names none ("dc-eqdc2")."""
    return "dc-" + re.sub(r"[^a-z0-9]+", "-", location.lower()).strip("-")


def links_of(estate: dict[str, Any], account: str) -> list[dict[str, Any]]:
    """The account's ports a customer router is patched to: LAGs, and connections not in
    a LAG (hosted ones included), as {id, name, location, device, bandwidth}."""
    out = []
    for doc in estate.get("lags", []):
        if doc.get("ownerAccount") == account and doc.get("lagState") in LAG.live:
            out.append(
                {
                    "id": doc["lagId"],
                    "name": doc.get("lagName", ""),
                    "location": doc.get("location", ""),
                    "device": doc.get("awsDeviceV2") or doc.get("awsDevice", ""),
                    "bandwidth": doc.get("connectionsBandwidth", ""),
                }
            )
    for doc in estate.get("connections", []):
        if (
            doc.get("ownerAccount") == account
            and doc.get("connectionState") in CONNECTION.live
            and not doc.get("lagId")
        ):
            out.append(
                {
                    "id": doc["connectionId"],
                    "name": doc.get("connectionName", ""),
                    "location": doc.get("location", ""),
                    "device": doc.get("awsDeviceV2") or doc.get("awsDevice", ""),
                    "bandwidth": doc.get("bandwidth", ""),
                }
            )
    return out


def _routers(links: list[dict[str, Any]], vifs: list[dict[str, Any]]) -> list[list[str]]:
    """Groups of link ids that end on one router (union of links sharing a peer address)."""
    parent = {link["id"]: link["id"] for link in links}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_link_of: dict[str, str] = {}
    for vif in vifs:
        link = str(vif.get("connectionId"))
        if link not in parent:
            continue
        for peer in vif.get("bgpPeers", []) or [vif]:
            address = str(peer.get("customerAddress") or "").split("/")[0]
            if not address:
                continue
            other = first_link_of.setdefault(address, link)
            parent[root(link)] = root(other)
    groups: dict[str, list[str]] = {}
    for port in links:
        groups.setdefault(root(port["id"]), []).append(port["id"])
    return list(groups.values())


def _placeholders(count: int, taken: list[str]) -> list[str]:
    nets = [ipaddress.ip_network(c, strict=False) for c in taken]
    out: list[str] = []
    n = 1
    while len(out) < count and n < 256:
        candidate = ipaddress.ip_network(f"10.{n}.0.0/16")
        if not any(candidate.overlaps(t) for t in nets):
            out.append(str(candidate))
        n += 1
    return out


def skeleton(estate: dict[str, Any], account: str, sites: dict[str, str] | None = None) -> str:
    """The topology YAML, commented. `sites`: location code (or link id) -> data center."""
    sites = sites or {}
    links = links_of(estate, account)
    by_id = {link["id"]: link for link in links}
    vifs = [
        v
        for v in estate.get("virtualInterfaces", [])
        if v.get("connectionId") in by_id and v.get("virtualInterfaceState") in VIF_IN_USE
    ]
    asns = Counter(
        int(v.get("asnLong") or v.get("asn") or 0) for v in vifs if v.get("asnLong") or v.get("asn")
    )
    customer_asn = asns.most_common(1)[0][0] if asns else 65000
    vpcs, vpc_notes = _vpcs(estate, account, vifs)
    groups = _routers(links, vifs)
    site_routers: dict[str, list[tuple[list[str], list[dict[str, Any]]]]] = {}
    for group in groups:
        first = by_id[group[0]]
        site = (
            sites.get(first["id"])
            or sites.get(first["location"])
            or default_site_name(first["location"])
        )
        site_routers.setdefault(site, []).append(
            (group, [v for v in vifs if v.get("connectionId") in group])
        )
    prefixes = dict(
        zip(site_routers, _placeholders(len(site_routers), [v["cidr"] for v in vpcs]), strict=False)
    )
    lines = [
        f"# Customer side of the Direct Connect estate of account {account}, inferred by `dxlab import`",
        f"# from {estate.get('source', 'the API')} ({', '.join(estate.get('regions', [])) or 'no region'}).",
        "# The Direct Connect API knows nothing of your network. What was inferred, and what you must check:",
        "#  - routers: one per distinct customer peer address; the VIFs of one connection or LAG end on",
        "#    one router (a port has one cross-connect). Merge or split routers where this is wrong.",
        "#  - data centers: "
        + ("as --sites grouped the locations" if sites else "one per Direct Connect location")
        + "; move routers to the data center they stand in.",
        "#  - prefixes: PLACEHOLDERS. Replace each data center's prefix with what its routers advertise,",
        "#    with the communities and prepends they really use (routing-and-bgp.md).",
        "#  - bfd: unknown to the API; true here. Set false where your routers run without BFD.",
        "#  - vpcs: one per VGW/TGW whose CIDRs an association's allowed prefixes tell; instance addresses",
        "#    are made up (the .10 of the CIDR) for `dxlab verify`.",
        "# Then load it again: dxlab topology load FILE",
        f"customer_asn: {customer_asn}"
        + (
            f"   # also seen on VIFs: {', '.join(str(a) for a in sorted(asns)[1:])}"
            if len(asns) > 1
            else ""
        ),
        "wan: true                  # check: do your data centers reach each other over your own WAN?",
        "sites:",
    ]
    for site, routers in site_routers.items():
        lines += [f"  {site}:", "    routers:"]
        for n, (group, its_vifs) in enumerate(routers, start=1):
            peers = sorted(
                {
                    str(p.get("customerAddress", ""))
                    for v in its_vifs
                    for p in v.get("bgpPeers", [])
                    if p.get("customerAddress")
                }
            )
            router_asns = sorted({int(v.get("asnLong") or v.get("asn") or 0) for v in its_vifs})
            where = ", ".join(f"{by_id[g]['location']} {by_id[g]['device']}" for g in group)
            lines.append(f"      {site}-r{n}:")
            lines.append(
                f"        # on {where}; VIFs {', '.join(v['virtualInterfaceId'] for v in its_vifs) or 'none'}"
            )
            if peers:
                lines.append(
                    f"        # customer peers {', '.join(peers)}; ASN {', '.join(map(str, router_asns))}"
                )
            lines.append(f"        connections: [{', '.join(group)}]")
            lines.append("        bfd: true")
            lines.append("        advertise:")
            lines.append(
                f"          - prefix: {prefixes[site]}   # PLACEHOLDER: this data center's prefixes"
            )
            for other, prefix in prefixes.items():
                if other != site:
                    lines.append(
                        f'          - {{prefix: {prefix}, communities: ["7224:7100"]}}   # {other}\'s, as a backup path'
                    )
    lines.append("vpcs:" + ("" if vpcs else " {}"))
    for vpc in vpcs:
        lines += [
            f"  {vpc['name']}:",
            f"    cidr: {vpc['cidr']}",
            f"    instance: {vpc['instance']}",
            "    icmp: true",
            f"    gateway: {vpc['gateway']}",
            f"    region: {vpc['region']}",
        ]
    lines += [f"# {note}" for note in vpc_notes]
    return "\n".join(lines) + "\n"


def _vpcs(
    estate: dict[str, Any], account: str, vifs: list[dict[str, Any]]
) -> tuple[list[dict[str, str]], list[str]]:
    notes: list[str] = []
    reached = {str(v.get("virtualGatewayId")) for v in vifs if v.get("virtualGatewayId")}
    dxgws = {str(v.get("directConnectGatewayId")) for v in vifs if v.get("directConnectGatewayId")}
    cidrs: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    region: dict[str, str] = {}
    for a in estate.get("directConnectGatewayAssociations", []):
        if (
            a.get("directConnectGatewayId") not in dxgws
            or a.get("associationState") not in ASSOCIATION.live - ASSOCIATION.gone
        ):
            continue
        gw = a.get("associatedGateway") or {}
        gid = str(gw.get("id") or a.get("virtualGatewayId"))
        reached.add(gid)
        owner[gid] = str(gw.get("ownerAccount") or a.get("virtualGatewayOwnerAccount") or account)
        region[gid] = str(gw.get("region") or a.get("virtualGatewayRegion") or "")
        cidrs.setdefault(gid, []).extend(
            p["cidr"] for p in a.get("allowedPrefixesToDirectConnectGateway", [])
        )
    default_region = (estate.get("regions") or ["us-east-1"])[0]
    vpcs = []
    for gid in sorted(reached):
        if owner.get(gid, account) != account:
            notes.append(
                f"{gid} belongs to account {owner[gid]}: its VPCs are that account's to describe"
            )
            continue
        if not cidrs.get(gid):
            notes.append(
                f"{gid}: no association tells its VPC's CIDR; add a vpcs entry with gateway: {gid}"
            )
            continue
        net = ipaddress.ip_network(cidrs[gid][0], strict=False)
        instance = net.network_address + 10 if net.num_addresses > 16 else net.network_address
        vpcs.append(
            {
                "name": f"vpc-of-{gid}",
                "cidr": str(net),
                "instance": str(instance),
                "gateway": gid,
                "region": region.get(gid) or estate.get("regionOf", {}).get(gid) or default_region,
            }
        )
    return vpcs, notes


def parse_sites(text: str) -> dict[str, str]:
    """A --sites file: `data-center: [location or connection id, ...]` per line (YAML)."""
    import yaml

    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(
            "a sites file maps each data center to a list of locations or connection ids"
        )
    out: dict[str, str] = {}
    for site, members in data.items():
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", str(site)):
            raise ValueError(f"data center name {site!r}: use letters, digits, '-', '_' or '.'")
        for member in members if isinstance(members, list) else [members]:
            if str(member) in out:
                raise ValueError(f"{member} is in both {out[str(member)]} and {site}")
            out[str(member)] = str(site)
    return out


def locations(estate: dict[str, Any], account: str) -> list[str]:
    return sorted({link["location"] for link in links_of(estate, account)})


def add_routers(text: str, new: list[tuple[str, str]], location_of: dict[str, str]) -> str:
    """The topology with a router for each (location, connection id) in `new`, standing in
    the data center whose routers already reach that location (else the one with the fewest
    routers), advertising what a router of that data center advertises."""
    import yaml

    data: dict[str, Any] = yaml.safe_load(text) or {}
    sites: dict[str, Any] = data.setdefault("sites", {})
    names = {r for site in sites.values() for r in (site or {}).get("routers", {})}
    for location, link in new:
        here = [
            s
            for s, site in sites.items()
            if any(
                location_of.get(c) == location
                for r in site["routers"].values()
                for c in r.get("connections", [])
            )
        ]
        site_name = here[0] if here else min(sites, key=lambda s: (len(sites[s]["routers"]), s))
        routers = sites[site_name]["routers"]
        model: dict[str, Any] = next(iter(routers.values()), {})
        n = len(routers) + 1
        while f"{site_name}-r{n}" in names:
            n += 1
        names.add(f"{site_name}-r{n}")
        routers[f"{site_name}-r{n}"] = {
            "connections": [link],
            "bfd": model.get("bfd", True),
            "advertise": list(model.get("advertise", [])),
        }
    header = "# Customer side, with a router for each connection `dxlab plan --place` ordered.\n"
    return header + yaml.safe_dump(data, sort_keys=False, default_flow_style=None)
