"""DescribeRouterConfiguration (create-vif.md "Download the router configuration
file"): the router types AWS offers, and a configuration complete for the VIF. The FRR
and BIRD 2 configurations must load in the real daemons."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.vif_support import connection, dx_gateway, private_vif, refused, wait_state

FRR, BIRD = "FRRouting-FRRouting-FRR8", "CZNIC-BIRDInternetRoutingDaemon-BIRD2"
AWS_TYPES = [
    "CiscoSystemsInc-2900SeriesRouters-IOS124",
    "CiscoSystemsInc-3700SeriesRouters-IOS124",
    "CiscoSystemsInc-7200SeriesRouters-IOS124",
    "CiscoSystemsInc-Nexus7000SeriesSwitches-NXOS51",
    "CiscoSystemsInc-Nexus9KSeriesSwitches-NXOS93",
    "JuniperNetworksInc-MMXSeriesRouters-JunOS95",
    "JuniperNetworksInc-SRXSeriesRouters-JunOS95",
    "JuniperNetworksInc-TSeriesRouters-JunOS95",
    "PaloAltoNetworks-PA3000and5000series-PANOS803",
]


@pytest.fixture
def dual_stack(dx: Any) -> dict[str, Any]:
    made = private_vif(
        dx, connection(dx), dx_gateway(dx, asn=64620), vlan=321, authKey="secret-md5-key"
    )
    dx.create_bgp_peer(
        virtualInterfaceId=made["virtualInterfaceId"],
        newBGPPeer={"addressFamily": "ipv6", "asn": 65000},
    )
    return wait_state(dx, made["virtualInterfaceId"], "available")


@pytest.fixture
def public(dx: Any, server: Any, account: str) -> dict[str, Any]:
    spec = {
        "virtualInterfaceName": "pub",
        "vlan": 322,
        "asn": 65010,
        "amazonAddress": "45.64.0.1/30",
        "customerAddress": "45.64.0.2/30",
        "routeFilterPrefixes": [{"cidr": "45.64.8.0/22"}, {"cidr": "45.64.16.0/24"}],
    }
    made = dx.create_public_virtual_interface(
        connectionId=connection(dx), newPublicVirtualInterface=spec
    )
    ext(
        server.endpoint,
        "POST",
        f"/virtual-interfaces/{made['virtualInterfaceId']}/approve-prefixes",
        account=account,
    )
    return wait_state(dx, made["virtualInterfaceId"], "available")


def config(dx: Any, vif: dict[str, Any], router: str) -> str:
    out = dx.describe_router_configuration(
        virtualInterfaceId=vif["virtualInterfaceId"], routerTypeIdentifier=router
    )
    assert out["router"]["routerTypeIdentifier"] == router
    assert (out["virtualInterfaceId"], out["virtualInterfaceName"]) == (
        vif["virtualInterfaceId"],
        vif["virtualInterfaceName"],
    )
    return str(out["customerRouterConfig"])


def ips(vif: dict[str, Any]) -> list[str]:
    return [
        p[k].split("/")[0] for p in vif["bgpPeers"] for k in ("amazonAddress", "customerAddress")
    ]


@pytest.mark.parametrize("router", [*AWS_TYPES, FRR, BIRD])
def test_every_router_type_gets_a_complete_configuration(
    dx: Any, dual_stack: dict[str, Any], router: str
) -> None:
    text = config(dx, dual_stack, router)
    for fact in ["321", "65000", "64620", "secret-md5-key", *ips(dual_stack)]:
        assert fact in text, (router, fact)
    assert "300" in text and "bfd" in text.lower()  # BFD 300 ms x 3 (limits.md)


def test_router_types_are_listed(server: Any) -> None:
    listed = ext(server.endpoint, "GET", "/router-types")["routerTypes"]
    assert [r["routerTypeIdentifier"] for r in listed] == [*AWS_TYPES, FRR, BIRD]
    assert {r["vendor"] for r in listed} >= {
        "Cisco Systems, Inc.",
        "Juniper Networks, Inc.",
        "Palo Alto Networks",
    }


def test_unknown_router_type_and_gone_vif_are_refused(dx: Any, dual_stack: dict[str, Any]) -> None:
    vid = dual_stack["virtualInterfaceId"]
    refused(
        dx.describe_router_configuration,
        "Cisco-7",
        "CiscoSystemsInc-2900SeriesRouters-IOS124",
        virtualInterfaceId=vid,
        routerTypeIdentifier="Cisco-7",
    )
    refused(
        dx.describe_router_configuration,
        "The virtual interface dxvif-00000000 does not exist",
        virtualInterfaceId="dxvif-00000000",
    )
    dx.delete_virtual_interface(virtualInterfaceId=vid)
    refused(dx.describe_router_configuration, "deleted", virtualInterfaceId=vid)


def _require(tool: str) -> str:
    path = shutil.which(tool) or next(
        (p for p in (f"/usr/bin/{tool}", f"/usr/sbin/{tool}") if Path(p).exists()), None
    )
    assert path, f"{tool} is missing: `make system-packages` installs FRR and BIRD 2"
    return path


def load_frr(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "frr.conf"
    conf.write_text(text)
    return subprocess.run(
        [_require("vtysh"), "--dryrun", "-f", str(conf)], capture_output=True, text=True, timeout=60
    )


def load_bird(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "bird.conf"
    conf.write_text(text)
    return subprocess.run(
        [_require("bird"), "-p", "-c", str(conf)], capture_output=True, text=True, timeout=60
    )


def test_frr_and_bird_load_the_configurations(
    dx: Any, dual_stack: dict[str, Any], public: dict[str, Any], tmp_path: Path
) -> None:
    for vif in (dual_stack, public):
        frr = config(dx, vif, FRR)
        done = load_frr(frr, tmp_path)
        assert done.returncode == 0, frr + done.stdout + done.stderr
        bird = config(dx, vif, BIRD)
        done = load_bird(bird, tmp_path)
        assert done.returncode == 0, bird + done.stdout + done.stderr
    # The public VIF's prefixes are what the customer router advertises.
    assert "network 45.64.8.0/22" in config(dx, public, FRR)
    assert "45.64.8.0/22, 45.64.16.0/24" in config(dx, public, BIRD)


def test_the_daemons_do_refuse_a_broken_configuration(tmp_path: Path) -> None:
    """The check above can fail: a config the daemons do not understand is refused."""
    assert (
        load_frr("router bgp 65000\n neighbor 192.0.2.1 no-such-option\n", tmp_path).returncode != 0
    )
    assert load_bird("protocol bgp x { no such option; }\n", tmp_path).returncode != 0
