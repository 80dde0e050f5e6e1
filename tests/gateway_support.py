"""What the gateway tests share: making VGWs, TGWs and Direct Connect gateways through
the public surface (the /_dxlab extension and boto3), and reading an AWS error."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.cli.client import ExtensionError, ext
from tests.aws_errors import error_of  # noqa: F401  (re-exported for the tests of this family)


def ext_error_of(
    server: Any, account: str, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[str, int, str]:
    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, method, path, body, account=account)
    return info.value.aws_code, info.value.status, info.value.message


def vgw(
    server: Any, account: str, *cidrs: str, asn: int | None = None, region: str | None = None
) -> str:
    """A VGW in `region` (the request's credential scope names it; us-east-1 by default)."""
    body: dict[str, Any] = {"vpcCidrs": list(cidrs)}
    if asn is not None:
        body["amazonSideAsn"] = asn
    made = ext(server.endpoint, "POST", "/virtual-gateways", body, account=account, region=region)
    return str(made["virtualGatewayId"])


def tgw(server: Any, account: str, *cidrs: str, asn: int = 65000) -> str:
    body = {"vpcCidrs": list(cidrs), "amazonSideAsn": asn}
    return str(
        ext(server.endpoint, "POST", "/transit-gateways", body, account=account)["transitGatewayId"]
    )


def dxgw(dx: Any, name: str = "dxgw", asn: int | None = None) -> str:
    kwargs: dict[str, Any] = {"directConnectGatewayName": name}
    if asn is not None:
        kwargs["amazonSideAsn"] = asn
    return str(
        dx.create_direct_connect_gateway(**kwargs)["directConnectGateway"]["directConnectGatewayId"]
    )


def prefixes(*cidrs: str) -> list[dict[str, str]]:
    return [{"cidr": c} for c in cidrs]


def associations(dx: Any, gateway_id: str) -> list[dict[str, Any]]:
    return list(
        dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gateway_id)[
            "directConnectGatewayAssociations"
        ]
    )


def assert_client_error(got: tuple[str, int, str], *words: str) -> None:
    """AWS's answer to a client mistake: DirectConnectClientException, HTTP 400, and a
    message that names what is wrong."""
    code, status, message = got
    assert (code, status) == ("DirectConnectClientException", 400), got
    for word in words:
        assert word in message, (word, message)
