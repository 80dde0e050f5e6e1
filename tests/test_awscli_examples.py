"""The AWS CLI's own Direct Connect examples, replayed: each example's command runs with
the AWS CLI against a dxlab server after the test has created what it names, and the
answer must have the captured output's keys and value forms (ids, enums, numbers vs
strings), and the captured states where the test recreates the captured situation.

The captures come from the real service (awscli's `examples/directconnect/*.rst`). The
server runs with `--provisioning manual` and without `--vifs-up-without-router`, as AWS
is before a cross-connect and a customer router: connections stay `requested`, VIFs and
BGP peers `down`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ext
from dxlab.domain import catalog
from tests.awscli_examples import Example, differences, examples
from tests.conftest import ServerProcess

AWS = Path(sys.executable).parent / "aws"
CAPTURED_ACCOUNT = "123456789012"
CAPTURED_OTHER_ACCOUNT = "111122223333"
# Fields whose captured value the answer must have too (the defects), where the
# test recreates the captured situation.
EXACT = (
    "lagState",
    "connectionState",
    "interconnectState",
    "bgpPeerState",
    "bgpStatus",
    "directConnectGatewayState",
    "jumboFrameCapable",
    "partnerName",
    "associationState",
    "virtualInterfaceState",
    "proposalState",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("examples") / "dxlab.db"
    srv = ServerProcess(
        f"sqlite:///{db}", args=("--provisioning", "manual"), vifs_up_without_router=False
    ).start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


_accounts = iter(range(300000000000, 399999999999, 7919))


@dataclass
class World:
    """What one example needs, made through the public API, and the captured ids it
    stands for (`subs`)."""

    server: ServerProcess
    region: str
    account: str = field(default_factory=lambda: str(next(_accounts)))
    other: str = field(default_factory=lambda: str(next(_accounts)))
    subs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.subs[CAPTURED_ACCOUNT] = self.account
        self.subs[CAPTURED_OTHER_ACCOUNT] = self.other

    def dx(self, account: str | None = None) -> Any:
        return self.server.client(account or self.account, region=self.region)

    def location(self) -> str:
        return {"us-east-1": "EqDC2", "sa-east-1": "TIVIT"}[self.region]

    def connection(self, captured: str, **kwargs: Any) -> str:
        cid = self.dx().create_connection(
            location=kwargs.pop("location", self.location()),
            bandwidth="1Gbps",
            connectionName=kwargs.pop("name", "example"),
            **kwargs,
        )["connectionId"]
        self.subs[captured] = cid
        return str(cid)

    def cross_connect(self, cid: str) -> None:
        ext(
            self.server.endpoint,
            "POST",
            f"/cross-connect/{cid}",
            account=self.account,
            region=self.region,
        )

    def lag(
        self,
        captured: str,
        count: int = 1,
        location: str | None = None,
        provider: str | None = None,
    ) -> str:
        kwargs = {"providerName": provider} if provider else {}
        lag = self.dx().create_lag(
            location=location or self.location(),
            numberOfConnections=count,
            connectionsBandwidth="1Gbps",
            lagName="example-lag",
            **kwargs,
        )
        self.subs[captured] = lag["lagId"]
        return str(lag["lagId"])

    def interconnect(self, captured: str) -> str:
        # The partner's name the hosted connections show ("TIVIT"): the provider the
        # interconnect is ordered for.
        made = self.dx().create_interconnect(
            interconnectName="ic", bandwidth="1Gbps", location=self.location(), providerName="TIVIT"
        )
        self.subs[captured] = made["interconnectId"]
        return str(made["interconnectId"])

    def hosted(self, captured: str, parent: str, owner: str | None = None) -> str:
        made = self.dx().allocate_hosted_connection(
            connectionId=parent,
            ownerAccount=owner or self.account,
            bandwidth="500Mbps",
            connectionName="hosted",
            vlan=101,
        )
        self.subs[captured] = made["connectionId"]
        return str(made["connectionId"])

    def gateway(self, kind: str, captured: str, account: str | None = None) -> str:
        path, key = (
            ("/virtual-gateways", "virtualGatewayId")
            if kind == "vgw"
            else ("/transit-gateways", "transitGatewayId")
        )
        body = {"vpcCidrs": ["10.20.0.0/16"], "amazonSideAsn": 65010}  # not the DX gateway's 64512
        made = ext(
            self.server.endpoint,
            "POST",
            path,
            body,
            account=account or self.account,
            region=self.region,
        )[key]
        self.subs[captured] = made
        return str(made)

    def dxgw(self, captured: str, account: str | None = None) -> str:
        gid = self.dx(account).create_direct_connect_gateway(directConnectGatewayName="gw")[
            "directConnectGateway"
        ]["directConnectGatewayId"]
        self.subs[captured] = gid
        return str(gid)

    def private_vif(self, captured: str, parent: str, **spec: Any) -> str:
        vgw = spec.pop("vgw", None) or self.gateway("vgw", "@vgw-for-" + captured)
        made = self.dx().create_private_virtual_interface(
            connectionId=parent,
            newPrivateVirtualInterface={
                "virtualInterfaceName": "vif",
                "vlan": spec.pop("vlan", 125),
                "asn": 65000,
                "virtualGatewayId": vgw,
                **spec,
            },
        )
        self.subs[captured] = made["virtualInterfaceId"]
        return str(made["virtualInterfaceId"])


# The partner examples are the TIVIT ones of sa-east-1 (the captures' partnerName).
IN_SAO_PAULO = {
    "allocate-connection-on-interconnect",
    "allocate-hosted-connection",
    "associate-hosted-connection",
    "confirm-connection",
    "delete-interconnect",
    "describe-connections-on-interconnect",
    "describe-hosted-connections",
    "describe-interconnect-loa",
    "describe-interconnect-loa-2",
    "describe-interconnects",
}


def _region(example: Example) -> str:
    if example.name in IN_SAO_PAULO:
        return "sa-east-1"
    for arg in example.argv:
        loc = catalog.location(arg)
        if loc is not None:
            return loc.region
    found = _find_key(example.output, "region")
    return found if isinstance(found, str) and found in ("us-east-1", "sa-east-1") else "us-east-1"


def _find_key(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find_key(item, key)
            if found is not None:
                return found
    return None


# -- what each example needs ----------------------------------------------------------

Setup = Callable[[World], None]


def _hosted_vif_parent(w: World) -> None:
    w.cross_connect(w.connection("dxcon-ffjrkx17"))


def _transit_on_lag(w: World) -> None:
    w.lag("dxlag-fEXAMPLE")


def _confirm_private(w: World) -> None:
    cid = w.connection("@parent", name="partner-port")
    w.dx().allocate_private_virtual_interface(
        connectionId=cid,
        ownerAccount=w.other,
        newPrivateVirtualInterfaceAllocation={
            "virtualInterfaceName": "hosted",
            "vlan": 300,
            "asn": 65000,
        },
    )
    vif = w.dx(w.other).describe_virtual_interfaces()["virtualInterfaces"][0]["virtualInterfaceId"]
    w.subs["dxvif-fgy8orxu"] = vif
    w.account, w.other = w.other, w.account  # the owner confirms
    w.gateway("vgw", "vgw-e4a47df9")


def _confirm_public(w: World) -> None:
    cid = w.connection("@parent", name="partner-port")
    w.dx().allocate_public_virtual_interface(
        connectionId=cid,
        ownerAccount=w.other,
        newPublicVirtualInterfaceAllocation={
            "virtualInterfaceName": "hosted",
            "vlan": 301,
            "asn": 65000,
            "amazonAddress": "203.0.113.1/30",
            "customerAddress": "203.0.113.2/30",
            "routeFilterPrefixes": [{"cidr": "203.0.113.0/30"}],
        },
    )
    w.subs["dxvif-fg9xo9vp"] = w.dx(w.other).describe_virtual_interfaces()["virtualInterfaces"][0][
        "virtualInterfaceId"
    ]
    w.account, w.other = w.other, w.account


def _confirm_transit(w: World) -> None:
    cid = w.connection("@parent", name="partner-port")
    w.dx().allocate_transit_virtual_interface(
        connectionId=cid,
        ownerAccount=w.other,
        newTransitVirtualInterfaceAllocation={
            "virtualInterfaceName": "hosted",
            "vlan": 302,
            "asn": 65000,
        },
    )
    w.subs["dxvif-fEXAMPLE"] = w.dx(w.other).describe_virtual_interfaces()["virtualInterfaces"][0][
        "virtualInterfaceId"
    ]
    w.account, w.other = w.other, w.account
    w.dxgw("4112ccf9-25e9-4111-8237-b6c5dEXAMPLE")


def _bgp_vif(w: World) -> None:
    w.private_vif("dxvif-fg1vuj3d", w.connection("dxcon-fguhmqlc"), vlan=125)


def _delete_bgp_peer(w: World) -> None:
    _bgp_vif(w)
    peer = w.dx().create_bgp_peer(
        virtualInterfaceId=w.subs["dxvif-fg1vuj3d"],
        newBGPPeer={"asn": 64600, "addressFamily": "ipv6"},
    )
    v6 = next(p for p in peer["virtualInterface"]["bgpPeers"] if p["addressFamily"] == "ipv6")
    w.subs["2001:db8:1100:2f0:0:1:9cb4:4216/125"] = v6["customerAddress"]


def _proposal(w: World) -> None:
    # The gateway is the other account's; the caller owns the TGW and proposes.
    w.dxgw("11460968-4ac1-4fd3-bdb2-00599EXAMPLE", account=w.other)
    w.gateway("tgw", "tgw-02f776b1a7EXAMPLE")


def _accept(w: World) -> None:
    _proposal(w)
    proposal = w.dx().create_direct_connect_gateway_association_proposal(
        directConnectGatewayId=w.subs["11460968-4ac1-4fd3-bdb2-00599EXAMPLE"],
        directConnectGatewayOwnerAccount=w.other,
        gatewayId=w.subs["tgw-02f776b1a7EXAMPLE"],
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "192.168.1.0/30"}],
    )["directConnectGatewayAssociationProposal"]
    w.subs["cb7f41cb-8128-43a5-93b1-dcaedEXAMPLE"] = proposal["proposalId"]
    w.subs[CAPTURED_OTHER_ACCOUNT] = w.account  # the proposing account (the TGW's owner)
    w.account, w.other = w.other, w.account  # the gateway's owner accepts


def _proposals(w: World) -> None:
    """An accepted proposal, then a new one for the associated gateway with other prefixes
    (the capture's first item: existing and requested prefixes differ)."""
    _accept(w)
    gid, tgw = w.subs["11460968-4ac1-4fd3-bdb2-00599EXAMPLE"], w.subs["tgw-02f776b1a7EXAMPLE"]
    w.dx().accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gid,
        proposalId=w.subs["cb7f41cb-8128-43a5-93b1-dcaedEXAMPLE"],
        associatedGatewayOwnerAccount=w.other,
    )
    w.dx(w.other).create_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gid,
        directConnectGatewayOwnerAccount=w.account,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "192.168.2.0/30"}],
    )


def _transit_vif(w: World) -> None:
    made = w.dx().create_transit_virtual_interface(
        connectionId=w.connection("@c"),
        newTransitVirtualInterface={
            "virtualInterfaceName": "transit",
            "vlan": 126,
            "asn": 65110,
            "directConnectGatewayId": w.dxgw("@g"),
        },
    )
    w.subs["dxvif-fEXAMPLE"] = made["virtualInterface"]["virtualInterfaceId"]


def _association(w: World) -> str:
    gid = w.dxgw("5f294f92-bafb-4011-916d-9b0bexample")
    vgw = w.gateway("vgw", "vgw-6efe725e")
    made = w.dx().create_direct_connect_gateway_association(
        directConnectGatewayId=gid, gatewayId=vgw
    )
    return str(made["directConnectGatewayAssociation"]["associationId"])


def _update_association(w: World) -> None:
    gid = w.dxgw("11460968-4ac1-4fd3-bdb2-00599EXAMPLE")
    tgw = w.gateway("tgw", "tgw-02f776b1a7EXAMPLE")
    made = w.dx().create_direct_connect_gateway_association(
        directConnectGatewayId=gid,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "192.168.1.0/30"}],
    )
    w.subs["820a6e4f-5374-4004-8317-3f64bEXAMPLE"] = made["directConnectGatewayAssociation"][
        "associationId"
    ]


def _attachments(w: World) -> None:
    gid = w.dxgw("5f294f92-bafb-4011-916d-9b0bexample")
    w.dx().create_private_virtual_interface(
        connectionId=w.connection("@c"),
        newPrivateVirtualInterface={
            "virtualInterfaceName": "vif",
            "vlan": 10,
            "asn": 65000,
            "directConnectGatewayId": gid,
        },
    )


def _tagged(w: World) -> None:
    cid = w.connection("dxcon-abcabc12")
    arn = f"arn:aws:directconnect:us-east-1:{w.account}:dxcon/{cid}"
    w.dx().tag_resource(resourceArn=arn, tags=[{"key": "Name", "value": "VAConnection"}])


def _lag_with_member(w: World) -> None:
    # A connection on the LAG's device: one that left it (placement of a standalone
    # connection is not what this example is about).
    _disassociate(w)
    w.dx().disassociate_connection_from_lag(
        lagId=w.subs["dxlag-fhccu14t"], connectionId=w.subs["dxcon-fg9607vm"]
    )


def _hosted_on_lag(w: World) -> None:
    # A partner's LAG of interconnects, and a hosted connection on its interconnect.
    ic = w.interconnect("@interconnect")
    w.dx().create_lag(
        location=w.location(),
        numberOfConnections=1,
        connectionsBandwidth="1Gbps",
        lagName="partner-lag",
        connectionId=ic,
    )
    lag = w.dx().describe_lags()["lags"][0]["lagId"]
    w.subs["dxlag-fhccu14t"] = lag
    other = w.dx().create_interconnect(
        interconnectName="ic2",
        bandwidth="1Gbps",
        location=w.location(),
        providerName="TIVIT",
        lagId=lag,
    )["interconnectId"]
    del other
    w.hosted("dxcon-fg9607vm", ic, owner=w.other)


def _disassociate(w: World) -> None:
    lag = w.lag("dxlag-fhccu14t", count=2)
    members = w.dx().describe_lags(lagId=lag)["lags"][0]["connections"]
    w.subs["dxcon-fg9607vm"] = members[0]["connectionId"]


def _move_vif(w: World) -> None:
    lag = w.lag("dxlag-ffjhj9lx", count=1, location="CSVA1")
    device = w.dx().describe_lags(lagId=lag)["lags"][0]["awsDevice"]
    del device
    conn = w.connection("dxcon-ffnikghc", location="CSVA1", lagId=lag)
    w.dx().disassociate_connection_from_lag(connectionId=conn, lagId=lag)
    w.private_vif("dxvif-fgputw0j", conn, vlan=123)


def _private_and_public_vif(w: World) -> None:
    """The capture's two VIFs on one connection: a private one and a public one in the
    documentation range (203.0.113.0/24), which the real service takes into `verifying`."""
    cid = w.connection("dxcon-ffjrkx17")
    w.private_vif("dxvif-ffhhk74f", cid, vlan=101)
    made = w.dx().create_public_virtual_interface(
        connectionId=cid,
        newPublicVirtualInterface={
            "virtualInterfaceName": "PublicVirtualInterface",
            "vlan": 2000,
            "asn": 65000,
            "amazonAddress": "203.0.113.1/30",
            "customerAddress": "203.0.113.2/30",
            "routeFilterPrefixes": [{"cidr": "203.0.113.4/30"}, {"cidr": "203.0.113.0/30"}],
        },
    )
    w.subs["dxvif-fgh0hcrk"] = made["virtualInterfaceId"]


SETUPS: dict[str, Setup] = {
    "accept-direct-connect-gateway-association-proposal": _accept,
    "allocate-connection-on-interconnect": lambda w: w.interconnect("dxcon-fgktov66") and None,
    "allocate-hosted-connection": lambda w: w.interconnect("dxcon-fgktov66") and None,
    "allocate-private-virtual-interface": _hosted_vif_parent,
    "allocate-public-virtual-interface": _hosted_vif_parent,
    "allocate-transit-virtual-interface": _transit_on_lag,
    "associate-connection-with-lag": _lag_with_member,
    "associate-hosted-connection": _hosted_on_lag,
    "associate-virtual-interface": _move_vif,
    "confirm-connection": lambda w: w.subs.update(
        {
            "dxcon-fg2wi7hy": World(w.server, w.region, account=w.other).hosted(
                "@x",
                World(w.server, w.region, account=w.other).interconnect("@ic"),
                owner=w.account,
            )
        }
    ),
    "confirm-private-virtual-interface": _confirm_private,
    "confirm-public-virtual-interface": _confirm_public,
    "confirm-transit-virtual-interface": _confirm_transit,
    "create-bgp-peer": _bgp_vif,
    "create-connection": lambda w: None,
    "create-direct-connect-gateway-association-proposal": _proposal,
    "create-direct-connect-gateway-association": lambda w: (
        (w.dxgw("5f294f92-bafb-4011-916d-9b0bexample"), w.gateway("vgw", "vgw-6efe725e")) and None
    ),
    "create-direct-connect-gateway": lambda w: None,
    "create-interconnect": lambda w: None,
    "create-lag": lambda w: None,
    "create-lag-2": lambda w: w.connection("dxcon-fgk145dr") and None,
    "create-private-virtual-interface": lambda w: (
        (w.connection("dxcon-ffjrkx17"), w.gateway("vgw", "vgw-aba37db6")) and None
    ),
    "create-public-virtual-interface": lambda w: w.connection("dxcon-ffjrkx17") and None,
    "create-transit-virtual-interface": lambda w: (
        (w.lag("dxlag-fEXAMPLE"), w.dxgw("8384da05-13ce-4a91-aada-5a1baEXAMPLE")) and None
    ),
    "delete-bgp-peer": _delete_bgp_peer,
    "delete-connection": lambda w: w.connection("dxcon-fg31dyv6") and None,
    "delete-direct-connect-gateway-association": lambda w: w.subs.update(
        {"be85116d-46eb-4b43-a27a-da0c2ad648de": _association(w)}
    ),
    "delete-direct-connect-gateway": lambda w: (
        w.dxgw("5f294f92-bafb-4011-916d-9b0bexample") and None
    ),
    "delete-interconnect": lambda w: w.interconnect("dxcon-fgktov66") and None,
    "delete-lag": lambda w: w.lag("dxlag-ffrhowd9") and None,
    "delete-virtual-interface": lambda w: (
        w.private_vif("dxvif-ffhhk74f", w.connection("@c")) and None
    ),
    "describe-connection-loa": lambda w: w.connection("dxcon-fh6ayh1d") and None,
    "describe-connection-loa-2": lambda w: w.connection("dxcon-fh6ayh1d") and None,
    "describe-connections-on-interconnect": lambda w: (
        w.hosted("@h", w.interconnect("dxcon-fgktov66")) and None
    ),
    "describe-connections": lambda w: w.lag("@l") and None,  # the capture's connection is a LAG's
    "describe-direct-connect-gateway-association-proposals": _proposals,
    "describe-direct-connect-gateway-associations": lambda w: _association(w) and None,
    "describe-direct-connect-gateway-attachments": _attachments,
    "describe-direct-connect-gateways": lambda w: (w.dxgw("@a"), w.dxgw("@b")) and None,
    "describe-hosted-connections": lambda w: (
        w.hosted("@h", w.interconnect("dxcon-fgktov66")) and None
    ),
    "describe-interconnect-loa": lambda w: w.interconnect("dxcon-fh6ayh1d") and None,
    "describe-interconnect-loa-2": lambda w: w.interconnect("dxcon-fh6ayh1d") and None,
    "describe-interconnects": lambda w: w.interconnect("@i") and None,
    "describe-lags": lambda w: w.lag("@l", count=2) and None,
    "describe-loa": lambda w: w.connection("dxcon-fh6ayh1d") and None,
    "describe-loa-2": lambda w: w.connection("dxcon-fh6ayh1d") and None,
    "describe-locations": lambda w: None,
    "describe-tags": _tagged,
    "describe-virtual-gateways": lambda w: w.gateway("vgw", "@v") and None,
    "describe-virtual-interfaces": _private_and_public_vif,
    "disassociate-connection-from-lag": _disassociate,
    "tag-resource": lambda w: w.connection("dxcon-abcabc12") and None,
    "untag-resource": _tagged,
    "update-direct-connect-gateway-association": _update_association,
    "update-lag": lambda w: w.lag("dxlag-ffjhj9lx", count=2) and None,
    "update-virtual-interface-attributes": _transit_vif,
}


def aws(w: World, argv: list[str]) -> tuple[int, str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") or k == "AWS_EC2_METADATA_DISABLED"
    }
    env.update(
        AWS_ACCESS_KEY_ID=w.account,
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_DEFAULT_REGION=w.region,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    cmd = [str(AWS), "directconnect", *argv, "--endpoint-url", w.server.endpoint]
    if "--output" not in argv:
        cmd += ["--output", "json"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def _exact(captured: Any, got: Any, path: str = "$") -> list[str]:
    """The EXACT fields of the capture, where the answer has them, must be equal."""
    out: list[str] = []
    if isinstance(captured, dict) and isinstance(got, dict):
        for key, value in captured.items():
            if (
                key in EXACT
                and key in got
                and not isinstance(value, (dict, list))
                and got[key] != value
            ):
                out.append(f"{path}.{key}: captured {value!r}, got {got[key]!r}")
            elif key in got:
                out += _exact(value, got[key], f"{path}.{key}")
    elif isinstance(captured, list) and isinstance(got, list):
        for i, (c, g) in enumerate(zip(captured, got, strict=False)):
            out += _exact(c, g, f"{path}[{i}]")
    return out


# Where the capture's situation differs from the one the test can recreate, for the
# EXACT comparison only (keys and forms are always compared).
NOT_EXACT: dict[str, str] = {
    "describe-connections": "the captured connection is `down` after a cross-connect; ours is `requested`",
    "create-lag-2": "the captured existing connection is `down` (it had been cross-connected); ours is `requested`",
    "create-bgp-peer": "the captured VIF is `available` with both peers' BGP `down`; ours, with no customer router, is `down`",
    "delete-bgp-peer": "the captured VIF is `available` with both peers' BGP `down`; ours, with no customer router, is `down`",
    "describe-direct-connect-gateway-association-proposals": "two proposals, listed in another order than captured",
    "describe-direct-connect-gateway-associations": "captured while `associating`; ours is already `associated`",
    "describe-interconnects": "the captured interconnect is `down` (it had been cross-connected); ours is `requested`",
}


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_example(server: ServerProcess, example: Example) -> None:
    w = World(server, _region(example))
    SETUPS[example.name](w)
    argv = [_substitute(arg, w.subs) for arg in example.argv]
    if example.operation == "describe-loa":
        # The example's query names DescribeConnectionLoa's shape (`loa.loaContent`);
        # DescribeLoa answers the Loa itself, so on AWS too it would print None.
        argv[argv.index("loa.loaContent")] = "loaContent"
    code, out, err = aws(w, argv)
    assert code == 0, f"{' '.join(argv)}: {err}"
    if example.output is None:
        if "--query" in argv:  # the LOA's content, base64 of a PDF
            import base64

            assert base64.b64decode(out.strip()).startswith(b"%PDF-")
        else:
            assert out.strip() == "", out
        return
    got = json.loads(out)
    assert differences(example.output, got) == []
    if example.name not in NOT_EXACT:
        assert _exact(example.output, got) == []
    if example.name in CHECKS:
        CHECKS[example.name](w, got)


def _peer_states(got: dict[str, Any]) -> list[str]:
    return [p["bgpPeerState"] for p in got.get("virtualInterface", got)["bgpPeers"]]


# The defects, checked where the captures show them.
CHECKS: dict[str, Callable[[World, Any], None]] = {
    # An allocated VIF reports Amazon's ASN 7224 before its owner picks a gateway.
    "allocate-transit-virtual-interface": lambda w, got: _is(
        got["virtualInterface"]["amazonSideAsn"], 7224
    ),
    "allocate-private-virtual-interface": lambda w, got: _is(got["amazonSideAsn"], 7224),
    # The IPv6 peer's elements are prefixed ipv6_ in the router configuration XML.
    "create-bgp-peer": lambda w, got: _has_all(
        got["virtualInterface"]["customerRouterConfig"],
        (
            "<ipv6_customer_address>",
            "<ipv6_amazon_address>",
            "<ipv6_bgp_asn>64600</ipv6_bgp_asn>",
            "<ipv6_bgp_auth_key>",
            "<customer_address>",
            "<bgp_asn>65000</bgp_asn>",
        ),
    ),
    # Moving a VIF: the old peer `deleting`, its successor `pending`.
    "associate-virtual-interface": lambda w, got: _is(_peer_states(got), ["deleting", "pending"]),
    # A hosted connection on a LAG names it.
    "associate-hosted-connection": lambda w, got: _is(got["lagId"], w.subs["dxlag-fhccu14t"]),
    # Device names: AWS's longer suffixes.
    "create-lag": lambda w, got: _is(len(got["awsDevice"].rsplit("-", 1)[1]) >= 12, True),
}


def _is(got: Any, want: Any) -> None:
    assert got == want, (got, want)


def _has_all(text: str, parts: tuple[str, ...]) -> None:
    missing = [p for p in parts if p not in text]
    assert not missing, (missing, text)


def _substitute(arg: str, subs: dict[str, str]) -> str:
    # "@..." names what a setup made that the command does not name.
    for captured, real in sorted(subs.items(), key=lambda kv: -len(kv[0])):
        if captured.startswith("@"):
            continue
        arg = arg.replace(captured, real)
    return arg


def test_every_example_has_a_setup() -> None:
    assert {e.name for e in examples()} == set(SETUPS)
