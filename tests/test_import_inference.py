"""What `dxlab import` infers from an estate, without a server: the routers of the
customer side, the gateways the API says little of, the files the AWS CLI wrote, and
what a diff of two imports names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.estate_support import ACCOUNT, OTHER, PARTNER


def test_routers_are_inferred_one_per_customer_peer_address() -> None:
    from dxlab.toolkit.estate import empty
    from dxlab.toolkit.estate_topology import skeleton

    estate = empty("test", ["us-east-1"])

    def conn(cid: str, location: str) -> dict[str, Any]:
        return {
            "connectionId": cid,
            "ownerAccount": ACCOUNT,
            "connectionState": "available",
            "location": location,
            "awsDeviceV2": f"{location}-dev-{cid}",
            "bandwidth": "10Gbps",
        }

    def vif(vid: str, cid: str, customer: str) -> dict[str, Any]:
        return {
            "virtualInterfaceId": vid,
            "connectionId": cid,
            "virtualInterfaceState": "available",
            "asn": 65001,
            "bgpPeers": [{"customerAddress": customer, "amazonAddress": "x"}],
        }

    estate["connections"] = [
        conn("dxcon-a", "EqDC2"),
        conn("dxcon-b", "EqDC2"),
        conn("dxcon-c", "CSVA1"),
    ]
    # a and b end on one router (the same customer peer address on both); c on its own.
    estate["virtualInterfaces"] = [
        vif("dxvif-1", "dxcon-a", "192.0.2.1/30"),
        vif("dxvif-2", "dxcon-b", "192.0.2.1/30"),
        vif("dxvif-3", "dxcon-c", "192.0.2.5/30"),
    ]
    topo = yaml.safe_load(skeleton(estate, ACCOUNT))
    routers = {
        name: r["connections"]
        for site in topo["sites"].values()
        for name, r in site["routers"].items()
    }
    assert routers == {"dc-eqdc2-r1": ["dxcon-a", "dxcon-b"], "dc-csva1-r1": ["dxcon-c"]}
    assert topo["customer_asn"] == 65001


def test_gateways_the_api_says_little_of_are_inferred_from_associations_and_vifs() -> None:
    from dxlab.service.resiliency.estate_import import records
    from dxlab.toolkit.estate import empty

    estate = empty("test", ["eu-west-1"])
    estate["interconnects"] = [
        {"interconnectId": "dxcon-ic000001", "interconnectState": "available", "location": "x"}
    ]
    estate["virtualInterfaces"] = [
        {
            "virtualInterfaceId": "dxvif-v0000001",
            "connectionId": "dxcon-ic000001",
            "ownerAccount": ACCOUNT,
            "virtualGatewayId": "vgw-0123456789abcdef0",
            "amazonSideAsn": 64999,
        }
    ]
    estate["virtualGateways"] = [
        {"virtualGatewayId": "vgw-0123456789abcdef0", "virtualGatewayState": "available"}
    ]
    estate["regionOf"] = {"vgw-0123456789abcdef0": "eu-west-1"}
    estate["directConnectGatewayAssociations"] = [
        {
            "associationId": "a-1",
            "directConnectGatewayId": "gw-1",
            "directConnectGatewayOwnerAccount": ACCOUNT,
            "associationState": "associated",
            "associatedGateway": {
                "id": "tgw-0123456789abcdef0",
                "type": "transitGateway",
                "ownerAccount": OTHER,
                "region": "eu-west-2",
            },
            "allowedPrefixesToDirectConnectGateway": [
                {"cidr": "10.9.0.0/16"},
                {"cidr": "10.8.0.0/16"},
            ],
        }
    ]
    got = {r.id: r for r in records(estate, PARTNER)}
    assert (
        got["dxcon-ic000001"].account == PARTNER
    )  # an interconnect names no owner: the reader's own
    tgw = got["tgw-0123456789abcdef0"]
    assert (tgw.kind, tgw.account, tgw.meta["region"], tgw.meta["vpcCidrs"]) == (
        "transit_gateway",
        OTHER,
        "eu-west-2",
        ["10.9.0.0/16", "10.8.0.0/16"],
    )
    vgw = got["vgw-0123456789abcdef0"]
    assert (vgw.account, vgw.meta["amazonSideAsn"], vgw.meta["region"], vgw.meta["vpcCidrs"]) == (
        PARTNER,
        64999,
        "eu-west-1",
        [],
    )
    assert got["a-1"].parent == "gw-1" and got["a-1"].meta["gatewayOwner"] == OTHER
    assert (
        got["dxvif-v0000001"].meta["connectionOwner"] == PARTNER
        and got["dxvif-v0000001"].meta["hosted"] is True
    )


def test_files_keep_their_region_and_timestamps_become_epoch_seconds(tmp_path: Path) -> None:
    from dxlab.toolkit.estate import from_files

    (tmp_path / "describe-connections.eu-west-1.json").write_text(
        json.dumps(
            {
                "connections": [
                    {
                        "connectionId": "dxcon-aaaaaaaa",
                        "ownerAccount": ACCOUNT,
                        "loaIssueTime": "2026-12-01T10:00:00+00:00",
                    }
                ]
            }
        )
    )
    (tmp_path / "describe-hosted-connections.dxcon-ic000001.json").write_text(
        json.dumps({"connections": [{"connectionId": "dxcon-hhhhhhhh", "ownerAccount": OTHER}]})
    )
    estate = from_files(tmp_path)
    assert estate["regions"] == ["eu-west-1"]
    assert estate["connections"][0]["loaIssueTime"] == 1796119200.0
    assert estate["hostedOn"] == {"dxcon-hhhhhhhh": "dxcon-ic000001"}


def test_a_diff_names_each_kind_of_change() -> None:
    from dxlab.toolkit.estate_diff import diff

    def saved(state: str, connection: str, spofs: list[str], sla: str) -> dict[str, Any]:
        return {
            "estate": {
                "connections": [
                    {"connectionId": "dxcon-1", "connectionState": state, "location": "EqDC2"}
                ],
                "virtualInterfaces": [
                    {
                        "virtualInterfaceId": "dxvif-1",
                        "virtualInterfaceState": "available",
                        "connectionId": connection,
                        "location": "EqDC2",
                    }
                ],
            },
            "analysis": {
                "sla": sla,
                "sla_rule": "",
                "single_points_of_failure": [
                    {"kind": s.split(":")[0], "id": s.split(":")[1], "lost": ["dc1 <-> prod"]}
                    for s in spofs
                ],
            },
        }

    monday = saved("available", "dxcon-1", ["location:EqDC2"], "99.9%")
    tuesday = saved("down", "dxcon-2", ["device:EqDC2-a"], "none")
    got = {(c["kind"], c["id"], c["change"]): c["detail"] for c in diff(monday, tuesday)}
    assert got == {
        ("connection", "dxcon-1", "state"): "available -> down",
        ("virtual interface", "dxvif-1", "moved"): "connectionId dxcon-1 -> dxcon-2",
        (
            "single point of failure",
            "device:EqDC2-a",
            "new",
        ): "a failure of device:EqDC2-a loses dc1 <-> prod",
        (
            "single point of failure",
            "location:EqDC2",
            "resolved",
        ): "a failure of location:EqDC2 no longer loses anything",
        ("SLA", "estate", "changed"): "99.9% -> none",
    }
    assert diff(monday, monday) == []
