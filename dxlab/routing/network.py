"""A snapshot of everything routing depends on, AWS side and customer side, as plain
frozen data. Built by the service layer from the store and the topology; the BGP model,
the analyzer and the lab all read this one shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from dxlab.domain.topology import Advertisement, Topology


@dataclass(frozen=True)
class Session:
    """One BGP session: a VIF's peer of one address family."""

    vif_id: str
    family: str  # ipv4 | ipv6
    peer_id: str
    amazon_address: str
    customer_address: str


@dataclass(frozen=True)
class Vif:
    id: str
    name: str
    type: str  # private | public | transit
    state: str
    vlan: int
    connection_id: str  # the connection or LAG it rides on
    device: str  # awsDeviceV2 / logical device
    location: str
    location_region: str
    gateway_id: str  # vgw-..., a Direct Connect gateway id, or "" (public)
    amazon_asn: int
    customer_asn: int
    sessions: tuple[Session, ...]
    mtu: int = 1500
    # WorkingWithVirtualInterfaces.md "SiteLink": traffic between Direct Connect locations
    # over the AWS network, between VIFs of one Direct Connect gateway that both enable it.
    sitelink: bool = False
    # A public VIF's routeFilterPrefixes: the customer prefixes AWS's review approved, the
    # only ones it accepts over the VIF (routing-and-bgp.md, "Public virtual interface
    # routing policies"; the VIF stays `verifying` until they are approved).
    route_filter_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A connection (or LAG) carrying VIFs: where it lands and whether it is up."""

    id: str
    name: str
    device: str
    location: str
    state: str
    # The cross-connect is complete and a customer router is on the other end (or the
    # owner has described no customer side yet): a BGP session can come up over it.
    patched: bool = True
    owner: str = ""  # the account that owns the port


@dataclass(frozen=True)
class Association:
    """A Direct Connect gateway associated with a VGW or TGW, and its allowed prefixes."""

    dx_gateway_id: str
    gateway_id: str
    allowed_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class AwsGateway:
    id: str  # vgw- or tgw-
    amazon_asn: int
    region: str
    cidrs: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # hashed by identity: a snapshot is a value in caches
class Network:
    region: str
    links: dict[str, Link]
    vifs: dict[str, Vif]
    gateways: dict[str, AwsGateway]
    associations: tuple[Association, ...]
    topology: Topology
    # Connection or LAG id -> customer router name (resolved from the topology).
    router_of_link: dict[str, str] = field(default_factory=dict)
    # VPC name -> the VGW/TGW it sits behind (resolved when the topology is loaded).
    vpc_gateways: dict[str, str] = field(default_factory=dict)
    # Direct Connect gateway id -> its name, for people (its id is a UUID).
    gateway_names: dict[str, str] = field(default_factory=dict)

    def label(self, target: str) -> str:
        """A gateway as a report names it: a Direct Connect gateway by its name."""
        name = self.gateway_names.get(target)
        return f"Direct Connect gateway {name}" if name else target

    def adverts(self, router: str) -> tuple[Advertisement, ...]:
        return self.topology.router(router).advertise

    def site_of(self, router: str) -> str:
        return self.topology.router(router).site


SessionKey = tuple[str, str]  # (VIF id, address family)


@dataclass(frozen=True)
class Outages:
    """What is down now: the failure domains of every active injected failure and the
    (VIF, family) sessions of every BGP failover test in progress (built by the service
    layer's resiliency/outages.py, the one place that says it)."""

    failed: tuple[Failure, ...] = ()
    testing: tuple[SessionKey, ...] = ()


@dataclass(frozen=True)
class Failure:
    """One failure domain: device, connection, location, router, site, session or vif."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
