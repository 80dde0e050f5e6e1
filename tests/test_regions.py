"""Regions: one port serves them all, the request's SigV4 credential scope picks one (as a
per-Region endpoint would). Connections, LAGs, VIFs, locations and their ARNs belong to a
Region; Direct Connect gateways and resiliency groups are global and take VIFs and
gateways from every Region (direct-connect-gateways-intro.md, routing-and-bgp.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.domain import catalog
from tests.aws_errors import error_of
from tests.regions_support import (
    DATA_CENTER_PREFIX,
    EAST,
    LOCATIONS,
    VPC_CIDRS,
    WEST,
    analysis_back,
    two_regions,
    west_vif,
)

NEW_REGIONS = ("eu-central-1", "ap-northeast-1", "sa-east-1")


def test_catalog_covers_the_regions_users_design_across() -> None:
    for region in (
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "sa-east-1",
    ):
        assert len(catalog.locations_in(region)) >= 2, region
    # The AWS CLI's capture of describe-locations in sa-east-1.
    assert catalog.location("TIVIT").name == "Tivit - Site Transamerica (Sao Paulo)"  # type: ignore[union-attr]
    assert catalog.location("TNDB").name == "NAP do Brasil, Barueri, Sao Paulo"  # type: ignore[union-attr]


@pytest.mark.parametrize("region", NEW_REGIONS)
def test_describe_locations_answers_the_requests_region(
    server: Any, account: str, region: str
) -> None:
    got = server.client(account, region=region).describe_locations()["locations"]
    assert {loc["locationCode"] for loc in got} == {
        loc.code for loc in catalog.locations_in(region)
    }
    assert {loc["region"] for loc in got} == {region}


def test_a_connection_signed_for_sa_east_1_is_made_there(server: Any, account: str) -> None:
    sao, east = server.client(account, region="sa-east-1"), server.client(account)
    conn = sao.create_connection(location="TIVIT", bandwidth="1Gbps", connectionName="sp-1")
    assert conn["region"] == "sa-east-1" and conn["awsDevice"].startswith("TIVIT-")
    cid = conn["connectionId"]
    assert [c["connectionId"] for c in sao.describe_connections()["connections"]] == [cid]
    # Another Region's endpoint does not know it, and its locations are not ordered there.
    assert east.describe_connections()["connections"] == []
    assert error_of(east.describe_connections, connectionId=cid)[:2] == (
        "DirectConnectClientException",
        400,
    )
    code, status, message = error_of(
        east.create_connection, location="TIVIT", bandwidth="1Gbps", connectionName="x"
    )
    assert (code, status) == (
        "DirectConnectClientException",
        400,
    ) and "not a Direct Connect location in us-east-1" in message
    # Its ARN names its Region; tagging goes through that Region.
    arn = f"arn:aws:directconnect:sa-east-1:{account}:dxcon/{cid}"
    sao.tag_resource(resourceArn=arn, tags=[{"key": "site", "value": "sp"}])
    assert sao.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == [
        {"key": "site", "value": "sp"}
    ]
    assert error_of(east.describe_tags, resourceArns=[arn])[:2] == (
        "DirectConnectClientException",
        400,
    )


def test_lags_and_their_quota_are_per_region(server: Any, account: str) -> None:
    west, east = server.client(account, region="us-west-2"), server.client(account)
    for i in range(10):
        west.create_lag(
            location="EqSe2-EQ",
            numberOfConnections=1,
            connectionsBandwidth="1Gbps",
            lagName=f"w{i}",
        )
    code, _, message = error_of(
        west.create_lag,
        location="EqSe2-EQ",
        numberOfConnections=1,
        connectionsBandwidth="1Gbps",
        lagName="w10",
    )
    assert code == "DirectConnectClientException" and "us-west-2" in message
    # us-east-1 has its own ten.
    lag = east.create_lag(
        location="EqDC2", numberOfConnections=1, connectionsBandwidth="1Gbps", lagName="e0"
    )
    assert lag["region"] == "us-east-1"
    assert [g["lagId"] for g in east.describe_lags()["lags"]] == [lag["lagId"]]
    assert len(west.describe_lags()["lags"]) == 10


def test_a_dx_gateway_is_global_and_takes_vifs_and_vgws_of_every_region(
    server: Any, account: str
) -> None:
    east, west = server.client(account), server.client(account, region="us-west-2")
    gw = east.create_direct_connect_gateway(directConnectGatewayName="global", amazonSideAsn=64512)
    gid = gw["directConnectGateway"]["directConnectGatewayId"]
    assert [
        g["directConnectGatewayId"]
        for g in west.describe_direct_connect_gateways()["directConnectGateways"]
    ] == [gid]
    vifs = {}
    for dx, loc, vlan in ((east, "EqDC2", 101), (west, "EqSe2-EQ", 102)):
        conn = dx.create_connection(location=loc, bandwidth="1Gbps", connectionName=loc)
        vif = dx.create_private_virtual_interface(
            connectionId=conn["connectionId"],
            newPrivateVirtualInterface={
                "virtualInterfaceName": loc,
                "vlan": vlan,
                "asn": 65000,
                "directConnectGatewayId": gid,
            },
        )
        assert vif["region"] == dx.meta.region_name
        vifs[dx.meta.region_name] = vif["virtualInterfaceId"]
    attachments = east.describe_direct_connect_gateway_attachments(directConnectGatewayId=gid)
    regions = {
        a["virtualInterfaceId"]: a["virtualInterfaceRegion"]
        for a in attachments["directConnectGatewayAttachments"]
    }
    assert regions == {vifs["us-east-1"]: "us-east-1", vifs["us-west-2"]: "us-west-2"}
    # Each Region lists only its own VIFs.
    assert [
        v["virtualInterfaceId"] for v in west.describe_virtual_interfaces()["virtualInterfaces"]
    ] == [vifs["us-west-2"]]
    # A VGW of eu-west-1 (EC2's, regional) associates with the same gateway.
    vgw = ext(
        server.endpoint,
        "POST",
        "/virtual-gateways",
        {"vpcCidrs": ["10.50.0.0/16"]},
        account=account,
        region="eu-west-1",
    )
    eu = server.client(account, region="eu-west-1")
    made = eu.create_direct_connect_gateway_association(
        directConnectGatewayId=gid, gatewayId=vgw["virtualGatewayId"]
    )
    assert made["directConnectGatewayAssociation"]["associatedGateway"]["region"] == "eu-west-1"
    assert east.describe_direct_connect_gateway_associations(directConnectGatewayId=gid)[
        "directConnectGatewayAssociations"
    ]


def test_a_vif_is_found_by_id_in_its_own_region_only(server: Any, account: str) -> None:
    """A VIF belongs to its connection's Region: another Region's endpoint answers for its
    id as for a missing one (as DescribeConnections does for the connection, and as the
    Region's VIF list already did), and changes nothing."""
    east, west = server.client(account), server.client(account, region="us-west-2")
    conn_id, vif_id = west_vif(east, west)
    missing = f"The virtual interface {vif_id} does not exist."
    for call, kwargs in (
        (east.describe_virtual_interfaces, {}),
        (east.update_virtual_interface_attributes, {"mtu": 9001}),
        (east.delete_virtual_interface, {}),
        (east.start_bgp_failover_test, {}),
        (east.list_virtual_interface_test_history, {}),
    ):
        assert error_of(call, virtualInterfaceId=vif_id, **kwargs) == (
            "DirectConnectClientException",
            400,
            missing,
        ), call
    # Nor is its connection, nor its failover test in this Region's history.
    assert error_of(east.describe_virtual_interfaces, connectionId=conn_id) == (
        "DirectConnectClientException",
        400,
        f"Could not find Connection with ID {conn_id}",
    )
    west.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=5)
    assert east.list_virtual_interface_test_history()["virtualInterfaceTestHistory"] == []
    assert [
        t["virtualInterfaceId"]
        for t in west.list_virtual_interface_test_history()["virtualInterfaceTestHistory"]
    ] == [vif_id]
    shown = west.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"]
    assert [(v["region"], v["mtu"]) for v in shown] == [("us-west-2", 1500)]
    assert shown[0]["virtualInterfaceState"] not in ("deleting", "deleted")


TOPOLOGY = """
customer_asn: 65000
wan: true
sites:
  dc1:
    routers:
      r-east:
        connections: [east-1]
        advertise:
          - prefix: 10.1.0.0/16
      r-west:
        connections: [west-1]
        advertise:
          - prefix: 10.1.0.0/16
vpcs:
  vpc-east:
    cidr: 10.100.0.0/16
    instance: 10.100.1.10
    gateway: {east}
  vpc-west:
    cidr: 10.200.0.0/16
    instance: 10.200.1.10
    gateway: {west}
"""


def test_same_region_preference_across_two_regions(server: Any, account: str) -> None:
    """routing-and-bgp.md: AWS prefers the customer's prefix learned at a location in the
    VPC's own Region. One DX gateway, a connection in us-east-1 and one in us-west-2, the
    same prefix over both: each VPC's return traffic leaves through its own Region's VIF."""
    east, west = server.client(account), server.client(account, region="us-west-2")
    gid = east.create_direct_connect_gateway(directConnectGatewayName="two-regions")[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    vgws, vifs = {}, {}
    for dx, loc, cidr in ((east, "EqDC2", "10.100.0.0/16"), (west, "EqSe2-EQ", "10.200.0.0/16")):
        region = dx.meta.region_name
        vgws[region] = ext(
            server.endpoint,
            "POST",
            "/virtual-gateways",
            {"vpcCidrs": [cidr]},
            account=account,
            region=region,
        )["virtualGatewayId"]
        dx.create_direct_connect_gateway_association(
            directConnectGatewayId=gid, gatewayId=vgws[region]
        )
        name = "east-1" if region == "us-east-1" else "west-1"
        conn = dx.create_connection(location=loc, bandwidth="1Gbps", connectionName=name)
        vifs[region] = dx.create_private_virtual_interface(
            connectionId=conn["connectionId"],
            newPrivateVirtualInterface={
                "virtualInterfaceName": name,
                "vlan": 100,
                "asn": 65000,
                "directConnectGatewayId": gid,
            },
        )["virtualInterfaceId"]
    yaml = TOPOLOGY.format(east=vgws["us-east-1"], west=vgws["us-west-2"])
    ext(server.endpoint, "PUT", "/topology", {"yaml": yaml}, account=account)
    baseline = {
        b["vpc"]: b for b in ext(server.endpoint, "GET", "/analyze", account=account)["baseline"]
    }
    assert baseline["vpc-east"]["reachable"] and baseline["vpc-west"]["reachable"]
    # Both VIFs carry 10.1.0.0/16 to both VPCs; the way back is the VPC's own Region's.
    assert baseline["vpc-east"]["back"] == [vifs["us-east-1"]]
    assert baseline["vpc-west"]["back"] == [vifs["us-west-2"]]
    assert (
        set(baseline["vpc-east"]["forward"])
        == set(baseline["vpc-west"]["forward"])
        == set(vifs.values())
    )


def test_cli_tables_show_each_resources_region(server: Any, account: str) -> None:
    for region, loc in (("us-east-1", "EqDC2"), ("ap-northeast-1", "EqTY2")):
        dx = server.client(account, region=region)
        conn = dx.create_connection(location=loc, bandwidth="1Gbps", connectionName=f"in-{region}")
        dx.create_private_virtual_interface(
            connectionId=conn["connectionId"],
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"vif-{region}",
                "vlan": 10,
                "asn": 65000,
                "virtualGatewayId": ext(
                    server.endpoint,
                    "POST",
                    "/virtual-gateways",
                    {"vpcCidrs": ["10.9.0.0/16"]},
                    account=account,
                    region=region,
                )["virtualGatewayId"],
            },
        )
    env = {
        **os.environ,
        "COLUMNS": "250",
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "x",
    }
    for command, name in (("connections", "in-"), ("vifs", "vif-")):
        out = subprocess.run(
            [sys.executable, "-m", "dxlab.cli", command, "--endpoint", server.endpoint],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        rows = [line for line in out.splitlines() if name in line]
        assert len(rows) == 2, out
        assert any("us-east-1" in r for r in rows) and any("ap-northeast-1" in r for r in rows), out
    one = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli",
            "connections",
            "--region",
            "ap-northeast-1",
            "--endpoint",
            server.endpoint,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "in-ap-northeast-1" in one and "in-us-east-1" not in one


def test_the_wizard_plans_and_orders_in_the_requests_region(server: Any, account: str) -> None:
    """resiliency_toolkit.md's wizard, signed for us-west-2: it says the Region, offers that
    Region's locations and orders there; us-east-1's endpoint does not see the order."""
    west = server.client(account, region="us-west-2")
    offered = ext(server.endpoint, "GET", "/locations", account=account, region="us-west-2")
    assert {loc["locationCode"] for loc in offered["locations"]} == {
        loc.code for loc in catalog.locations_in("us-west-2")
    }
    body = {"model": "high", "bandwidth": "1Gbps", "locations": ["EqSe2-EQ", "CSDE1"]}
    plan = ext(server.endpoint, "POST", "/wizard/plan", body, account=account, region="us-west-2")
    assert plan["region"] == "us-west-2"
    placed = ext(
        server.endpoint, "POST", "/wizard/order", body, account=account, region="us-west-2"
    )
    assert placed["region"] == "us-west-2"
    made = west.describe_connections()["connections"]
    assert {c["connectionId"] for c in made} == set(placed["connectionIds"])
    assert {c["region"] for c in made} == {"us-west-2"}
    assert server.client(account).describe_connections()["connections"] == []


def test_the_wizard_refuses_a_location_of_another_region_and_orders_nothing(
    server: Any, account: str
) -> None:
    from dxlab.cli.client import ExtensionError

    body = {"model": "high", "bandwidth": "1Gbps", "locations": ["EqDC2", "EqSe2-EQ"]}
    for path in ("/wizard/plan", "/wizard/order"):
        with pytest.raises(ExtensionError) as refused:
            ext(server.endpoint, "POST", path, body, account=account, region="us-east-1")
        assert refused.value.status == 400
        assert refused.value.aws_code == "DirectConnectClientException"
        assert str(refused.value) == (
            "Location 'EqSe2-EQ' is not a Direct Connect location in us-east-1 (it is in"
            " us-west-2: order it there); see DescribeLocations for the codes"
        )
    for region in ("us-east-1", "us-west-2"):
        assert server.client(account, region=region).describe_connections()["connections"] == []
    assert server.client(account).list_resiliency_groups()["items"] == []


def test_dxlab_wizard_orders_in_the_region_it_is_given(server: Any, account: str) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    base = [sys.executable, "-m", "dxlab.cli", "wizard", "--endpoint", server.endpoint]
    args = ["--model", "dev-test", "--bandwidth", "1Gbps", "--location", "EqTY2", "--yes"]
    done = subprocess.run(
        [*base, *args, "--region", "ap-northeast-1", "--topology-out", os.devnull],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "model dev-test in ap-northeast-1" in done.stdout
    tokyo = server.client(account, region="ap-northeast-1").describe_connections()["connections"]
    assert len(tokyo) == 2 and {c["location"] for c in tokyo} == {"EqTY2"}
    # The same command for the default Region: EqTY2 is not one of its locations.
    refused = subprocess.run([*base, *args], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "not a Direct Connect location in us-east-1 (it is in ap-northeast-1" in (
        refused.stdout + refused.stderr
    )


def test_the_analysis_and_the_diagram_of_a_two_region_design(server: Any, account: str) -> None:
    """One DX gateway, a connection and VIF in us-east-1 and in ap-northeast-1 (made through
    boto3 signed for each Region): the analysis lists each Region's parts, the text report
    names them, and the diagram draws a box per Region with the gateway outside both."""
    east = server.client(account)
    gid = east.create_direct_connect_gateway(directConnectGatewayName="world")[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    made = {}
    for region, loc in (("us-east-1", "EqDC2"), ("ap-northeast-1", "EqTY2")):
        dx = server.client(account, region=region)
        conn = dx.create_connection(location=loc, bandwidth="1Gbps", connectionName=region)
        vif = dx.create_private_virtual_interface(
            connectionId=conn["connectionId"],
            newPrivateVirtualInterface={
                "virtualInterfaceName": region,
                "vlan": 100,
                "asn": 65000,
                "directConnectGatewayId": gid,
            },
        )
        made[region] = (loc, conn["connectionId"], vif["virtualInterfaceId"])
    result = ext(server.endpoint, "GET", "/analyze", account=account)
    regions = {r["region"]: r for r in result["regions"]}
    assert set(regions) == set(made)
    for region, (loc, cid, vid) in made.items():
        assert regions[region]["locations"] == [loc]
        assert regions[region]["connections"] == [cid]
        assert regions[region]["virtualInterfaces"] == [vid]
    svg = ext(server.endpoint, "GET", "/diagram.svg", account=account).decode()
    assert svg.count('class="region"><title>AWS Region ') == 2
    assert f"<title>Direct Connect gateway {gid} (global)</title>" in svg
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    text = subprocess.run(
        [sys.executable, "-m", "dxlab.cli", "analyze", "--markdown", "--endpoint", server.endpoint],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    tokyo = made["ap-northeast-1"]
    assert f"| ap-northeast-1 | EqTY2 | {tokyo[1]} | {tokyo[2]} |" in text


def test_every_location_of_a_region_fails_at_once_and_comes_back(server: Any, account: str) -> None:
    """`dxlab fail region us-west-2`: every Direct Connect location of the Region goes down
    (whichever Region the request is signed for); the other Region's connections stay up."""
    from dxlab.cli.client import ExtensionError

    east, west = server.client(account), server.client(account, region="us-west-2")
    east_conn = east.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="e")
    west_conns = [
        west.create_connection(location=loc, bandwidth="1Gbps", connectionName=loc)
        for loc in ("EqSe2-EQ", "CSDE1")
    ]
    for body, words in (
        ({"kind": "region", "id": "mars-east-1"}, "'mars-east-1' is not an AWS Region with"),
        ({"kind": "region", "id": "us-east-2"}, "'us-east-2' is not an AWS Region with"),
        ({"kind": "region"}, "id is required"),
    ):
        with pytest.raises(ExtensionError) as refused:
            ext(server.endpoint, "POST", "/failures", body, account=account)
        assert refused.value.status == 400 and words in str(refused.value), str(refused.value)
    assert ext(server.endpoint, "GET", "/failures", account=account)["failures"] == []
    failure = ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "region", "id": "us-west-2", "minutes": 5},
        account=account,
    )
    assert sorted(failure["connections"]) == sorted(c["connectionId"] for c in west_conns)
    states = {
        c["connectionId"]: c["connectionState"] for c in west.describe_connections()["connections"]
    }
    assert set(states.values()) == {"down"}
    [still] = east.describe_connections()["connections"]
    assert (still["connectionId"], still["connectionState"]) == (
        east_conn["connectionId"],
        "available",
    )
    analysis = ext(server.endpoint, "GET", "/analyze", account=account)
    assert analysis["active_failures"] == sorted(
        f"location:{loc.code}" for loc in catalog.locations_in("us-west-2")
    )
    ext(server.endpoint, "DELETE", f"/failures/{failure['failureId']}", account=account)
    assert {c["connectionState"] for c in west.describe_connections()["connections"]} == {
        "available"
    }


def test_the_wizard_orders_in_another_region_after_a_connection_was_deleted(
    server: Any, account: str
) -> None:
    """The wizard adds its customer side to the loaded topology: a connection deleted since
    (its router stays, unpatched) must not stop the next order, here in another Region."""
    east = {"model": "dev-test", "bandwidth": "1Gbps", "locations": ["EqDC2"]}
    first = ext(server.endpoint, "POST", "/wizard/order", east, account=account)
    gone, kept = first["connectionIds"]
    server.client(account).delete_connection(connectionId=gone)
    west = {"model": "dev-test", "bandwidth": "1Gbps", "locations": ["EqSe2-EQ"]}
    second = ext(
        server.endpoint, "POST", "/wizard/order", west, account=account, region="us-west-2"
    )
    assert second["region"] == "us-west-2"
    loaded = ext(server.endpoint, "GET", "/topology", account=account)["yaml"]
    assert gone not in loaded and kept in loaded
    assert all(c in loaded for c in second["connectionIds"])


def test_the_interactive_wizard_offers_the_regions_locations_only(
    server: Any, account: str
) -> None:
    """At a terminal, `dxlab wizard` asks for each location among the Region's own (the
    console's wizard lists them the same way): another Region's code is asked again."""
    import pty
    import select

    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    cmd = [sys.executable, "-m", "dxlab.cli", "wizard", "--endpoint", server.endpoint]
    cmd += ["--region", "ap-northeast-1", "--topology-out", os.devnull]
    main, sub = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=sub, stdout=sub, stderr=sub, env={**env, "COLUMNS": "200"})
    os.close(sub)
    seen = b""

    def until(text: bytes, timeout: float = 30) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in seen and time.monotonic() < deadline:
            if select.select([main], [], [], 0.2)[0]:
                try:
                    seen += os.read(main, 4096)
                except OSError:
                    break
        assert text in seen, seen.decode(errors="replace")

    try:
        for prompt, answer in (
            (b"Resiliency model", b"dev-test"),
            (b"Bandwidth", b"1Gbps"),
            (b"First location in ap-northeast-1", b"EqDC2"),  # us-east-1's: asked again
            (b"is not one of", b"EqTY2"),
            (b"Place this order?", b"y"),
        ):
            until(prompt)
            os.write(main, answer + b"\n")
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        os.close(main)
    assert b"EqTY2" in seen and b"EqDC2 " not in seen  # only Tokyo's locations were listed
    tokyo = server.client(account, region="ap-northeast-1").describe_connections()["connections"]
    assert {c["location"] for c in tokyo} == {"EqTY2"}


def test_two_regions_in_one_walk_through(server: Any, account: str) -> None:
    """Issue 10's walk-through across Regions, through boto3 alone: connections at a
    us-east-1 and a us-west-2 location behind one Direct Connect gateway, an EC2 VPC with
    its VGW and a running instance in each Region. Each Region's endpoint shows its own
    connection and VIF; both VIFs carry both VPCs' prefixes; verify reaches both instances;
    and routing-and-bgp.md's same-Region preference sends each VPC's traffic back over its
    own Region's location, over the other Region's while that location is down."""
    made = two_regions(server, account)
    for region, vif in made.vifs.items():
        dx = server.client(account, region=region)
        (shown,) = dx.describe_virtual_interfaces()["virtualInterfaces"]
        assert shown["virtualInterfaceId"] == vif and shown["region"] == region
        assert shown["location"] == LOCATIONS[region]
        assert {p["bgpStatus"] for p in shown["bgpPeers"]} == {"up"}
        routes = dx.list_virtual_interface_routes(virtualInterfaceId=vif)["routes"]
        # One gateway, two Regions' VPCs: each VIF advertises both and learns the data center.
        assert {r["cidr"] for r in routes if r["routeDirection"] == "advertised"} == {
            VPC_CIDRS[EAST][0],
            VPC_CIDRS[WEST][0],
        }, routes
        assert {r["cidr"] for r in routes if r["routeDirection"] == "accepted"} == {
            DATA_CENTER_PREFIX
        }
    associated = server.client(account).describe_direct_connect_gateway_associations(
        directConnectGatewayId=made.dx_gateway
    )["directConnectGatewayAssociations"]
    assert {a["associatedGateway"]["id"]: a["associatedGateway"]["region"] for a in associated} == {
        made.vgws[EAST]: EAST,
        made.vgws[WEST]: WEST,
    }
    # Step 5 from the data center to the instance of each Region's VPC.
    verified = ext(server.endpoint, "GET", "/verify", {"count": 1}, account=account)
    assert verified["reachable"] is True
    assert {(p["vpc"], p["destination"]) for p in verified["pairs"]} == {
        (made.vpcs[r], made.instances[r]) for r in (EAST, WEST)
    }
    # The way back: each VPC's own Region.
    assert analysis_back(server, account, made) == {EAST: [EAST], WEST: [WEST]}
    assert analysis_back(server, account, made, "now") == {EAST: [EAST], WEST: [WEST]}
    # The Region's location fails (that location, or every location of the Region).
    for region, other, kind, target in (
        (EAST, WEST, "location", LOCATIONS[EAST]),
        (WEST, EAST, "location", LOCATIONS[WEST]),
        (EAST, WEST, "region", EAST),
    ):
        failure = ext(
            server.endpoint,
            "POST",
            "/failures",
            {"kind": kind, "id": target, "minutes": 5},
            account=account,
            region=region,  # a location is its Region's (require_location)
        )["failureId"]
        try:
            assert analysis_back(server, account, made, "now") == {EAST: [other], WEST: [other]}
            assert ext(server.endpoint, "GET", "/verify", {"count": 1}, account=account)[
                "reachable"
            ]
        finally:
            ext(server.endpoint, "DELETE", f"/failures/{failure}", account=account, region=region)
        assert analysis_back(server, account, made, "now") == {EAST: [EAST], WEST: [WEST]}
    # A BGP failover test on a Region's VIF moves that Region's VPC to the other Region.
    east = server.client(account)
    east.start_bgp_failover_test(virtualInterfaceId=made.vifs[EAST], testDurationInMinutes=5)
    try:
        assert analysis_back(server, account, made, "now") == {EAST: [WEST], WEST: [WEST]}
    finally:
        east.stop_bgp_failover_test(virtualInterfaceId=made.vifs[EAST])
    assert analysis_back(server, account, made, "now") == {EAST: [EAST], WEST: [WEST]}
