"""`make demo`: the maximum resiliency walk-through of the guide (steps 2-5) against a
real dxlab server, as a user would run it with boto3 and the dxlab CLI.

Starts `dxlab serve` with a fresh store, then: the connection wizard (four connections,
two locations, four devices), the VPC, its VGW and the instance through the EC2 API, the
VGW behind a Direct Connect gateway and four private VIFs, the customer side, a BGP failover test on each VIF with its report, a whole
location failed and survived, verify (traceroute and ping), the analyzer's verdict and
the diagram; then stops the server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from rich.console import Console
from rich.table import Table

from dxlab.cli.client import api, ext
from dxlab.domain.states import BGPStatus, VirtualInterfaceState
from dxlab.server import free_port

# Wide enough for ID columns when the output is a pipe or a CI log, not a terminal.
console = Console(width=None if sys.stdout.isatty() else 160)

LOCATIONS = ("EqDC2", "CSVA1")
BANDWIDTH = "10Gbps"
VPC_CIDR = "10.100.0.0/16"
SUBNET_CIDR = "10.100.1.0/24"
VGW_ASN = 65010
OUT = Path(os.environ.get("DXLAB_DEMO_OUT", "out"))


def start_server(db: str, port: int, plane: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-P",
            "-m",
            "dxlab.cli.main",
            "serve",
            "--port",
            str(port),
            "--db",
            db,
            "--data-plane",
            plane,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the dxlab server did not start")


def main() -> None:
    port = 4599 if _port_free(4599) else free_port()
    endpoint = f"http://127.0.0.1:{port}"
    from dxlab.lab.host import tools_present

    missing = [name for name, ok in tools_present().items() if not ok]
    plane = "sim" if missing else "lab"
    with tempfile.TemporaryDirectory(prefix="dxlab-demo-") as tmp:
        os.environ["DXLAB_HOME"] = tmp  # the demo's store and lab state, removed at the end
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "123456789012")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "dxlab-demo")
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        proc = start_server(f"sqlite:///{Path(tmp) / 'dxlab.db'}", port, plane)
        try:
            if plane == "sim":
                console.print(
                    f"[yellow]data plane: sim — the lab needs {', '.join(missing)} (run as root after "
                    "`make system-packages`); the walk-through runs on the routing model[/yellow]"
                )
            run(endpoint, plane)
        finally:
            proc.terminate()  # a clean stop also removes the lab's namespaces and daemons
            proc.wait(30)
            if plane == "lab":
                subprocess.run(
                    [sys.executable, "-P", "-m", "dxlab.cli.main", "lab", "down"],
                    capture_output=True,
                    timeout=60,
                )
    console.print("server stopped.")


def run(endpoint: str, plane: str = "sim") -> None:
    dx = api(endpoint)
    what = (
        "lab: BIRD and FRR in network namespaces, real packets"
        if plane == "lab"
        else "sim: the routing model"
    )
    console.rule(f"dxlab on {endpoint} — data plane {what}")
    conns = step2_order(endpoint, dx)
    vgw = step3_vpc(endpoint)
    vifs = step3_vifs(endpoint, dx, conns, vgw)
    if plane == "lab":
        wait_sessions(dx, vifs)
    step4_failover(endpoint, dx, vifs, plane)
    step5_verify(endpoint)
    verdict(endpoint)


def wait_sessions(dx: Any, vifs: list[str], timeout: float = 60.0) -> None:
    """The lab follows the API: wait until each VIF's BGP session is up in BIRD and has
    learned the customer's prefixes from FRR."""
    started = time.monotonic()
    ready: set[str] = set()
    while time.monotonic() - started < timeout:
        described = dx.describe_virtual_interfaces()["virtualInterfaces"]
        up = {
            v["virtualInterfaceId"]
            for v in described
            if all(p["bgpStatus"] == BGPStatus.UP for p in v["bgpPeers"])
        }
        ready = {
            v
            for v in set(vifs) & up
            if any(
                r["routeDirection"] == "accepted"
                for r in dx.list_virtual_interface_routes(virtualInterfaceId=v)["routes"]
            )
        }
        if ready == set(vifs):
            console.print(
                f"lab: {len(vifs)} BGP sessions Established between BIRD (AWS devices) and FRR "
                f"(customer routers), MD5 and BFD, routes exchanged ({time.monotonic() - started:.1f} s)"
            )
            return
        time.sleep(0.5)
    raise SystemExit(
        f"the lab's BGP sessions were not ready within {timeout:.0f} s: ready {sorted(ready)}"
    )


def step2_order(endpoint: str, dx: Any) -> list[str]:
    console.rule(
        "Step 2: order connections with the Resiliency Toolkit wizard (maximum resiliency)"
    )
    plan = ext(
        endpoint,
        "POST",
        "/wizard/plan",
        {"model": "maximum", "bandwidth": BANDWIDTH, "locations": list(LOCATIONS)},
    )
    console.print(
        f"plan: {plan['connections']} x {plan['portBandwidth']} in {', '.join(LOCATIONS)}; "
        f"SLA {plan['sla']}; ${plan['portHourCostUsd']:.2f} per port-hour"
    )
    order = ext(
        endpoint,
        "POST",
        "/wizard/order",
        {"model": "maximum", "bandwidth": BANDWIDTH, "locations": list(LOCATIONS)},
    )
    table = Table("Connection", "Name", "Location", "Sub-location", "Device", "Port", "State")
    for conn in dx.describe_connections()["connections"]:
        where = ext(endpoint, "GET", f"/connections/{conn['connectionId']}/placement")
        table.add_row(
            conn["connectionId"],
            conn["connectionName"],
            conn["location"],
            str(where["subLocation"]),
            conn["awsDeviceV2"],
            str(where["port"]),
            conn["connectionState"],
        )
    console.print(table)
    devices = {c["awsDevice"] for c in dx.describe_connections()["connections"]}
    console.print(
        f"{len(order['connectionIds'])} connections on {len(devices)} distinct AWS devices; "
        f"resiliency group {order['resiliencyGroupId']}"
    )
    loa = dx.describe_loa(connectionId=order["connectionIds"][0])
    OUT.mkdir(exist_ok=True)
    (OUT / "loa.pdf").write_bytes(loa["loaContent"])
    console.print(
        f"LOA-CFA of {order['connectionIds'][0]} written to {OUT / 'loa.pdf'} ({len(loa['loaContent'])} bytes)"
    )
    try:
        dx.create_connection(location="EqDC2", bandwidth="7Gbps", connectionName="typo")
    except dx.exceptions.DirectConnectClientException as exc:
        console.print(
            f"a bad order is refused as AWS refuses it: [yellow]{exc.response['Error']['Message']}[/yellow]"
        )
    return list(order["connectionIds"])


def ec2_client(endpoint: str) -> Any:
    """boto3's ec2 client on the same endpoint, with the Direct Connect client's credentials."""
    from dxlab.cli.client import _credentials, default_region

    creds = _credentials()
    return boto3.client(
        "ec2",
        endpoint_url=endpoint,
        region_name=default_region(),
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
    )


def step3_vpc(endpoint: str) -> str:
    """The AWS side as the guide words it, through EC2: a VPC with a subnet, "the virtual
    private gateway for your VPC" with the Amazon-side ASN chosen at its creation, attached
    and propagating its routes into the VPC's route table; the instance step 5 pings, in a
    security group that permits inbound ICMP from the data centers."""
    console.rule("Step 3: the VPC, its virtual private gateway and the instance (EC2 API)")
    ec2 = ec2_client(endpoint)
    vpc = ec2.create_vpc(CidrBlock=VPC_CIDR)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=SUBNET_CIDR)["Subnet"]["SubnetId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=VGW_ASN)["VpnGateway"][
        "VpnGatewayId"
    ]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][
        0
    ]["RouteTableId"]
    ec2.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    sg = ec2.create_security_group(
        GroupName="ping", Description="ICMP from the data centers", VpcId=vpc
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": -1,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            }
        ],
    )
    instance = ec2.run_instances(
        ImageId="ami-0abcdef1234567890",
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
    )["Instances"][0]
    console.print(
        f"{vpc} ({VPC_CIDR}), {subnet}; {vgw} (ASN {VGW_ASN}) attached, route propagation on in {rtb}"
    )
    console.print(
        f"{instance['InstanceId']} in {sg} (inbound ICMP from 10.0.0.0/8): private IPv4 "
        f"{instance['PrivateIpAddress']}"
    )
    return str(vgw)


def step3_vifs(endpoint: str, dx: Any, conns: list[str], vgw: str) -> list[str]:
    console.rule(
        "Step 3: the VGW behind a Direct Connect gateway, and four private virtual interfaces"
    )
    dxgw = dx.create_direct_connect_gateway(directConnectGatewayName="demo", amazonSideAsn=64512)[
        "directConnectGateway"
    ]
    dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw["directConnectGatewayId"], gatewayId=vgw
    )
    vifs = []
    for i, cid in enumerate(conns):
        vif = dx.create_private_virtual_interface(
            connectionId=cid,
            newPrivateVirtualInterface={
                "virtualInterfaceName": f"vif-{i + 1}",
                "vlan": 101 + i,
                "asn": 65000,
                "directConnectGatewayId": dxgw["directConnectGatewayId"],
            },
        )
        vifs.append(vif["virtualInterfaceId"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        described = [
            v
            for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
            if v["virtualInterfaceId"] in vifs
        ]
        if all(v["virtualInterfaceState"] == VirtualInterfaceState.AVAILABLE for v in described):
            break
        time.sleep(0.2)
    table = Table("VIF", "Connection", "VLAN", "Amazon / customer address", "BGP", "State")
    for v in described:
        peer = v["bgpPeers"][0]
        table.add_row(
            v["virtualInterfaceId"],
            v["connectionId"],
            str(v["vlan"]),
            f"{v['amazonAddress']} / {v['customerAddress']}",
            peer["bgpStatus"],
            v["virtualInterfaceState"],
        )
    console.print(table)
    console.print(f"DX gateway {dxgw['directConnectGatewayId']} (ASN 64512) -> {vgw} ({VPC_CIDR})")
    console.print(
        "customer side: the wizard's topology (two data centers, a router per connection); "
        "the VPC and its instance come from EC2"
    )
    return vifs


def step4_failover(endpoint: str, dx: Any, vifs: list[str], plane: str = "sim") -> None:
    # On the lab, probe traffic (ICMP every 10 ms) runs while a test or failure lasts and 3 s
    # after: the demo lets traffic move, ends the test, and reads the measured outage.
    hold, settle = (2.0, 3.5) if plane == "lab" else (0.0, 0.0)
    console.rule("Step 4: routes, and a BGP failover test on each virtual interface")
    routes = dx.list_virtual_interface_routes(virtualInterfaceId=vifs[0])["routes"]
    for r in routes:
        console.print(
            f"  {vifs[0]} {r['routeDirection']:<10} {r['cidr']:<16} AS path {r['asPath'][0]['path']} {r['communities']}"
        )
    table = Table(
        "VIF", "Test", "State during", "Pairs kept", "Carried over", "Outage (ms)", "Status after"
    )
    for vif in vifs:
        test = dx.start_bgp_failover_test(virtualInterfaceId=vif, testDurationInMinutes=5)[
            "virtualInterfaceTest"
        ]
        during = dx.describe_virtual_interfaces(virtualInterfaceId=vif)["virtualInterfaces"][0]
        time.sleep(hold)
        stopped = dx.stop_bgp_failover_test(virtualInterfaceId=vif)["virtualInterfaceTest"]
        time.sleep(settle)
        report = ext(endpoint, "GET", f"/failover-tests/{test['testId']}/report")
        kept = sum(1 for p in report["pairs"] if p["during"])
        via = sorted({v for p in report["pairs"] for v in p["via"]})
        outages = [p["outage_ms"] for p in report["pairs"] if p.get("outage_ms") is not None]
        table.add_row(
            vif,
            test["testId"][:8],
            during["virtualInterfaceState"],
            f"{kept}/{len(report['pairs'])}",
            ", ".join(via),
            str(max(outages, default=0)),
            stopped["status"],
        )
    console.print(table)
    console.rule("Beyond AWS: a whole Direct Connect location fails (EqDC2)")
    failure = ext(endpoint, "POST", "/failures", {"kind": "location", "id": "EqDC2", "minutes": 10})
    states = {
        c["connectionId"]: c["connectionState"] for c in dx.describe_connections()["connections"]
    }
    console.print("connections: " + ", ".join(f"{cid} {state}" for cid, state in states.items()))
    time.sleep(hold + 1.0)  # on the lab, BFD needs 900 ms to see the far side go
    ext(endpoint, "DELETE", f"/failures/{failure['failureId']}")
    time.sleep(settle)
    report = ext(endpoint, "GET", f"/failures/{failure['failureId']}/report")
    for pair in report["pairs"]:
        mark = "[green]kept[/green]" if pair["during"] else "[red]LOST[/red]"
        outage = (
            f", outage {pair['outage_ms']} ms"
            if pair.get("outage_ms") is not None and plane == "lab"
            else ""
        )
        console.print(
            f"  {pair['site']} <-> {pair['vpc']}: {mark} via {', '.join(pair['via']) or '-'}{outage}"
        )
    console.print("location restored.")


def step5_verify(endpoint: str) -> None:
    console.rule("Step 5: verify — traceroute and ping from each data center to the instance")
    result = ext(endpoint, "GET", "/verify?count=5")
    for pair in result["pairs"]:
        console.print(
            f"[bold]{pair['site']} ({pair['source']}) -> {pair['vpc']} ({pair['destination']})[/bold]"
        )
        for n, hop in enumerate(pair["hops"], start=1):
            console.print(f"  {n}  {hop['address']:<15} {hop['resource']}")
        console.print(f"  ping: {pair['ping']['received']}/{pair['ping']['sent']} received")


def verdict(endpoint: str) -> None:
    from dxlab.toolkit.diagram import svg_to_png
    from dxlab.toolkit.report import rich_renderables

    console.rule("The analyzer's verdict: every failure domain, alone and in pairs")
    result = ext(endpoint, "GET", "/analyze")
    for item in rich_renderables(result, limit=8):
        console.print(item)
    svg = ext(endpoint, "GET", "/diagram.svg")
    OUT.mkdir(exist_ok=True)
    (OUT / "topology.svg").write_bytes(svg)
    try:
        (OUT / "topology.png").write_bytes(svg_to_png(svg))
        console.print(f"diagram written to {OUT / 'topology.svg'} and {OUT / 'topology.png'}")
    except Exception as exc:  # noqa: BLE001 - the PNG renderer is optional for the demo
        console.print(f"diagram written to {OUT / 'topology.svg'} (PNG skipped: {exc})")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


if __name__ == "__main__":
    main()
