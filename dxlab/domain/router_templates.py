"""Customer router configurations for a virtual interface (create-vif.md "Download the
router configuration file"): FRR and BIRD 2, which the lab runs, and Cisco IOS, Cisco
NX-OS, Juniper Junos and Palo Alto PAN-OS as text.

Each renderer is a function of the VirtualInterface document alone (plus the physical
interface and the prefixes to advertise, which the lab may set), so what it writes is
complete for that VIF: VLAN, addresses, both ASNs, MD5 key, BFD and the BGP timers of
limits.md (hold 90 s, keepalive 30 s; BFD 300 ms x 3)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from dxlab.domain.states import BGP_PEER

HOLD_TIME, KEEPALIVE = 90, 30
BFD_INTERVAL_MS, BFD_MULTIPLIER = 300, 3


@dataclass(frozen=True)
class Peer:
    family: str
    amazon_ip: str
    customer_ip: str
    customer_cidr: str
    prefixlen: int
    auth_key: str


@dataclass(frozen=True)
class Session:
    """What every template needs to know of a VIF."""

    vif_id: str
    name: str
    vif_type: str
    vlan: int
    mtu: int
    asn: int
    amazon_asn: int
    peers: list[Peer]
    advertise: list[str] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return self.vif_id.replace("-", "_")

    def v4(self) -> list[Peer]:
        return [p for p in self.peers if p.family == "ipv4"]

    def v6(self) -> list[Peer]:
        return [p for p in self.peers if p.family == "ipv6"]

    def router_id(self) -> str:
        v4 = self.v4()
        return v4[0].customer_ip if v4 else f"10.255.{self.vlan // 256}.{self.vlan % 256}"


def session_of(doc: dict[str, Any], advertise: list[str] | None = None) -> Session:
    peers = []
    for p in doc.get("bgpPeers", []):
        if p.get("bgpPeerState") in BGP_PEER.gone or not p.get("customerAddress"):
            continue
        customer = ipaddress.ip_interface(p["customerAddress"])
        peers.append(
            Peer(
                p["addressFamily"],
                str(ipaddress.ip_interface(p["amazonAddress"]).ip),
                str(customer.ip),
                str(customer),
                customer.network.prefixlen,
                p["authKey"],
            )
        )
    if advertise is None:
        advertise = [r["cidr"] for r in doc.get("routeFilterPrefixes", [])]
    return Session(
        doc["virtualInterfaceId"],
        doc.get("virtualInterfaceName", ""),
        doc["virtualInterfaceType"],
        int(doc["vlan"]),
        int(doc.get("mtu", 1500)),
        int(doc["asnLong"]),
        int(doc.get("amazonSideAsn") or 0),
        peers,
        list(advertise),
    )


def _family(cidr: str) -> str:
    return "ipv6" if ":" in cidr else "ipv4"


def logical_connection_xml(doc: dict[str, Any]) -> str:
    """The VirtualInterface's customerRouterConfig member: the XML AWS's templates read."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<logical_connection id="{escape(doc["virtualInterfaceId"])}">',
        f"  <vlan>{doc['vlan']}</vlan>",
    ]
    # One set of elements per address family, the IPv6 peer's prefixed `ipv6_` (the
    # create-bgp-peer capture); a peer being replaced (`deleting`, the
    # associate-virtual-interface capture) gives way to its successor.
    by_family: dict[str, dict[str, Any]] = {}
    for p in doc.get("bgpPeers", []):
        family = str(p.get("addressFamily", "ipv4"))
        if family not in by_family or by_family[family].get("bgpPeerState") in BGP_PEER.gone:
            by_family[family] = p
    for family in sorted(by_family):  # ipv4 first
        p, tag = by_family[family], "ipv6_" if family == "ipv6" else ""
        lines += [
            f"  <{tag}customer_address>{escape(str(p.get('customerAddress') or ''))}</{tag}customer_address>",
            f"  <{tag}amazon_address>{escape(str(p.get('amazonAddress') or ''))}</{tag}amazon_address>",
            f"  <{tag}bgp_asn>{p.get('asnLong') or p.get('asn')}</{tag}bgp_asn>",
            f"  <{tag}bgp_auth_key>{escape(str(p.get('authKey') or ''))}</{tag}bgp_auth_key>",
        ]
    lines += [
        f"  <amazon_bgp_asn>{doc.get('amazonSideAsn') or ''}</amazon_bgp_asn>",
        f"  <connection_type>{doc['virtualInterfaceType']}</connection_type>",
        "</logical_connection>",
        "",
    ]
    return "\n".join(lines)


def _header(s: Session, comment: str, platform: str) -> list[str]:
    return [
        f"{comment} AWS Direct Connect - customer router configuration ({platform})",
        f"{comment} Virtual interface {s.vif_id} '{s.name}' ({s.vif_type}), VLAN {s.vlan}, MTU {s.mtu}",
        f"{comment} Your ASN {s.asn}, Amazon ASN {s.amazon_asn}. BGP: MD5 authentication, hold time"
        f" {HOLD_TIME} s, keepalive {KEEPALIVE} s; BFD {BFD_INTERVAL_MS} ms x {BFD_MULTIPLIER}.",
    ]


def frr(s: Session, interface: str = "eth1") -> str:
    ifname = f"{interface}.{s.vlan}"
    out = _header(s, "!", "FRRouting 8")
    out += [
        "frr defaults traditional",
        "!",
        f"interface {ifname}",
        f" description AWS Direct Connect {s.vif_id}",
    ]
    out += [f" {'ipv6' if p.family == 'ipv6' else 'ip'} address {p.customer_cidr}" for p in s.peers]
    out += [
        "exit",
        "!",
        "bfd",
        " profile aws-dx",
        f"  detect-multiplier {BFD_MULTIPLIER}",
        f"  receive-interval {BFD_INTERVAL_MS}",
        f"  transmit-interval {BFD_INTERVAL_MS}",
        " exit",
        "exit",
        "!",
        f"router bgp {s.asn}",
        f" bgp router-id {s.router_id()}",
        " no bgp default ipv4-unicast",
    ]
    for p in s.peers:
        out += [
            f" neighbor {p.amazon_ip} remote-as {s.amazon_asn}",
            f" neighbor {p.amazon_ip} description AWS {s.vif_id} {p.family}",
            f" neighbor {p.amazon_ip} password {p.auth_key}",
            f" neighbor {p.amazon_ip} timers {KEEPALIVE} {HOLD_TIME}",
            f" neighbor {p.amazon_ip} bfd profile aws-dx",
        ]
    for family, peers in (("ipv4", s.v4()), ("ipv6", s.v6())):
        if not peers:
            continue
        out += [" !", f" address-family {family} unicast"]
        nets = [c for c in s.advertise if _family(c) == family]
        out += [f"  network {c}" for c in nets] or [
            "  ! network <your prefix>  (advertise your prefixes to AWS here)"
        ]
        for p in peers:
            out += [
                f"  neighbor {p.amazon_ip} activate",
                f"  neighbor {p.amazon_ip} route-map AWS-{s.tag}-IN in",
                f"  neighbor {p.amazon_ip} route-map AWS-{s.tag}-OUT out",
            ]
        out += [" exit-address-family"]
    out += [
        "exit",
        "!",
        f"route-map AWS-{s.tag}-IN permit 10",
        "exit",
        "!",
        f"route-map AWS-{s.tag}-OUT permit 10",
        "exit",
        "!",
        "",
    ]
    return "\n".join(out)


def bird(s: Session, interface: str = "eth1") -> str:
    ifname = f"{interface}.{s.vlan}"
    out = _header(s, "#", "BIRD 2")
    out += [
        f"router id {s.router_id()};",
        "",
        "protocol device {",
        "}",
        "",
        f"protocol direct aws_{s.tag}_direct {{",
        "  ipv4;",
        "  ipv6;",
        f'  interface "{ifname}";',
        "}",
        "",
        f"protocol bfd aws_{s.tag}_bfd {{",
        f'  interface "{ifname}" {{',
        f"    min rx interval {BFD_INTERVAL_MS} ms;",
        f"    min tx interval {BFD_INTERVAL_MS} ms;",
        f"    multiplier {BFD_MULTIPLIER};",
        "  };",
        "}",
    ]
    for p in s.peers:
        nets = [c for c in s.advertise if _family(c) == p.family]
        export = (
            f"export where net ~ [ {', '.join(nets)} ];"
            if nets
            else "export none;  # your prefixes to AWS"
        )
        suffix = "v6" if p.family == "ipv6" else "v4"
        out += [
            "",
            f"protocol bgp aws_{s.tag}_{suffix} {{",
            f'  description "AWS Direct Connect {s.vif_id} {p.family}";',
            f"  local {p.customer_ip} as {s.asn};",
            f"  neighbor {p.amazon_ip} as {s.amazon_asn};",
            f'  password "{p.auth_key}";',
            f"  hold time {HOLD_TIME};",
            f"  keepalive time {KEEPALIVE};",
            "  bfd on;",
            f"  {p.family} {{",
            "    import all;",
            f"    {export}",
            "  };",
            "}",
        ]
    return "\n".join(out) + "\n"


def cisco_ios(s: Session, interface: str = "GigabitEthernet0/1") -> str:
    sub = f"{interface}.{s.vlan}"
    out = _header(s, "!", "Cisco IOS")
    if s.v6():
        out += ["ipv6 unicast-routing", "!"]
    out += [
        f"interface {interface}",
        " no ip address",
        "!",
        f"interface {sub}",
        ' description "Direct Connect to your Amazon VPC or AWS Cloud"',
        f" encapsulation dot1Q {s.vlan}",
    ]
    for p in s.v4():
        out.append(f" ip address {p.customer_ip} {ipaddress.ip_interface(p.customer_cidr).netmask}")
    out += [f" ipv6 address {p.customer_cidr}" for p in s.v6()]
    if s.mtu > 1500:
        out.append(f" ip mtu {s.mtu}")
    out += [
        f" bfd interval {BFD_INTERVAL_MS} min_rx {BFD_INTERVAL_MS} multiplier {BFD_MULTIPLIER}",
        " no shutdown",
        "!",
        f"router bgp {s.asn}",
    ]
    for p in s.peers:
        out += [
            f" neighbor {p.amazon_ip} remote-as {s.amazon_asn}",
            f" neighbor {p.amazon_ip} password {p.auth_key}",
            f" neighbor {p.amazon_ip} timers {KEEPALIVE} {HOLD_TIME}",
            f" neighbor {p.amazon_ip} fall-over bfd",
        ]
    for family, peers in (("ipv4", s.v4()), ("ipv6", s.v6())):
        if not peers:
            continue
        out.append(f" address-family {family} unicast")
        for c in (c for c in s.advertise if _family(c) == family):
            net = ipaddress.ip_network(c)
            out.append(
                f"  network {net.network_address} mask {net.netmask}"
                if family == "ipv4"
                else f"  network {c}"
            )
        if family == "ipv4" and not s.advertise:
            out.append("  network 0.0.0.0")
        out += [f"  neighbor {p.amazon_ip} activate" for p in peers] + [" exit-address-family"]
    return "\n".join(out + ["!", ""])


def cisco_nxos(s: Session, interface: str = "Ethernet1/1") -> str:
    out = _header(s, "!", "Cisco NX-OS")
    out += [
        "feature bgp",
        "feature bfd",
        "!",
        f"interface {interface}",
        " no switchport",
        f" mtu {max(s.mtu, 1500)}",
        "!",
        f"interface {interface}.{s.vlan}",
        f" encapsulation dot1q {s.vlan}",
    ]
    out += [f" {'ipv6' if p.family == 'ipv6' else 'ip'} address {p.customer_cidr}" for p in s.peers]
    out += [
        f" bfd interval {BFD_INTERVAL_MS} min_rx {BFD_INTERVAL_MS} multiplier {BFD_MULTIPLIER}",
        " no shutdown",
        "!",
        f"router bgp {s.asn}",
    ]
    for p in s.peers:
        out += [
            f" neighbor {p.amazon_ip}",
            f"  remote-as {s.amazon_asn}",
            f"  password 0 {p.auth_key}",
            f"  timers {KEEPALIVE} {HOLD_TIME}",
            "  bfd",
            f"  address-family {p.family} unicast",
        ]
    return "\n".join(out + ["!", ""])


def junos(s: Session, interface: str = "ge-0/0/1") -> str:
    out = [f"/* {line[2:]} */" for line in _header(s, "#", "Juniper Junos")]
    fam = []
    for p in s.peers:
        name = "inet6" if p.family == "ipv6" else "inet"
        mtu = f"mtu {s.mtu}; " if s.mtu > 1500 else ""
        fam.append(f"            family {name} {{ {mtu}address {p.customer_cidr}; }}")
    out += [
        "interfaces {",
        f"    {interface} {{",
        "        vlan-tagging;",
        f"        unit {s.vlan} {{",
        f'            description "AWS Direct Connect {s.vif_id}";',
        f"            vlan-id {s.vlan};",
        *fam,
        "        }",
        "    }",
        "}",
        "policy-options {",
    ]
    groups = []
    for p in s.peers:
        suffix, family = ("v6", "inet6") if p.family == "ipv6" else ("v4", "inet")
        nets = [c for c in s.advertise if _family(c) == p.family]
        filters = [f"                route-filter {c} exact;" for c in nets] or [
            "                /* route-filter <your prefix> exact; */"
        ]
        out += [
            f"    policy-statement EXPORT-TO-AWS-{s.tag}-{suffix} {{",
            "        term advertise {",
            "            from {",
            f"                family {family};",
            *filters,
            "            }",
            "            then accept;",
            "        }",
            "        term rest { then reject; }",
            "    }",
        ]
        groups += [
            f"        group AWS-{s.tag}-{suffix} {{",
            "            type external;",
            f"            family {family} {{ unicast; }}",
            f"            peer-as {s.amazon_asn};",
            f"            hold-time {HOLD_TIME};",
            f"            export EXPORT-TO-AWS-{s.tag}-{suffix};",
            f"            neighbor {p.amazon_ip} {{",
            f"                local-address {p.customer_ip};",
            f'                authentication-key "{p.auth_key}";',
            "                bfd-liveness-detection {",
            f"                    minimum-interval {BFD_INTERVAL_MS};",
            f"                    multiplier {BFD_MULTIPLIER};",
            "                }",
            "            }",
            "        }",
        ]
    out += [
        "}",
        "protocols {",
        "    bgp {",
        *groups,
        "    }",
        "}",
        "routing-options {",
        f"    autonomous-system {s.asn};",
        "}",
        "",
    ]
    return "\n".join(out)


def panos(s: Session, interface: str = "ethernet1/1") -> str:
    sub, vr = f"{interface}.{s.vlan}", "set network virtual-router default"
    bgp = f"{vr} protocol bgp"
    out = _header(s, "#", "Palo Alto Networks PAN-OS")
    out += [f"set network interface ethernet {interface} layer3 units {sub} tag {s.vlan}"]
    out += [
        f"set network interface ethernet {interface} layer3 units {sub} {'ipv6 address' if p.family == 'ipv6' else 'ip'} {p.customer_cidr}"
        for p in s.peers
    ]
    out += [
        f"{vr} interface {sub}",
        f"{bgp} enable yes",
        f"{bgp} local-as {s.asn}",
        f"{bgp} router-id {s.router_id()}",
        f"{bgp} peer-group AWS-{s.tag} type ebgp",
    ]
    for p in s.peers:
        peer = f"{bgp} peer-group AWS-{s.tag} peer {s.vif_id}-{p.family}"
        out += [
            f"{bgp} auth-profile AWS-{s.tag}-{p.family} secret {p.auth_key}",
            f"{peer} peer-as {s.amazon_asn}",
            f"{peer} local-address interface {sub} ip {p.customer_cidr}",
            f"{peer} peer-address ip {p.amazon_ip}",
            f"{peer} connection-options authentication AWS-{s.tag}-{p.family}",
            f"{peer} connection-options hold-time {HOLD_TIME} keep-alive-interval {KEEPALIVE}",
            f"{peer} bfd profile Inherit-vr-global-setting",
        ]
    return "\n".join(out) + "\n"
