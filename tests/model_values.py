"""Request values built from the botocore model: every constraint of the model holds
(patterns, enums, lengths, minimums), ids look like real ones. Used by the tests that
call every operation and by the fuzzers."""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

from tests.wire import service_model

# Values that satisfy the model's patterns (botocore/data/directconnect: the shapes
# that carry a `pattern`); every other string is made up from the member's name.
BY_SHAPE = {
    "ResiliencyGroupId": "dxrg-0123456789abcdefg",
    "ResiliencyGroupName": "rg-dummy",
    "ResiliencyGroupArn": "arn:aws:directconnect::123456789012:dx-resiliency-group/dxrg-0123456789abcdefg",
    "CoreNetworkAttachmentId": "attachment-0123456789abcdef0",
    "CoreNetworkIdentifier": "core-network-0123456789abcdef0",
    "TagKey": "purpose",
    "TagValue": "dummy",
}
# Ids that look real, so a handler gets as far as looking them up.
BY_MEMBER = {
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
BY_INT_MEMBER = {
    "vlan": 101,
    "asn": 65000,
    "asnLong": 65000,
    "amazonSideAsn": 64512,
    "mtu": 1500,
    "maxResults": 10,
    "numberOfConnections": 1,
    "minimumLinks": 0,
    "testDurationInMinutes": 5,
}


def dummy(shape: Shape, member: str, full: bool) -> Any:
    """A value of `shape` that satisfies the model's constraints."""
    kind = shape.type_name
    if kind == "structure":
        names = shape.members if full else shape.required_members
        out = {}
        for name in names:
            value = dummy(shape.members[name], name, full)
            if value is not None:
                out[name] = value
        return out
    if kind == "list":
        count = max(1, shape.metadata.get("min", 1))
        return [dummy(shape.member, member, full) for _ in range(count)]
    if kind == "map":
        return {"k": dummy(shape.value, member, full)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        if shape.name in BY_SHAPE:
            return BY_SHAPE[shape.name]
        if member in BY_MEMBER:
            return BY_MEMBER[member]
        return f"dummy-{member}"[: shape.metadata.get("max", 64)]
    if kind in ("integer", "long"):
        return max(BY_INT_MEMBER.get(member, 1), shape.metadata.get("min", 0))
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
