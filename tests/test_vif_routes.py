"""ListVirtualInterfaceRoutes and the customer topology, on the maximum resiliency model."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from dxlab.cli.client import ExtensionError, ext
from tests.scenario import maximum


def test_routes_accepted_and_advertised(server: Any, dx: Any, account: str) -> None:
    s = maximum(server, dx, account)
    routes = dx.list_virtual_interface_routes(virtualInterfaceId=s.vifs[0])["routes"]
    accepted = {
        (r["cidr"], tuple(r["communities"])) for r in routes if r["routeDirection"] == "accepted"
    }
    assert accepted == {("10.1.0.0/16", ()), ("10.2.0.0/16", ("7224:7100",))}
    advertised = [r for r in routes if r["routeDirection"] == "advertised"]
    assert [r["cidr"] for r in advertised] == ["10.100.0.0/16"]
    assert advertised[0]["asPath"] == [{"pathType": "seq", "path": [64512]}]
    only = dx.list_virtual_interface_routes(
        virtualInterfaceId=s.vifs[0],
        filters={"routeDirection": "accepted", "communities": ["7224:7100"]},
    )["routes"]
    assert [r["cidr"] for r in only] == ["10.2.0.0/16"]


def test_routes_of_unknown_or_foreign_vif_are_refused(server: Any, dx: Any, account: str) -> None:
    s = maximum(server, dx, account)
    with pytest.raises(ClientError) as info:
        server.client("111111111111").list_virtual_interface_routes(virtualInterfaceId=s.vifs[0])
    assert info.value.response["Error"]["Code"] == "DirectConnectClientException"
    assert s.vifs[0] in info.value.response["Error"]["Message"]


def test_topology_errors_point_at_the_line(server: Any, dx: Any, account: str) -> None:
    bad = "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        connections: [nope]\n"
    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, "PUT", "/topology", {"yaml": bad}, account=account)
    assert "nope" in info.value.message and "topology:6:" in info.value.message
    bad_prefix = "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        advertise:\n          - prefix: 10.1.0.0/33\n"
    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, "PUT", "/topology", {"yaml": bad_prefix}, account=account)
    assert "topology:7:" in info.value.message and "10.1.0.0/33" in info.value.message
    assert ext(server.endpoint, "GET", "/topology", account=account) == {"loaded": False}


def test_verify_traceroute_names_the_direct_connect_hop(server: Any, dx: Any, account: str) -> None:
    s = maximum(server, dx, account)
    result = ext(server.endpoint, "GET", "/verify?site=dc1&vpc=prod", account=account)
    assert result["reachable"] and result["ping"] == {"sent": 5, "received": 5}
    resources = [h["resource"] for h in result["hops"]]
    assert any(s.vifs[0] in r or s.vifs[1] in r for r in resources)
    assert result["hops"][-1]["address"] == "10.100.1.10"


def test_verify_fails_clearly_when_icmp_is_blocked(server: Any, dx: Any, account: str) -> None:
    maximum(server, dx, account, icmp=False)
    result = ext(server.endpoint, "GET", "/verify", account=account)
    assert not result["reachable"] and result["ping"]["received"] == 0
    assert "ICMP" in result["reason"]


def test_router_configuration_names_the_topology_prefixes(
    server: Any, dx: Any, account: str
) -> None:
    s = maximum(server, dx, account)
    config = dx.describe_router_configuration(
        virtualInterfaceId=s.vifs[0], routerTypeIdentifier="FRRouting-FRRouting-FRR8"
    )["customerRouterConfig"]
    assert "network 10.1.0.0/16" in config and "network 10.2.0.0/16" in config
    assert "<your prefix>" not in config
