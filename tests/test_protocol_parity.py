"""Both protocols tell the same story: after the maximum resiliency walk-through (four
connections, a gateway, four private VIFs, a customer topology) plus an interconnect
with a hosted connection and a LAG, every read-only operation of the model answers, and
answers the same over awsJson1.1 and rpc-v2-cbor as botocore parses each. This holds
every output shape the reads return against the CBOR encoder (tags, timestamps, nested
lists, blobs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.model_values import request
from tests.scenario import Scenario, maximum
from tests.wire import cbor_call, json_call, service_model

READS = [op for op in service_model().operation_names if op.startswith(("Describe", "List", "Get"))]
# Answers made afresh on each call: compared by kind, not byte for byte.
FRESH = {"DescribeLoa", "DescribeConnectionLoa", "DescribeInterconnectLoa"}


@dataclass
class Walked:
    account: str
    scenario: Scenario
    extra: dict[str, Any]  # ids beyond the walk-through: interconnect, LAG, resiliency group


@pytest.fixture(scope="module")
def walked(server: ServerProcess) -> Walked:
    account = "246813579024"
    dx = server.client(account)
    scenario = maximum(server, dx, account)
    interconnect = dx.create_interconnect(
        interconnectName="ic", bandwidth="10Gbps", location="EqDC2"
    )
    dx.allocate_connection_on_interconnect(
        bandwidth="500Mbps",
        connectionName="hosted",
        ownerAccount=account,
        interconnectId=interconnect["interconnectId"],
        vlan=201,
    )
    lag = dx.create_lag(
        numberOfConnections=1, location="CSVA1", connectionsBandwidth="10Gbps", lagName="lag"
    )
    groups = dx.list_resiliency_groups().get("items", [])
    extra = {
        "interconnectId": interconnect["interconnectId"],
        "lagId": lag["lagId"],
        "resiliencyGroupId": groups[0]["resiliencyGroupId"] if groups else None,
    }
    return Walked(account, scenario, extra)


def params(op_name: str, w: Walked) -> dict[str, Any]:
    """The operation's minimal request, its ids pointed at the walk-through's resources,
    plus the optional ids some reads need to have anything to say."""
    s = w.scenario
    ids = {
        "connectionId": s.connections[0],
        "virtualInterfaceId": s.vifs[0],
        "directConnectGatewayId": s.dx_gateway,
        "virtualGatewayId": s.vgw,
        "resourceArns": [
            f"arn:aws:directconnect:us-east-1:{w.account}:dxcon/{c}" for c in s.connections
        ],
        **w.extra,
    }
    if op_name == "DescribeHostedConnections":  # the hosted connections of an interconnect
        ids["connectionId"] = w.extra["interconnectId"]
    wanted = {
        "DescribeDirectConnectGatewayAssociations": ["directConnectGatewayId"],
        "DescribeDirectConnectGatewayAttachments": ["directConnectGatewayId"],
        "ListVirtualInterfaceRoutes": ["virtualInterfaceId"],
    }.get(op_name, [])
    body = {**request(op_name, "minimal"), **{k: None for k in wanted}}
    return {k: ids.get(k, v) for k, v in body.items()}


def outcome(answer: Any, parsed: dict[str, Any]) -> Any:
    if answer.status != 200:
        return answer.status, parsed.get("Error")
    return {k: v for k, v in parsed.items() if k != "ResponseMetadata"}


def test_the_walk_through_has_reads_to_compare() -> None:
    assert len(READS) >= 20


@pytest.mark.parametrize("op_name", READS)
def test_read_answers_alike_over_both_protocols(
    server: ServerProcess, walked: Walked, op_name: str
) -> None:
    body = params(op_name, walked)
    json_answer, by_json = json_call(server.endpoint, op_name, body, walked.account)
    cbor_answer, by_cbor = cbor_call(server.endpoint, op_name, body, walked.account)
    # Errors agreeing would prove little: the walk-through gives every read something to say.
    assert json_answer.status == 200, json_answer.body[:300]
    if op_name in FRESH:
        assert cbor_answer.status == 200
        pdfs = [parsed.get("loa", parsed)["loaContent"] for parsed in (by_json, by_cbor)]
        assert pdfs[0][:5] == pdfs[1][:5] == b"%PDF-"
        return
    assert outcome(cbor_answer, by_cbor) == outcome(json_answer, by_json)


def test_no_traceback_in_server_log(server: ServerProcess) -> None:
    assert server.server_errors() == ""
