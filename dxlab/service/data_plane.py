"""The data-plane seam. A `DataPlane` answers what the network does: which BGP sessions
are up (and why not), the routes a VIF's sessions carry, ping and traceroute, and the
outage probe traffic measured during a failure. Two implementations: `SimPlane` (the
routing model, dxlab.routing) and the lab (`dxlab.lab.plane.LabPlane`: BIRD and FRR in
network namespaces). One is chosen at the composition root (dxlab/bootstrap.py) and
handed to every handler in its `Context`; nothing here is a global.

A plane is asked through the network snapshot (service/snapshot.py), so every reader of
"is this session up" gets the same answer in one request."""

from __future__ import annotations

from typing import Any, Protocol

from dxlab.domain.topology import Vpc
from dxlab.routing.bgp import Route, SessionState
from dxlab.routing.network import Network, Outages
from dxlab.routing.paths import SessionKey, all_states

# (direction, route) pairs of ListVirtualInterfaceRoutes; direction: accepted | advertised.
Routes = list[tuple[str, Route]]
# Per (data center, VPC): what probe traffic measured (outage_ms, packets, restoration).
Measured = dict[tuple[str, str], dict[str, Any]]


class DataPlane(Protocol):
    name: str  # "sim" | "lab"

    def sessions(self, net: Network, outages: Outages) -> dict[SessionKey, SessionState]:
        """Every session of `net` with whether it is up now (and why not)."""
        ...

    def routes(self, vif_id: str) -> Routes | None:
        """The routes the daemons hold for a VIF; None: the snapshot's sessions answer."""
        ...

    def verify(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        """Real ping and traceroute; None: the routing model answers."""
        ...

    def verify_public(
        self, account: str, site: str, region: str, count: int
    ) -> dict[str, Any] | None:
        """Real ping and traceroute to the AWS public service of `region` (over a public
        VIF); None: the routing model answers."""
        ...

    def verify_ipv6(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        """Real ping -6 and traceroute -6 to the VPC instance's IPv6 address; None: the
        routing model answers."""
        ...

    def verify_site(self, account: str, site: str, other: str, count: int) -> dict[str, Any] | None:
        """Real ping and traceroute from one data center to another (over SiteLink or the
        WAN); None: the routing model answers."""
        ...

    def measured(self, record_id: str) -> Measured | None:
        """What probe traffic saw during a failure or failover test; None: nothing measured."""
        ...

    def stop(self, teardown: bool = True) -> None:
        """The server is stopping: end what the plane runs (`teardown`: and remove it)."""
        ...


class SimPlane:
    """The routing model as the data plane: sessions are what routing.bgp.session_state
    says, the one definition of an up session (the lab is held to it by the parity tests)."""

    name = "sim"

    def sessions(self, net: Network, outages: Outages) -> dict[SessionKey, SessionState]:
        return all_states(net, outages.failed, outages.testing)

    def routes(self, vif_id: str) -> Routes | None:
        return None

    def verify(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        return None

    def verify_public(
        self, account: str, site: str, region: str, count: int
    ) -> dict[str, Any] | None:
        return None

    def verify_ipv6(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        return None

    def verify_site(self, account: str, site: str, other: str, count: int) -> dict[str, Any] | None:
        return None

    def measured(self, record_id: str) -> Measured | None:
        return None

    def stop(self, teardown: bool = True) -> None:
        pass  # the routing model runs nothing
