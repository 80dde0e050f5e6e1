"""What the virtual interface tests share: the connections and gateways a VIF needs,
made through the public surface (boto3, the /_dxlab extension), and AWS's refusal."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from dxlab.cli.client import ext

# Public prefixes for public VIFs (not special-purpose, not documentation ranges).
PUBLIC_PREFIX = "45.60.12.0/24"
PUBLIC_PEERS = {"amazonAddress": "45.60.13.1/30", "customerAddress": "45.60.13.2/30"}


def refused(call: Any, *words: str, **kwargs: Any) -> str:
    """The call fails as AWS refuses a client mistake: DirectConnectClientException,
    HTTP 400, a message naming each of `words`. Returns the message."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response
    got = err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]
    assert got[:2] == ("DirectConnectClientException", 400), got
    for word in words:
        assert word in got[2], (word, got[2])
    return str(got[2])


def connection(
    dx: Any, name: str = "dc", location: str = "EqDC2", bandwidth: str = "10Gbps"
) -> str:
    """A dedicated connection, available (the server provisions instantly)."""
    cid = str(
        dx.create_connection(location=location, bandwidth=bandwidth, connectionName=name)[
            "connectionId"
        ]
    )
    assert (
        dx.describe_connections(connectionId=cid)["connections"][0]["connectionState"]
        == "available"
    )
    return cid


def dx_gateway(dx: Any, asn: int = 64512, name: str = "dxgw") -> str:
    gw = dx.create_direct_connect_gateway(directConnectGatewayName=name, amazonSideAsn=asn)
    return str(gw["directConnectGateway"]["directConnectGatewayId"])


def virtual_gateway(server: Any, account: str, asn: int = 64513, cidr: str = "10.0.0.0/16") -> str:
    body = {"amazonSideAsn": asn, "vpcCidrs": [cidr]}
    return str(
        ext(server.endpoint, "POST", "/virtual-gateways", body, account=account)["virtualGatewayId"]
    )


def private_vif(
    dx: Any, connection_id: str, gateway_id: str, vlan: int = 101, **extra: Any
) -> dict[str, Any]:
    key = "virtualGatewayId" if gateway_id.startswith("vgw-") else "directConnectGatewayId"
    spec = {
        "virtualInterfaceName": f"vif-{vlan}",
        "vlan": vlan,
        "asn": 65000,
        key: gateway_id,
        **extra,
    }
    return dict(
        dx.create_private_virtual_interface(
            connectionId=connection_id, newPrivateVirtualInterface=spec
        )
    )


def vifs(dx: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return list(dx.describe_virtual_interfaces(**kwargs)["virtualInterfaces"])


def vif(dx: Any, vif_id: str) -> dict[str, Any]:
    return dict(vifs(dx, virtualInterfaceId=vif_id)[0])


def wait_state(dx: Any, vif_id: str, state: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        doc = vif(dx, vif_id)
        if doc["virtualInterfaceState"] == state or time.monotonic() > deadline:
            assert doc["virtualInterfaceState"] == state, doc
            return doc
        time.sleep(0.1)
