"""A VIF whose connection has no customer router behind it: nobody answers BGP, so both
peers and the VIF are `down`, as the real service's captures show. CI that tests its
automation, not routing, asks for VIFs that come up anyway: `dxlab serve
--vifs-up-without-router` (the test fixtures' and `dxlab.testing`'s default)."""

from __future__ import annotations

from typing import Any

from dxlab.cli.client import ext
from dxlab.testing import dxlab_server
from tests.vif_support import wait_state

TOPOLOGY = """
customer_asn: 65000
sites:
  dc1:
    routers:
      r1:
        connections: [{name}]
        advertise:
          - prefix: 10.1.0.0/16
vpcs: {{}}
"""


def _vif(dx: Any, endpoint: str, account: str, name: str) -> str:
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName=name)[
        "connectionId"
    ]
    vgw = ext(
        endpoint, "POST", "/virtual-gateways", {"vpcCidrs": ["10.0.0.0/16"]}, account=account
    )["virtualGatewayId"]
    made = dx.create_private_virtual_interface(
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": name,
            "vlan": 100,
            "asn": 65000,
            "virtualGatewayId": vgw,
        },
    )
    assert made["virtualInterfaceState"] == "pending"
    return str(made["virtualInterfaceId"])


def test_no_router_no_bgp_until_the_topology_patches_one(make_server: Any) -> None:
    server = make_server(vifs_up_without_router=False)
    account = "222233334444"
    dx = server.client(account)
    vif_id = _vif(dx, server.endpoint, account, "dc-1")
    down = wait_state(dx, vif_id, "down")
    assert [(p["bgpPeerState"], p["bgpStatus"]) for p in down["bgpPeers"]] == [
        ("available", "down")
    ]
    # A customer router on the connection answers: BGP comes up.
    ext(
        server.endpoint, "PUT", "/topology", {"yaml": TOPOLOGY.format(name="dc-1")}, account=account
    )
    up = wait_state(dx, vif_id, "available")
    assert [p["bgpStatus"] for p in up["bgpPeers"]] == ["up"]


def test_the_server_flag_brings_vifs_up_without_a_router(make_server: Any) -> None:
    server = make_server("--vifs-up-without-router", vifs_up_without_router=False)
    dx = server.client("222233334445")
    up = wait_state(dx, _vif(dx, server.endpoint, "222233334445", "dc-1"), "available")
    assert [p["bgpStatus"] for p in up["bgpPeers"]] == ["up"]


def test_dxlab_testing_has_the_setting() -> None:
    with dxlab_server(vifs_up_without_router=False, patch_env=False) as server:
        vif_id = _vif(server.client, server.endpoint_url, server.account, "dc-1")
        assert wait_state(server.client, vif_id, "down")["bgpPeers"][0]["bgpStatus"] == "down"
    with dxlab_server(patch_env=False) as server:  # the default: up without a router
        vif_id = _vif(server.client, server.endpoint_url, server.account, "dc-1")
        assert wait_state(server.client, vif_id, "available")["bgpPeers"][0]["bgpStatus"] == "up"
