"""DESIGN.md, non-negotiables: every operation of the botocore model is served, either
faithfully or with a clear DirectConnectClientException saying it is not supported yet,
and never with a 500. Each of the 73 operations is called over both protocols with an
empty body, a minimal request (required members only) and a full one (every member),
all built from the model, so the test keeps holding as operations get implemented."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import Shape
from wire import assert_aws_error, cbor_call, json_call, service_model

from dxlab.api.model import operation_names
from dxlab.service import operations as _registered  # noqa: F401  (registers handlers)
from dxlab.service.registry import OPERATIONS

OPERATION_NAMES = operation_names()

# Values that satisfy the model's patterns (botocore/data/directconnect: the shapes
# that carry a `pattern`); every other string is made up from the member's name.
_BY_SHAPE = {
    "ResiliencyGroupId": "dxrg-0123456789abcdefg",
    "ResiliencyGroupName": "rg-dummy",
    "ResiliencyGroupArn": "arn:aws:directconnect::123456789012:dx-resiliency-group/dxrg-0123456789abcdefg",
    "CoreNetworkAttachmentId": "attachment-0123456789abcdef0",
    "CoreNetworkIdentifier": "core-network-0123456789abcdef0",
    "TagKey": "purpose",
    "TagValue": "dummy",
}
# Ids that look real, so a handler gets as far as looking them up.
_BY_MEMBER = {
    "connectionId": "dxcon-ffabcd12",
    "interconnectId": "dxcon-ffabcd13",
    "parentConnectionId": "dxcon-ffabcd14",
    "lagId": "dxlag-ffabcd12",
    "virtualInterfaceId": "dxvif-ffabcd12",
    "bgpPeerId": "dxpeer-ffabcd12",
    "directConnectGatewayId": "5f4a3b2c-1d0e-4f5a-8b6c-7d8e9f0a1b2c",
    "proposalId": "6f4a3b2c-1d0e-4f5a-8b6c-7d8e9f0a1b2c",
    "associationId": "7f4a3b2c-1d0e-4f5a-8b6c-7d8e9f0a1b2c",
    "virtualGatewayId": "vgw-0123456789abcdef0",
    "gatewayId": "tgw-0123456789abcdef0",
    "associatedGatewayId": "vgw-0123456789abcdef0",
    "ownerAccount": "210987654321",
    "associatedGatewayOwnerAccount": "210987654321",
    "directConnectGatewayOwnerAccount": "210987654321",
    "resourceArn": "arn:aws:directconnect:us-east-1:123456789012:dxcon/dxcon-ffabcd12",
    "location": "EqDC2",
    "bandwidth": "1Gbps",
    "connectionsBandwidth": "1Gbps",
    "amazonAddress": "169.254.10.1/30",
    "customerAddress": "169.254.10.2/30",
    "cidr": "10.0.0.0/16",
    "secretARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dx-ckn-cak",
    "ckn": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "cak": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "authKey": "0xdummyauthkey",
    "testId": "8f4a3b2c-1d0e-4f5a-8b6c-7d8e9f0a1b2c",
    "clientToken": "dummy-token-1",
    "nextToken": None,  # a made-up token is the client's mistake; see below
}
_BY_INT_MEMBER = {"vlan": 101, "asn": 65000, "asnLong": 65000, "amazonSideAsn": 64512, "mtu": 1500,
                  "maxResults": 10, "numberOfConnections": 1, "minimumLinks": 0, "testDurationInMinutes": 5}


def dummy(shape: Shape, member: str, full: bool, depth: int = 0) -> Any:
    """A value of `shape` that satisfies the model's constraints."""
    kind = shape.type_name
    if kind == "structure":
        names = shape.members if full else shape.required_members
        out = {}
        for name in names:
            value = dummy(shape.members[name], name, full, depth + 1)
            if value is not None:
                out[name] = value
        return out
    if kind == "list":
        count = max(1, shape.metadata.get("min", 1))
        return [dummy(shape.member, member, full, depth + 1) for _ in range(count)]
    if kind == "map":
        return {"k": dummy(shape.value, member, full, depth + 1)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        if shape.name in _BY_SHAPE:
            return _BY_SHAPE[shape.name]
        if member in _BY_MEMBER:
            return _BY_MEMBER[member]
        return f"dummy-{member}"[: shape.metadata.get("max", 64)]
    if kind in ("integer", "long"):
        return max(_BY_INT_MEMBER.get(member, 1), shape.metadata.get("min", 0))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return 1_790_000_000.0
    raise AssertionError(f"no dummy for {shape.name} ({kind})")


def request(op_name: str, variant: str) -> dict[str, Any]:
    shape = service_model().operation_model(op_name).input_shape
    if shape is None or variant == "empty":
        return {}
    value: dict[str, Any] = dummy(shape, "", full=variant == "full")
    return value


def test_the_model_has_73_operations() -> None:
    assert len(OPERATION_NAMES) == 73
    assert not set(OPERATIONS) - set(OPERATION_NAMES), "handlers for operations not in the model"


@pytest.mark.parametrize("variant", ["empty", "minimal", "full"])
@pytest.mark.parametrize("wire", ["json", "cbor"])
@pytest.mark.parametrize("op_name", OPERATION_NAMES)
def test_operation_answers_200_or_an_aws_error(
    server: Any, account: str, op_name: str, wire: str, variant: str
) -> None:
    call = json_call if wire == "json" else cbor_call
    params = request(op_name, variant)
    answer, parsed = call(server.endpoint, op_name, params, account)
    assert answer.status < 500, (answer.status, answer.body[:400])
    if answer.status == 200:
        assert answer.headers.get("x-amzn-requestid")
        op = service_model().operation_model(op_name)
        members = set(op.output_shape.members) if op.output_shape is not None else set()
        assert set(parsed) - {"ResponseMetadata"} <= members, parsed
        return
    err = assert_aws_error(answer)
    model_requires = request(op_name, "minimal") != {}
    if variant == "empty" and model_requires:
        # Required members are checked before anything else, implemented or not.
        assert err["__type"].endswith("DirectConnectClientException"), err
        assert "failed to satisfy constraint: Member must not be null" in err["message"], err
    elif op_name not in OPERATIONS:
        assert answer.status == 400, err
        assert err["__type"].endswith("DirectConnectClientException"), err
        assert err["message"] == f"{op_name} is not supported by dxlab yet.", err


def test_no_traceback_in_server_log(server: Any) -> None:
    assert server.server_errors() == ""
