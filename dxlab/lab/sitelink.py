"""SiteLink in the lab (WorkingWithVirtualInterfaces.md, "SiteLink"): data centers reach
each other over the AWS network between the SiteLink-enabled VIFs of one Direct Connect
gateway, and not when it is off. routing/sitelink.py and routing/sites.py predict it.

Per account and Direct Connect gateway with SiteLink VIFs in the lab:
- a SiteLink namespace for the gateway's path over the AWS network: BIRD reflecting
  routes between the AWS devices that carry the gateway's SiteLink VIFs (iBGP, AS 7224,
  next hop self, so traffic crosses it), answering traceroute from the gateway's SiteLink
  address (routing/sitelink.sitelink_address);
- on each such device, an iBGP session to it that sends what the device's SiteLink VIFs
  accepted (what comes back is answered from the SiteLink VIF's Amazon address, the
  Direct Connect hop the sim names), and over each SiteLink VIF's session the routes
  heard from the other SiteLink VIFs (`exports`), less the prefixes its own router
  advertises;
- on the customer router of a SiteLink VIF, `allowas-in 1`: every data center of a
  topology has the one customer ASN, so a prefix of another data center comes back with
  it in the AS_PATH, which the router would otherwise drop as a loop.
IPv4 only, as routing/sitelink.py says."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import Any

from dxlab.lab import probes
from dxlab.lab.bird import BACKBONE_ASN, FAST_START, AwsPeer
from dxlab.lab.host import Host
from dxlab.lab.model import Daemon, End, Lab, Veth
from dxlab.routing.network import Network, Vif
from dxlab.routing.sitelink import SITELINK_FAMILY, sitelink_address

ROLE = "sl"


def gateways(vifs: list[Vif]) -> list[str]:
    """The Direct Connect gateways with SiteLink VIFs among the lab's VIFs, in order."""
    return sorted({v.gateway_id for v in vifs if v.sitelink and v.type != "public"})


def link(si: int, di: int) -> tuple[str, str]:
    """Device side and SiteLink side of the link between device `di` and gateway `si`."""
    base = ipaddress.ip_address(f"100.69.{si}.0") + 4 * di
    return f"{base + 1}", f"{base + 2}"


def own_prefixes(net: Network, vif: Vif) -> list[str]:
    router = net.router_of_link.get(vif.connection_id)
    if not router or router not in net.topology.routers_by_name:
        return []
    return sorted({a.prefix for a in net.adverts(router) if ":" not in a.prefix})


def exports(
    net: Network, vifs: list[Vif], on_device: list[Vif], peers: list[AwsPeer], protocol: Any
) -> list[AwsPeer]:
    """`peers` (one device's) with each SiteLink VIF's IPv4 session also sending the
    routes of its gateway's other SiteLink VIFs: from the SiteLink namespace, or from a
    SiteLink VIF on this same device."""
    order = gateways(vifs)
    out = []
    for p in peers:
        vif = next((v for v in on_device if protocol(v.id, p.family) == p.protocol), None)
        if vif is None or not vif.sitelink or p.family != SITELINK_FAMILY:
            out.append(p)
            continue
        sources = [f"sl{order.index(vif.gateway_id)}"] + [
            protocol(v.id, SITELINK_FAMILY)
            for v in on_device
            if v.sitelink and v.gateway_id == vif.gateway_id and v.id != vif.id
        ]
        heard = " || ".join(f'proto = "{s}"' for s in sources)
        own = own_prefixes(net, vif)
        cond = f"({heard})" + (f" && net !~ [ {', '.join(own)} ]" if own else "")
        out.append(replace(p, also_export=cond))
    return out


def add(b: Any, vifs: list[Vif], protocol: Any) -> None:
    """Give the lab `b` (a plan._Builder, its devices and routers built) its SiteLink."""
    net: Network = b.net
    order = gateways(vifs)
    if not order:
        return
    devices = sorted({v.device for v in vifs})
    extra: dict[str, list[str]] = {}  # namespace -> BIRD lines to append to its daemon
    for si, gw in enumerate(order):
        mine = [v for v in vifs if v.sitelink and v.gateway_id == gw]
        address = sitelink_address(gw)
        sns = b.ns(ROLE, gw, loopback=(f"{address}/32",))
        where = f"{net.label(gw)} (SiteLink over the AWS network)"
        b.resources[address] = where
        lines = [
            f"router id {address};",
            "protocol device { scan time 2; }",
            "",
            "protocol kernel kernel4 {",
            # Traceroute shows the gateway's SiteLink address for this hop, as the sim names it.
            f"  ipv4 {{ import none; export filter {{ krt_prefsrc = {address}; accept; }}; }};",
            "  merge paths yes;",
            "}",
            "",
        ]
        for dev in sorted({v.device for v in mine}):
            di = devices.index(dev)
            dns = b.devices[dev]
            dev_ip, sl_ip = link(si, di)
            b.veths.append(
                Veth(
                    End(dns, f"sl{si}", (f"{dev_ip}/30",)),
                    End(sns, f"d{di}", (f"{sl_ip}/30",)),
                    9001,
                    f"SiteLink of {gw}: AWS device {dev}",
                )
            )
            b.resources[dev_ip] = f"AWS device {dev} (SiteLink of {net.label(gw)})"
            b.resources[sl_ip] = where
            lines += [
                f"protocol bgp dev{di} {{",
                f"  local {sl_ip} as {BACKBONE_ASN};",
                f"  neighbor {dev_ip} as {BACKBONE_ASN};",
                "  direct;",
                "  rr client;",
                FAST_START.rstrip("\n"),
                "  ipv4 { import all; export all; next hop self; };",
                "}",
                "",
            ]
            here = sorted((v for v in mine if v.device == dev), key=lambda v: v.id)
            sources = " || ".join(f'proto = "{protocol(v.id, SITELINK_FAMILY)}"' for v in here)
            # Traffic arriving over SiteLink: the device answers traceroute from its SiteLink
            # VIF's Amazon address, the Direct Connect hop the sim names on that side.
            source = _amazon_address(here[0])
            imports = (
                f"import filter {{ krt_prefsrc = {source}; accept; }};" if source else "import all;"
            )
            extra.setdefault(dns, []).extend(
                [
                    f"protocol bgp sl{si} {{",
                    f"  local {dev_ip} as {BACKBONE_ASN};",
                    f"  neighbor {sl_ip} as {BACKBONE_ASN};",
                    "  direct;",
                    FAST_START.rstrip("\n"),
                    "  ipv4 {",
                    f"    {imports}",
                    f"    export where {sources};",
                    "    next hop self;",
                    "  };",
                    "}",
                    "",
                ]
            )
        b.daemons.append(Daemon(sns, "bird", "\n".join(lines)))
    frr_extra = _allowas_in(b, net, vifs)
    b.daemons[:] = [_append(d, extra, frr_extra) for d in b.daemons]


def _amazon_address(vif: Vif) -> str:
    session = next((s for s in vif.sessions if s.family == SITELINK_FAMILY), None)
    return session.amazon_address.split("/")[0] if session else ""


def _allowas_in(b: Any, net: Network, vifs: list[Vif]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    asn = net.topology.customer_asn
    for v in vifs:
        if not v.sitelink or v.type == "public":
            continue
        router = net.router_of_link.get(v.connection_id)
        amazon = _amazon_address(v)
        if not router or not amazon:
            continue
        out.setdefault(f"{b.p}-rtr-{_slug(router)}", []).extend(
            [
                f"router bgp {asn}",
                " address-family ipv4 unicast",
                f"  neighbor {amazon} allowas-in 1",
                " exit-address-family",
                "exit",
            ]
        )
    return out


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _append(d: Daemon, extra: dict[str, list[str]], frr_extra: dict[str, list[str]]) -> Daemon:
    if d.kind == "bird" and d.ns in extra:
        return replace(d, config=d.config.rstrip("\n") + "\n\n" + "\n".join(extra[d.ns]) + "\n")
    if d.kind == "frr" and d.ns in frr_extra:
        lines = "\n".join(frr_extra[d.ns])
        return replace(d, config=d.config.rstrip("\n") + "\n" + lines + "\n")
    return d


def verify_site(
    host: Host, lab: Lab, account: str, site: str, other: str, count: int = 5
) -> dict[str, Any] | None:
    """ping and traceroute from one data center's address to another's, or None when the
    lab does not run them (the same JSON as routing/sites.py's answer)."""
    src, dst = lab.sites.get((account, site)), lab.sites.get((account, other))
    if src is None or dst is None:
        return None
    hops, sent, received = probes.probe(host, lab, src.ns, src.address, dst.address, count)
    if hops and hops[-1]["address"] == "*":
        hops[-1]["resource"] = f"data center {other}: no answer"
    reason = probes.no_reply(dst.address, probes.last_answered(hops)) if not received else ""
    return probes.answer(site, other, src.address, dst.address, sent, received, hops, reason)
