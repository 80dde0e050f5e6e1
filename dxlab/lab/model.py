"""The lab as data (STYLE 6): namespaces, bridges, veth pairs and daemons, with what each
stands for in dxlab. `plan.build_lab` makes one from the routing snapshot; `apply` turns
it into processes. Plain frozen values, so a desired lab compares and hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Namespace:
    name: str
    role: str  # device | router | xc | gateway | vpc | site | wan
    resource: str  # the dxlab resource it stands for (device id, router name, connection id...)
    forwarding: bool = True
    loopback: tuple[str, ...] = ()  # addresses on lo (a data center's own address)
    routes: tuple[str, ...] = ()  # `ip route replace` arguments
    firewall: str = ""  # an nftables rule set (a VPC instance's security group)

    def digest(self) -> str:
        return _digest(repr((self.forwarding, self.loopback, self.routes, self.firewall)))


@dataclass(frozen=True)
class End:
    ns: str
    name: str  # interface name inside ns (at most 15 characters)
    addrs: tuple[str, ...] = ()
    master: str = ""  # a bridge in the same namespace
    up: bool = True  # down: an injected failure cut it (the far side of a cross-connect)


@dataclass(frozen=True)
class Veth:
    a: End
    b: End
    mtu: int
    purpose: str  # what it stands for: "dxvif-... VLAN 101 (router side)", "backbone", ...


@dataclass(frozen=True)
class Bridge:
    ns: str
    name: str
    mtu: int


@dataclass(frozen=True)
class Daemon:
    ns: str
    kind: str  # bird | frr
    config: str
    startup: str = ""  # FRR: what bgpd reads as it starts, before `config` is loaded (lab settings)
    programs: tuple[str, ...] = ()  # FRR: the daemons to run, in start order (frr.frr_programs)

    @property
    def key(self) -> str:
        return f"{self.ns}.{self.kind}"

    def digest(self) -> str:
        return _digest(self.config + self.startup + " ".join(self.programs))


@dataclass(frozen=True)
class LabSession:
    """Where one VIF BGP session lives: the AWS side in BIRD, the customer side in FRR."""

    account: str
    vif_id: str
    family: str
    device_ns: str
    protocol: str  # the BIRD protocol name on the device
    router_ns: str
    router: str
    amazon_ip: str
    customer_ip: str
    interface: str  # the customer router's interface for this VIF
    mtu: int
    amazon_asn: int = 0


@dataclass(frozen=True)
class Endpoint:
    """A data center's or a VPC instance's address and the namespace it lives in."""

    ns: str
    address: str


@dataclass(frozen=True)
class Lab:
    prefix: str
    namespaces: tuple[Namespace, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    veths: tuple[Veth, ...] = ()
    daemons: tuple[Daemon, ...] = ()
    sessions: tuple[LabSession, ...] = ()
    # address -> the dxlab resource it belongs to (traceroute hops are annotated with it)
    resources: dict[str, str] = field(default_factory=dict)
    sites: dict[tuple[str, str], Endpoint] = field(default_factory=dict)  # (account, site)
    vpcs: dict[tuple[str, str], Endpoint] = field(default_factory=dict)  # (account, vpc name)
    # connection/LAG id -> the cross-connect ports toward the AWS device (a fiber cut there)
    far_ports: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # AWS device -> its namespace (a device failure takes all its links down)
    devices: dict[str, str] = field(default_factory=dict)
    # (account, VPC, data center) -> why the VPC's route table sends nothing back to the
    # data center (routing/paths.route_gap), for a ping the instance cannot answer; for
    # ping -6 under (account, VPC, "<data center> ipv6") (lab/dualstack.gap_key6)
    route_gaps: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def namespace(self, name: str) -> Namespace:
        return next(n for n in self.namespaces if n.name == name)

    def session(self, vif_id: str, family: str = "ipv4") -> LabSession:
        return next(s for s in self.sessions if s.vif_id == vif_id and s.family == family)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
