"""A whole boto3 client speaking smithy-rpc-v2-cbor, as AWS CLI v2 and the SDKs for Go,
Java 2.x, .NET, Kotlin and Swift do (they put rpc-v2-cbor first; botocore and AWS CLI v1
put awsJson1.1 first). botocore is pointed at a copy of its directconnect model that lists
only rpc-v2-cbor (tests/cbor_model.py), so the same client stack (signing, retries, error parsing, modeled
exceptions, paginators) runs over CBOR, and its answers are held against JSON's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest

from tests.cbor_model import write_cbor_only_model
from tests.conftest import ServerProcess
from tests.test_order_connections import error_of

CBOR_PATH = "/service/OvertureService/operation/"


@pytest.fixture(scope="module")
def cbor_session(tmp_path_factory: pytest.TempPathFactory) -> boto3.Session:
    """A boto3 session whose directconnect model speaks rpc-v2-cbor only."""
    data = write_cbor_only_model(tmp_path_factory.mktemp("botocore-data"))
    core = botocore.session.get_session()
    core.get_component("data_loader").search_paths.insert(0, str(data))
    return boto3.Session(botocore_session=core)


@pytest.fixture
def dx(cbor_session: boto3.Session, server: ServerProcess, account: str) -> Iterator[Any]:
    client = cbor_session.client(
        "directconnect",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="dxlab-test-secret",
    )
    assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    paths: list[str] = []
    client.meta.events.register("before-send.*", lambda request, **_: paths.append(request.url))
    yield client
    # Every request of the test went to the CBOR path, none to awsJson1.1's "/".
    assert paths and all(CBOR_PATH in url for url in paths), paths


@pytest.fixture
def dx_json(server: ServerProcess, account: str) -> Any:
    return server.client(account)


def test_connection_lifecycle(dx: Any, account: str) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="cbor-1")
    cid = conn["connectionId"]
    assert (conn["connectionState"], conn["ownerAccount"]) == ("requested", account)
    [listed] = dx.describe_connections()["connections"]
    assert listed["connectionId"] == cid and listed["connectionState"] == "available"
    assert isinstance(listed["loaIssueTime"], dt.datetime)
    assert (
        dx.update_connection(connectionId=cid, connectionName="cbor-2")["connectionName"]
        == "cbor-2"
    )
    arn = f"arn:aws:directconnect:us-east-1:{account}:dxcon/{cid}"
    dx.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "netops"}])
    [tagged] = dx.describe_tags(resourceArns=[arn])["resourceTags"]
    assert tagged["tags"] == [{"key": "team", "value": "netops"}]
    dx.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert dx.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == []
    assert dx.delete_connection(connectionId=cid)["connectionState"] == "deleted"


def test_errors_and_modeled_exceptions(dx: Any, account: str) -> None:
    code, status, message = error_of(dx.describe_connections, connectionId="dxcon-nope1234")
    assert (code, status, message) == (
        "DirectConnectClientException",
        400,
        "Could not find Connection with ID dxcon-nope1234",
    )
    code, status, message = error_of(
        dx.create_connection, location="EqDC2", bandwidth="7Gbps", connectionName="x"
    )
    assert (code, status) == ("DirectConnectClientException", 400) and "7Gbps" in message
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="t")[
        "connectionId"
    ]
    arn = f"arn:aws:directconnect:us-east-1:{account}:dxcon/{cid}"
    with pytest.raises(dx.exceptions.DuplicateTagKeysException):
        dx.tag_resource(resourceArn=arn, tags=[{"key": "a"}, {"key": "a"}])


def test_paginator_follows_next_token(dx: Any) -> None:
    names = [f"gw-{i}" for i in range(5)]
    for name in names:
        dx.create_direct_connect_gateway(directConnectGatewayName=name, amazonSideAsn=64512)
    pages = list(
        dx.get_paginator("describe_direct_connect_gateways").paginate(
            PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p["directConnectGateways"]) for p in pages] == [2, 2, 1]
    assert (
        sorted(g["directConnectGatewayName"] for p in pages for g in p["directConnectGateways"])
        == names
    )


def test_loa_blob_is_bytes(dx: Any) -> None:
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="loa")[
        "connectionId"
    ]
    loa = dx.describe_connection_loa(connectionId=cid)["loa"]
    assert loa["loaContent"].startswith(b"%PDF") and loa["loaContentType"] == "application/pdf"


def test_virtual_interface_answers_match_json(dx: Any, dx_json: Any) -> None:
    """Nested structures and lists (BGP peers, route filters, tags) encode alike in both."""
    cid = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="vif-host")[
        "connectionId"
    ]
    gw = dx.create_direct_connect_gateway(directConnectGatewayName="gw", amazonSideAsn=64512)
    vif = dx.create_private_virtual_interface(
        connectionId=cid,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "vif-1",
            "vlan": 101,
            "asn": 65000,
            "directConnectGatewayId": gw["directConnectGateway"]["directConnectGatewayId"],
            "tags": [{"key": "env", "value": "test"}],
        },
    )
    assert vif["vlan"] == 101 and vif["asn"] == 65000 and vif["bgpPeers"]
    strip = lambda answer: {k: v for k, v in answer.items() if k != "ResponseMetadata"}  # noqa: E731
    by_cbor = strip(dx.describe_virtual_interfaces(virtualInterfaceId=vif["virtualInterfaceId"]))
    by_json = strip(
        dx_json.describe_virtual_interfaces(virtualInterfaceId=vif["virtualInterfaceId"])
    )
    assert by_cbor == by_json
    assert strip(dx.describe_connections(connectionId=cid)) == strip(
        dx_json.describe_connections(connectionId=cid)
    )
    assert strip(dx.describe_locations()) == strip(dx_json.describe_locations())


def test_no_traceback_in_server_log(server: ServerProcess) -> None:
    assert server.server_errors() == ""
