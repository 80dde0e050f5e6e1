"""Virtual interface rules (WorkingWithVirtualInterfaces.md, create-vif.md,
add-peer-to-vif.md, set-jumbo-frames-vif.md, limits.md and the model's members).

Pure: values in, normalized values or a named error out. Every message says what is
wrong and with which value."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from dxlab.domain.errors import ValidationError

PRIVATE, PUBLIC, TRANSIT = "private", "public", "transit"

# WorkingWithVirtualInterfaces.md: "between 1 and 4094 ... Ethernet 802.1Q".
VLAN_MIN, VLAN_MAX = 1, 4094
# The model's ASN / LongAsn members and FIDELITY.md.
ASN_MAX = 2_147_483_646
ASN_LONG_MAX = 4_294_967_294
# The legacy `asn` member is a 32-bit signed integer: a 4-byte ASN above it reads back 0.
ASN_WIRE_MAX = 2_147_483_647
# Private ASN ranges (RFC 6996), which a public VIF's extra BGP peer may use
# (add-peer-to-vif.md: "the ASN must be private or already on the allow list").
PRIVATE_ASN_RANGES = ((64512, 65534), (4_200_000_000, 4_294_967_294))
# The model's BGPAuthKey: "a minimum length of 6 characters and a maximum length of 80".
AUTH_KEY_MIN, AUTH_KEY_MAX = 6, 80
# The model's VirtualInterfaceName: "a maximum of 100 characters".
NAME_MAX = 100

# set-jumbo-frames-vif.md: private 1500 or 9001, transit 1500 or 8500; public VIFs
# carry standard frames only.
MTUS: dict[str, tuple[int, ...]] = {PRIVATE: (1500, 9001), TRANSIT: (1500, 8500), PUBLIC: (1500,)}
STANDARD_MTU = 1500

# The Amazon side of a public VIF: AWS's own ASN (7224 in us-east-1, 16509 elsewhere).
PUBLIC_AMAZON_ASN = {"us-east-1": 7224}
PUBLIC_AMAZON_ASN_DEFAULT = 16509
# What an allocated (hosted) VIF reports until its owner confirms it and picks a gateway:
# the allocate-transit-virtual-interface capture (sa-east-1) shows 7224.
HOSTED_UNCONFIRMED_AMAZON_ASN = 7224

# A VIF's states and their transitions: dxlab.domain.states.VIF.


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("virtualInterfaceName must not be empty")
    if len(name) > NAME_MAX:
        raise ValidationError(
            f"virtualInterfaceName has {len(name)} characters; the maximum is {NAME_MAX}"
        )
    return name


def check_vlan(vlan: Any) -> int:
    if vlan is None:
        raise ValidationError(f"vlan is required: an integer between {VLAN_MIN} and {VLAN_MAX}")
    if isinstance(vlan, bool) or not isinstance(vlan, int):
        raise ValidationError(f"VLAN {vlan!r} must be an integer between {VLAN_MIN} and {VLAN_MAX}")
    if not VLAN_MIN <= vlan <= VLAN_MAX:
        raise ValidationError(
            f"VLAN {vlan} is not valid: it must be between {VLAN_MIN} and {VLAN_MAX}"
        )
    return vlan


def _check_asn(value: int, maximum: int, hint: str = "") -> int:
    if value < 1:
        raise ValidationError(f"BGP ASN {value} must have value greater than or equal to 1")
    if value > maximum:
        raise ValidationError(
            f"BGP ASN {value} must have value less than or equal to {maximum}{hint}"
        )
    return value


def resolve_asn(asn: int | None, asn_long: int | None, *, required: bool = True) -> int | None:
    """The customer ASN of a request: `asnLong` wins when both are given (the model)."""
    if asn_long is not None:
        return _check_asn(asn_long, ASN_LONG_MAX)
    if asn is not None:
        return _check_asn(asn, ASN_MAX, "; use asnLong for 4-byte ASNs")
    if required:
        raise ValidationError("A BGP ASN is required: give asn or asnLong")
    return None


def asn_fields(value: int) -> dict[str, int]:
    """DescribeVirtualInterfaces: a 2-byte-range ASN shows in both members, a larger one
    reads 0 in the legacy `asn`."""
    return {"asn": value if value <= ASN_WIRE_MAX else 0, "asnLong": value}


def is_private_asn(value: int) -> bool:
    return any(low <= value <= high for low, high in PRIVATE_ASN_RANGES)


def check_auth_key(key: Any) -> str | None:
    if key is None:
        return None
    if not isinstance(key, str) or not AUTH_KEY_MIN <= len(key) <= AUTH_KEY_MAX:
        size = len(key) if isinstance(key, str) else "?"
        raise ValidationError(
            f"BGP authentication key has {size} characters; it must have {AUTH_KEY_MIN} to {AUTH_KEY_MAX}"
        )
    if any(c.isspace() for c in key):
        raise ValidationError("BGP authentication key must not contain spaces")
    return key


def check_mtu(vif_type: str, mtu: Any) -> int:
    allowed = MTUS[vif_type]
    if mtu is None:
        return STANDARD_MTU
    if isinstance(mtu, bool) or not isinstance(mtu, int) or mtu not in allowed:
        raise ValidationError(
            f"MTU {mtu} is not valid for a {vif_type} virtual interface; supported values: "
            + " or ".join(str(m) for m in allowed)
        )
    return mtu


def is_jumbo(mtu: int) -> bool:
    return mtu > STANDARD_MTU


def public_amazon_asn(region: str) -> int:
    return PUBLIC_AMAZON_ASN.get(region, PUBLIC_AMAZON_ASN_DEFAULT)


def check_address_family(family: Any) -> str:
    if family is None:
        return "ipv4"
    if family not in ("ipv4", "ipv6"):
        raise ValidationError(f"Address family {family!r} is not valid; use ipv4 or ipv6")
    return str(family)


# Special-purpose IPv4 space (RFC 6890 and the IANA registry) that a public virtual
# interface may neither use for its peers nor advertise. The documentation ranges
# (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are not here: the real
# service takes them into `verifying` like any public prefix and leaves them to its review
# (the AWS CLI's create-public-virtual-interface example uses 203.0.113.0/24), and they
# are what users' tests and examples use.
SPECIAL_V4: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "'this network' (RFC 1122)"),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "shared address space (RFC 6598)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (RFC 3927)"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
    ("192.88.99.0/24", "6to4 relay anycast (RFC 7526)"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking (RFC 2544)"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved (RFC 1112)"),
)
SPECIAL_V6: tuple[tuple[str, str], ...] = (
    ("::/8", "reserved, loopback and unspecified"),
    ("64:ff9b::/96", "IPv4/IPv6 translation (RFC 6052)"),
    ("100::/64", "discard-only (RFC 6666)"),
    ("2001::/23", "IETF protocol assignments (RFC 2928)"),
    ("2002::/16", "6to4 (RFC 3056)"),
    ("fc00::/7", "unique local (RFC 4193)"),
    ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"),
)
_SPECIAL = [(ipaddress.ip_network(n), why) for n, why in SPECIAL_V4 + SPECIAL_V6]


def special_range(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str | None:
    """The special-purpose range `net` falls in or covers, described; None if public."""
    for special, why in _SPECIAL:
        if special.version == net.version and (net.subnet_of(special) or net.supernet_of(special)):  # type: ignore[arg-type]
            return f"{special} ({why})"
    return None


def check_route_filter_prefixes(items: Iterable[Mapping[str, Any]] | None, limit: int) -> list[str]:
    """A public VIF's prefixes: 1 to `limit`, valid CIDRs, public, IPv6 /64 or shorter."""
    cidrs: list[str] = []
    for item in items or []:
        text = item.get("cidr")
        for part in str(text or "").split(
            ","
        ):  # the model: "Separate multiple routes using commas"
            part = part.strip()
            if not part:
                shown = "an empty value" if not text else repr(text)
                raise ValidationError(f"Route filter prefix {shown} is not a CIDR")
            try:
                net = ipaddress.ip_network(part, strict=True)
            except ValueError as exc:
                raise ValidationError(
                    f"Route filter prefix {part!r} is not a valid CIDR ({exc})"
                ) from None
            if net.version == 6 and net.prefixlen > 64:
                raise ValidationError(
                    f"Route filter prefix {net} is too long: an IPv6 CIDR must use /64 or shorter"
                )
            why = special_range(net)
            if why is not None:
                raise ValidationError(
                    f"Route filter prefix {net} is not public: it is in {why}; a public virtual"
                    " interface advertises public prefixes only"
                )
            if str(net) not in cidrs:
                cidrs.append(str(net))
    if not cidrs:
        raise ValidationError(
            "A public virtual interface needs routeFilterPrefixes: at least 1 public prefix to advertise"
        )
    if len(cidrs) > limit:
        raise ValidationError(
            f"{len(cidrs)} route filter prefixes given; a public virtual interface allows at most {limit}"
        )
    return cidrs


def parse_peer_address(text: Any, what: str) -> ipaddress.IPv4Interface:
    """An IPv4 peer address in CIDR form (e.g. 169.254.255.1/30)."""
    if not isinstance(text, str) or "/" not in text:
        raise ValidationError(
            f"{what} {text!r} must be an IPv4 address with its prefix length, e.g. 192.168.1.1/30"
        )
    try:
        iface = ipaddress.ip_interface(text.strip())
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a valid IPv4 address in CIDR form") from None
    if not isinstance(iface, ipaddress.IPv4Interface):
        raise ValidationError(
            f"{what} {text!r} is not an IPv4 address; IPv6 peer addresses are assigned by Amazon"
        )
    return iface


def check_ipv4_peers(amazon: Any, customer: Any, *, public: bool) -> tuple[str, str] | None:
    """User-given IPv4 peer addresses, validated; None when both are left out (then
    Amazon allocates a /30 from 169.254.0.0/16 — private and transit VIFs only)."""
    if amazon is None and customer is None:
        if public:
            raise ValidationError(
                "A public virtual interface with an IPv4 BGP peer needs amazonAddress and"
                " customerAddress: public IPv4 addresses you own"
            )
        return None
    if amazon is None or customer is None:
        missing = "amazonAddress" if amazon is None else "customerAddress"
        raise ValidationError(
            f"{missing} is missing: give both amazonAddress and customerAddress, or neither"
        )
    a = parse_peer_address(amazon, "amazonAddress")
    c = parse_peer_address(customer, "customerAddress")
    # WorkingWithVirtualInterfaces.md: "the same subnet mask must be used for both".
    if a.network != c.network:
        raise ValidationError(
            f"amazonAddress {a} and customerAddress {c} are not in the same subnet with the same prefix length"
        )
    if a.ip == c.ip:
        raise ValidationError(
            f"amazonAddress and customerAddress are both {a.ip}; they must be distinct"
        )
    net = a.network
    if net.prefixlen > 31:
        raise ValidationError(
            f"Peer subnet {net} is too small: use a /31 or a larger subnet such as a /30"
        )
    if net.prefixlen < 31:  # a /31 has no network or broadcast address (RFC 3021)
        for ip, what in ((a.ip, "amazonAddress"), (c.ip, "customerAddress")):
            if ip in (net.network_address, net.broadcast_address):
                kind = "network" if ip == net.network_address else "broadcast"
                raise ValidationError(
                    f"{what} {ip} is the {kind} address of {net}, not a usable host address"
                )
    if public:
        for iface, what in ((a, "amazonAddress"), (c, "customerAddress")):
            why = special_range(ipaddress.ip_network(iface.ip))
            if why is not None:
                raise ValidationError(
                    f"{what} {iface} is not a public IPv4 address (it is in {why}); a public"
                    " virtual interface needs public peer addresses"
                )
    else:
        for iface, what in ((a, "amazonAddress"), (c, "customerAddress")):
            if iface.ip.is_multicast or iface.ip.is_loopback or iface.ip.is_unspecified:
                raise ValidationError(f"{what} {iface} is not a unicast host address")
    return str(a), str(c)


def check_ipv6_peers(amazon: Any, customer: Any) -> None:
    # add-peer-to-vif.md: "You cannot specify your own peer IPv6 addresses".
    if amazon is not None or customer is not None:
        raise ValidationError(
            "Custom IPv6 peer addresses are not supported: leave amazonAddress and customerAddress"
            " out and Amazon assigns a /125 from its pool"
        )


def check_rate_limit(rate: Any, parent_mbps: int, supported: Mapping[str, float]) -> str | None:
    if rate is None:
        return None
    if rate not in supported:
        raise ValidationError(
            f"Rate limit {rate!r} is not a supported bandwidth value, e.g. 50Mbps, 1Gbps, 10Gbps"
        )
    if supported[rate] > parent_mbps:
        raise ValidationError(
            f"Rate limit {rate} exceeds the bandwidth of the parent connection or LAG"
        )
    return str(rate)
