"""Every read (an operation registered without write=True, every GET route) runs in a read
transaction: on the in-memory store a write there raises, so a read that changed the store
would fail here, whatever the request. Run on the maximum model with a failover test in
progress, so the readers have something to read."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dxlab.domain.errors import DxlabError
from dxlab.service.operations import HANDLERS, OPERATIONS
from tests.scenario import TOPOLOGY
from tests.unit.service import Service, start

READS = sorted(name for name, op in OPERATIONS.items() if not op.write)
GETS = sorted(r.pattern.pattern for r in HANDLERS.routes if r.method == "GET")


@pytest.fixture(scope="module")
def busy() -> Iterator[Service]:
    """One service for the module: what is tested is that nothing here changes it."""
    dx = start()
    order = dx.ext(
        "POST", "/wizard/order", model="maximum", bandwidth="10Gbps", locations=["EqDC2", "CSVA1"]
    )
    conns = order["connectionIds"]
    vgw = dx.virtual_gateway("10.100.0.0/16")
    gw = dx.dx_gateway()
    dx.call("CreateDirectConnectGatewayAssociation", directConnectGatewayId=gw, gatewayId=vgw)
    vifs = [
        dx.private_vif(cid, gw, vlan=101 + i)["virtualInterfaceId"] for i, cid in enumerate(conns)
    ]
    dx.ext(
        "PUT",
        "/topology",
        yaml=TOPOLOGY.format(
            c0=conns[0], c1=conns[1], c2=conns[2], c3=conns[3], vgw=vgw, icmp="true"
        ),
    )
    dx.call("StartBgpFailoverTest", virtualInterfaceId=vifs[0])
    yield dx
    dx.app.close()


def test_there_are_reads() -> None:
    assert "DescribeConnections" in READS and "DescribeVirtualInterfaces" in READS
    assert len(GETS) >= 10


@pytest.mark.parametrize("op", READS)
def test_a_read_operation_changes_nothing(busy: Service, op: str) -> None:
    before = busy.tables()
    try:
        busy.call(op)
    except DxlabError:
        pass  # a required member missing: refused, which is a read's right
    assert busy.tables() == before


@pytest.mark.parametrize("pattern", GETS)
def test_a_get_route_changes_nothing(busy: Service, pattern: str) -> None:
    path = re.sub(r"\(\?P<\w+>\[\^/\]\+\)", "x", pattern).removeprefix("^/_dxlab").removesuffix("$")
    before = busy.tables()
    try:
        busy.ext("GET", path)
    except DxlabError:
        pass  # an unknown id: refused
    assert busy.tables() == before
