"""BIRD 2 configurations: the AWS side of every VIF on an AWS device, the AWS gateway
that picks a path back to the customer, and a data center's core (the customer's own
network behind its routers, which the lab needs to send and receive traffic).

The AWS side follows routing-and-bgp.md and limits.md: the Amazon-side ASN, MD5, hold
time 90 s / keepalive 30 s, BFD 300 ms x 3, 100 prefixes per family on private and
transit VIFs (over it the session goes down, as "idle" on AWS), local preference from the
7224:7100/7200/7300 communities, and the Amazon ASN as the whole AS_PATH it sends.

TCP-MD5 (the `password` lines) works on this kernel: a wrong key leaves the session in
Connect (checked by tests/test_lab_bgp.py)."""

from __future__ import annotations

from dataclasses import dataclass

from dxlab.domain import quotas
from dxlab.domain.router_templates import BFD_INTERVAL_MS, BFD_MULTIPLIER, HOLD_TIME, KEEPALIVE
from dxlab.domain.topology import LOCAL_PREFERENCE
from dxlab.routing.bgp import OTHER_REGION_LOCAL_PREF

BACKBONE_ASN = 7224  # AWS's own ASN: the iBGP between a device and a gateway
# A lab comes up in seconds: BIRD's defaults wait 5 s before the first connect and 120 s
# between retries, which only slow a rehearsal down.
FAST_START = "  connect delay time 1;\n  connect retry time 2;\n  error wait time 1, 4;\n"


@dataclass(frozen=True)
class AwsPeer:
    protocol: str
    description: str
    vif_type: str
    family: str
    amazon_ip: str
    customer_ip: str
    amazon_asn: int
    customer_asn: int
    auth_key: str
    default_local_pref: int
    exports: tuple[str, ...]  # prefixes AWS advertises over this session
    disabled: bool = False  # a BGP failover test holds it down (StartBgpFailoverTest)
    # A public VIF: only its approved route filter prefixes (and more specific ones) are
    # accepted, the rest filtered (routing-and-bgp.md); None: no such filter.
    accept_only: tuple[str, ...] | None = None
    # A BIRD condition for more routes to send (SiteLink: what the other SiteLink VIFs
    # heard, lab/sitelink.py); "": only `exports`.
    also_export: str = ""


@dataclass(frozen=True)
class Backbone:
    protocol: str
    local_ip: str
    peer_ip: str
    exports_from: tuple[
        str, ...
    ] = ()  # device side: the VIF protocols whose routes go to the gateway
    # Device side: those of `exports_from` learned at a location of another Region than
    # the gateway's; without a local-preference community they reach it lowered.
    lowered: tuple[str, ...] = ()


def backbone_export(sources: tuple[str, ...], lowered: tuple[str, ...]) -> str:
    """A device's export toward one gateway (IPv4 or IPv6 iBGP): the routes of the VIF
    sessions that reach it. routing-and-bgp.md: "For routes learned from Direct Connect
    location with a different associated Region as the local Region, the local preference
    is lowered", unless a local-preference community set it (routing/bgp.local_preference)."""
    where = " || ".join(f'proto = "{p}"' for p in sources) or "false"
    if not lowered:
        return f"export where {where};"
    other = " || ".join(f'proto = "{p}"' for p in lowered)
    tagged = " || ".join(
        f"({c.replace(':', ',')}) ~ bgp_community" for c in sorted(LOCAL_PREFERENCE)
    )
    return (
        f"export filter {{ if !({where}) then reject; "
        f"if ({other}) && !({tagged}) then bgp_local_pref = {OTHER_REGION_LOCAL_PREF}; "
        "accept; };"
    )


def _set(prefixes: tuple[str, ...] | list[str]) -> str:
    return "[ " + ", ".join(prefixes) + " ]"


def _tagged(communities: tuple[str, ...]) -> str:
    """A static route's BGP communities, as BIRD sets them."""
    if not communities:
        return ""
    adds = " ".join(f"bgp_community.add(({c.replace(':', ',')}));" for c in communities)
    return f" {{ {adds} }}"


def _header(router_id: str) -> list[str]:
    return [
        f"router id {router_id};",
        "protocol device { scan time 2; }",
        "",
        "protocol kernel kernel4 {",
        "  ipv4 { import none; export all; };",
        "  merge paths yes;",
        "}",
        "",
    ]


def local_pref_filter(
    name: str, default: int, accept_only: tuple[str, ...] | None = None
) -> list[str]:
    # routing-and-bgp.md: 7224:7100 low, 7224:7200 medium, 7224:7300 high preference.
    out = [f"filter {name} {{"]
    if accept_only is not None:
        approved = [p for p in accept_only if ":" not in p]
        out.append(
            f"  if net !~ {_set([p + '+' for p in approved])} then reject;"
            if approved
            else "  reject;"
        )
    for i, (community, pref) in enumerate(sorted(LOCAL_PREFERENCE.items())):
        asn, value = community.split(":")
        out.append(
            f"  {'if' if i == 0 else 'else if'} ({asn},{value}) ~ bgp_community then bgp_local_pref = {pref};"
        )
    out += [f"  else bgp_local_pref = {default};", "  accept;", "}"]
    return out


def device(
    router_id: str,
    peers: list[AwsPeer],
    backbones: list[Backbone],
    statics: list[tuple[str, str]],
    communities: dict[str, tuple[str, ...]] | None = None,
) -> str:
    """An AWS Direct Connect device: one BGP session per VIF address family, static routes
    to the VPCs behind each gateway (and to Amazon's public prefixes, with their scope
    `communities`), iBGP toward the gateways."""
    tags = communities or {}
    out = _header(router_id)
    out += [
        "protocol bfd {",
        '  interface "*" {',
        f"    min rx interval {BFD_INTERVAL_MS} ms;",
        f"    min tx interval {BFD_INTERVAL_MS} ms;",
        f"    multiplier {BFD_MULTIPLIER};",
        "  };",
        "}",
        "",
    ]
    v4 = [(c, via) for c, via in statics if ":" not in c]
    if v4:
        out += [
            "protocol static vpcs4 {",
            "  ipv4;",
            *[f"  route {c} via {via}{_tagged(tags.get(c, ()))};" for c, via in v4],
            "}",
            "",
        ]
    for p in peers:
        limit = quotas.PUBLIC_ROUTES if p.vif_type == "public" else quotas.PRIVATE_ROUTES_PER_FAMILY
        exports = [c for c in p.exports if (":" in c) == (p.family == "ipv6")]
        export = f"export where net ~ {_set(exports)};" if exports else "export none;"
        if p.also_export:
            export = (
                f"export where net ~ {_set(exports)} || ({p.also_export});"
                if exports
                else f"export where {p.also_export};"
            )
        if exports and p.vif_type == "public":
            # routing-and-bgp.md: every route AWS advertises over a public VIF carries
            # NO_EXPORT. Set on the way out: BIRD would not send a route holding it already.
            export = f"export filter {{ if net ~ {_set(exports)} then {{ bgp_community.add((65535,65281)); accept; }} reject; }};"
        out += local_pref_filter(f"{p.protocol}_in", p.default_local_pref, p.accept_only)
        out += [
            f"protocol bgp {p.protocol} {{",
            f'  description "{p.description}";',
            f"  local {p.amazon_ip} as {p.amazon_asn};",
            f"  neighbor {p.customer_ip} as {p.customer_asn};",
            f'  password "{p.auth_key}";',
            f"  hold time {HOLD_TIME};",
            f"  keepalive time {KEEPALIVE};",
            "  bfd on;",
            *(["  disabled yes;"] if p.disabled else []),
            FAST_START.rstrip("\n"),
            f"  {p.family} {{",
            f"    import filter {p.protocol}_in;",
            f"    {export}",
            # limits.md: over the limit the session goes idle (BIRD: the protocol is disabled).
            # BIRD's limit trips when the count goes over it: 100 in, the 101st takes it down.
            f"    receive limit {limit} action disable;",
            "  };",
            "}",
            "",
        ]
    for b in backbones:
        out += [
            f"protocol bgp {b.protocol} {{",
            f"  local {b.local_ip} as {BACKBONE_ASN};",
            f"  neighbor {b.peer_ip} as {BACKBONE_ASN};",
            "  direct;",
            FAST_START.rstrip("\n"),
            "  ipv4 {",
            "    import none;",
            f"    {backbone_export(b.exports_from, b.lowered)}",
            "    next hop self;",
            "  };",
            "}",
            "",
        ]
    return "\n".join(out)


def gateway(router_id: str, backbones: list[Backbone], prefsrc: str) -> str:
    """A VGW/TGW (with the Direct Connect gateway before it): learns the customer's routes
    from every device and keeps the best (local preference, then AS_PATH), multipath on ties."""
    out = [
        f"router id {router_id};",
        "protocol device { scan time 2; }",
        "",
        "protocol kernel kernel4 {",
        "  ipv4 {",
        "    import none;",
        # Traceroute shows the VPC router's address for this hop, as the sim names it.
        f"    export filter {{ krt_prefsrc = {prefsrc}; accept; }};"
        if prefsrc
        else "    export all;",
        "  };",
        "  merge paths yes;",
        "}",
        "",
    ]
    for b in backbones:
        out += [
            f"protocol bgp {b.protocol} {{",
            f"  local {b.local_ip} as {BACKBONE_ASN};",
            f"  neighbor {b.peer_ip} as {BACKBONE_ASN};",
            "  direct;",
            FAST_START.rstrip("\n"),
            "  ipv4 { import all; export none; };",
            "}",
            "",
        ]
    return "\n".join(out)


@dataclass(frozen=True)
class CorePeer:
    protocol: str
    local_ip: str
    peer_ip: str
    wan: bool  # another data center's core (not a router of this one)
    # A router learns from the core only the prefixes it announces itself: routes to them
    # for the traffic AWS returns through it, and nothing more for it to pass on to AWS.
    exports: tuple[str, ...] = ()


def site_core(
    router_id: str, asn: int, own: list[str], customer: list[str], peers: list[CorePeer]
) -> str:
    """A data center's core: originates its own prefix, reflects the routers' AWS routes,
    and reaches the other data centers over the WAN (less preferred than its own routers)."""
    out = _header(router_id)
    if own:
        out += [
            "protocol static own4 {",
            "  ipv4;",
            *[f"  route {c} unreachable;" for c in own],
            "}",
            "",
        ]
    for p in peers:
        if p.wan:
            channel = [
                "  ipv4 {",
                "    import filter { bgp_local_pref = 50; accept; };",
                "    export all;",
                "    next hop self;",
                "  };",
            ]
        else:
            # The routers' own announcements of the customer prefixes are not routes to them.
            channel = [
                "  rr client;",
                # Another data center's prefix heard over SiteLink carries the customer's
                # own ASN (lab/sitelink.py): a route to it all the same, not a loop.
                "  allow local as 1;",
                "  ipv4 {",
                f"    import where net !~ {_set(customer)};" if customer else "    import all;",
                f"    export where net ~ {_set(p.exports)};" if p.exports else "    export none;",
                "    next hop self;",
                "  };",
            ]
        out += [
            f"protocol bgp {p.protocol} {{",
            f"  local {p.local_ip} as {asn};",
            f"  neighbor {p.peer_ip} as {asn};",
            "  direct;",
            FAST_START.rstrip("\n"),
            *channel,
            "}",
            "",
        ]
    return "\n".join(out)
