"""Many clients at once: a VLAN goes to exactly one VIF, and auto-assigned peer address
blocks never overlap (both are store claims, so no race can hand one out twice)."""

from __future__ import annotations

import ipaddress
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from tests.vif_support import connection, dx_gateway, vifs

CLIENTS = 20


def create(server: Any, account: str, cid: str, gw: str, vlan: int, name: str) -> tuple[str, str]:
    dx = server.client(account)  # a client (and connection pool) of its own per thread
    spec = {"virtualInterfaceName": name, "vlan": vlan, "asn": 65000, "directConnectGatewayId": gw}
    try:
        made = dx.create_private_virtual_interface(
            connectionId=cid, newPrivateVirtualInterface=spec
        )
        return "ok", str(made["amazonAddress"])
    except ClientError as exc:
        err = exc.response
        assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == (
            "DirectConnectClientException",
            400,
        )
        return "refused", str(err["Error"]["Message"])


def test_twenty_clients_one_vlan_exactly_one_wins(server: Any, dx: Any, account: str) -> None:
    cid, gw = connection(dx), dx_gateway(dx)
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(
            pool.map(lambda i: create(server, account, cid, gw, 900, f"race-{i}"), range(CLIENTS))
        )
    wins = [r for r in results if r[0] == "ok"]
    losses = [r for r in results if r[0] == "refused"]
    assert len(wins) == 1, results
    assert len(losses) == CLIENTS - 1 and all("VLAN 900" in message for _, message in losses)
    listed = vifs(dx, connectionId=cid)
    assert [v["vlan"] for v in listed] == [900]


def test_twenty_clients_distinct_vlans_get_distinct_blocks(
    server: Any, dx: Any, account: str
) -> None:
    cid, gw = connection(dx), dx_gateway(dx)
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(
            pool.map(
                lambda i: create(server, account, cid, gw, 1000 + i, f"par-{i}"), range(CLIENTS)
            )
        )
    assert all(status == "ok" for status, _ in results), results
    nets = [ipaddress.ip_interface(address).network for _, address in results]
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    assert sorted(v["vlan"] for v in vifs(dx, connectionId=cid)) == list(
        range(1000, 1000 + CLIENTS)
    )
