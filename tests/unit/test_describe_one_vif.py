"""Describing one VIF (DescribeVirtualInterfaces with virtualInterfaceId) reads what that
VIF's state is judged by, not the whole account: the records it reads stay the same
whether the account holds 2 VIFs or 20. And it shows what the account's snapshot shows
(the one answer to "is this session up"), a failure and a failover test included."""

from __future__ import annotations

from typing import Any

from dxlab.service.snapshot import network_snapshot
from dxlab.service.virtual_interfaces.interfaces import describe_virtual_interfaces
from dxlab.service.virtual_interfaces.state import KIND, view
from dxlab.store.repository import Record, UnitOfWork
from tests.unit.service import Service, start

LOCATIONS = ("EqDC2", "CSVA1", "EqDA2", "165HS")  # us-east-1: 10 connections each (limits.md)


class CountingUnitOfWork:
    """The unit of work, counting the records every read hands back."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.read = 0

    def get(self, kind: str, id: str) -> Record | None:
        rec = self.uow.get(kind, id)
        self.read += rec is not None
        return rec

    def list(self, kind: str, **where: Any) -> list[Record]:
        found = self.uow.list(kind, **where)
        self.read += len(found)
        return found

    def docs(self, kind: str, **where: Any) -> list[dict[str, Any]]:
        found = self.uow.docs(kind, **where)
        self.read += len(found)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.uow, name)


def account_with(vifs: int) -> tuple[Service, str]:
    """An account with `vifs` private VIFs (one per connection, over a DX gateway
    associated with a VGW); returns the service and the first VIF."""
    dx = start()
    vgw = dx.virtual_gateway("10.100.0.0/16")
    gw = dx.dx_gateway()
    dx.call("CreateDirectConnectGatewayAssociation", directConnectGatewayId=gw, gatewayId=vgw)
    made = []
    for i in range(vifs):
        conn = dx.connection(f"dc{i}", location=LOCATIONS[i % len(LOCATIONS)])
        made.append(dx.private_vif(conn, gw, vlan=101 + i)["virtualInterfaceId"])
    return dx, made[0]


def records_read(
    dx: Service, vif_id: str, account: str | None = None
) -> tuple[int, dict[str, Any]]:
    ctx = dx.context(account)

    def describe(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        counting = CountingUnitOfWork(uow)
        shown = describe_virtual_interfaces(counting, ctx, {"virtualInterfaceId": vif_id})  # type: ignore[arg-type]
        return counting.read, dict(shown["virtualInterfaces"][0])

    return dx.bus.read(describe)


def whole_account_view(dx: Service, vif_id: str, account: str | None = None) -> dict[str, Any]:
    ctx = dx.context(account)

    def shown(uow: UnitOfWork) -> dict[str, Any]:
        rec = uow.get(KIND, vif_id)
        assert rec is not None
        return view(uow, ctx, rec, network_snapshot(uow, ctx))

    return dx.bus.read(shown)


def test_one_vif_is_described_without_reading_the_account() -> None:
    small, small_vif = account_with(2)
    large, large_vif = account_with(20)
    read_small, shown_small = records_read(small, small_vif)
    read_large, shown_large = records_read(large, large_vif)
    assert read_small == read_large, (read_small, read_large)
    assert read_large < 12, read_large  # the VIF, its port, gateways, association, topology
    assert (
        shown_small["virtualInterfaceState"] == shown_large["virtualInterfaceState"] == "available"
    )
    assert shown_large == whole_account_view(large, large_vif)


def test_one_vif_shows_what_the_account_snapshot_shows_through_outages() -> None:
    dx, vif = account_with(3)
    conn = dx.vif(vif)["connectionId"]
    dx.ext("POST", "/failures", kind="connection", id=conn, minutes=5)
    _, shown = records_read(dx, vif)
    assert shown["virtualInterfaceState"] == "down"
    assert [p["bgpStatus"] for p in shown["bgpPeers"]] == ["down"]
    assert shown == whole_account_view(dx, vif)


def test_one_vif_shows_what_the_account_snapshot_shows_during_a_failover_test() -> None:
    dx, vif = account_with(3)
    dx.call("StartBgpFailoverTest", virtualInterfaceId=vif, testDurationInMinutes=5)
    _, shown = records_read(dx, vif)
    assert shown["virtualInterfaceState"] == "testing"
    assert [p["bgpStatus"] for p in shown["bgpPeers"]] == ["down"]
    assert shown == whole_account_view(dx, vif)


def test_a_hosted_vif_shows_its_owners_account_snapshot_when_the_port_owner_fails_it() -> None:
    """A hosted VIF rides on another account's connection: a failure that account
    injects takes it down (outages.current_outages' foreign links) in the VIF alone's
    snapshot as in its owner's whole account's."""
    dx, _ = account_with(1)
    owner = "210987654321"
    conn = dx.connection("port", location="CSVA1")
    hosted = dx.call(
        "AllocatePrivateVirtualInterface",
        connectionId=conn,
        ownerAccount=owner,
        newPrivateVirtualInterfaceAllocation={
            "virtualInterfaceName": "hosted",
            "vlan": 300,
            "asn": 65001,
        },
    )["virtualInterfaceId"]
    gw = dx.dx_gateway(account=owner)
    dx.call(
        "ConfirmPrivateVirtualInterface",
        owner,
        virtualInterfaceId=hosted,
        directConnectGatewayId=gw,
    )
    _, before = records_read(dx, hosted, owner)
    assert before["virtualInterfaceState"] == "available"
    dx.ext("POST", "/failures", kind="connection", id=conn, minutes=5)
    _, shown = records_read(dx, hosted, owner)
    assert shown["virtualInterfaceState"] == "down"
    assert shown == whole_account_view(dx, hosted, owner)
