"""Step 3 of getting_started.md: download the LOA-CFA and hand it to the colocation
provider (dedicated_connection.md, using-cli.md, Colocation.md)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dxlab.cli.client import ext
from dxlab.domain import catalog
from dxlab.domain.errors import DxlabError
from dxlab.domain.loa import VALID_DAYS, LoaCfa, LoaPort, check_available
from dxlab.web.errors import status_of
from tests.aws_errors import error_of
from tests.failover_support import advance


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def placement(
    server: Any, account: str, connection_id: str, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", account)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    return ext(server.endpoint, "GET", f"/connections/{connection_id}/placement")


def cli_env(account: str) -> dict[str, str]:
    """The environment of a CLI run as `account`, whatever the machine's AWS settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="x",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def test_loa_names_the_port_the_cross_connect_lands_on(
    server: Any, dx: Any, account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="dc-primary")
    cid = conn["connectionId"]
    loa = dx.describe_loa(connectionId=cid)
    assert loa["loaContentType"] == "application/pdf"
    text = pdf_text(loa["loaContent"])
    where = placement(server, account, cid, monkeypatch)
    issued = dx.describe_connections(connectionId=cid)["connections"][0]["loaIssueTime"]
    sub = catalog.location("EqDC2").sub_location(where["subLocation"])  # type: ignore[union-attr]
    assert sub is not None
    for fact in (
        "Letter of Authorization and Connecting Facility Assignment",
        f"Connection ID {cid}",
        "Connection name dc-primary",
        "Location code EqDC2",
        "Equinix DC2/DC11, Ashburn, VA",
        f"AWS device {conn['awsDevice']} ({conn['awsDeviceV2']})",
        f"Port {where['port']}",
        f"Sub-location {sub.name}",
        f"Floor {sub.floor}",
        f"Meet-me room {sub.meet_me_room}",
        "Bandwidth 10Gbps",
        "10GBASE-LR",
        f"Requester AWS account {account}",
        f"Date of issue {issued.astimezone(dt.UTC):%Y-%m-%d}",
        "This LOA-CFA is valid for 90 days",
    ):
        assert fact in text, fact
    # The deprecated call gives the same letter in its own shape.
    old = dx.describe_connection_loa(connectionId=cid)["loa"]
    assert old == {"loaContent": loa["loaContent"], "loaContentType": "application/pdf"}


def test_provider_named_in_the_request_or_on_the_connection(dx: Any, account: str) -> None:
    cid = dx.create_connection(
        location="CSVA1", bandwidth="1Gbps", connectionName="c", providerName="Megaport"
    )["connectionId"]
    assert f"Requester Megaport on behalf of AWS account {account}" in pdf_text(
        dx.describe_loa(connectionId=cid)["loaContent"]
    )
    text = pdf_text(
        dx.describe_loa(connectionId=cid, providerName="Zayo", loaContentType="application/pdf")[
            "loaContent"
        ]
    )
    assert f"Requester Zayo on behalf of AWS account {account}" in text and "Megaport" not in text


def test_aws_cli_prints_the_loa_base64_encoded(server: Any, dx: Any, account: str) -> None:
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="cli")[
        "connectionId"
    ]
    out = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "aws"),
            "directconnect",
            "describe-loa",
            "--connection-id",
            cid,
            "--endpoint-url",
            server.endpoint,
            "--output",
            "json",
        ],
        env=cli_env(account),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    printed = json.loads(out.stdout)
    assert printed["loaContentType"] == "application/pdf"
    content = base64.b64decode(printed["loaContent"])
    assert content == dx.describe_loa(connectionId=cid)["loaContent"]
    assert cid in pdf_text(content)


def test_dxlab_loa_writes_the_pdf(server: Any, dx: Any, account: str, tmp_path: Path) -> None:
    conn = dx.create_connection(location="CSVA1", bandwidth="100Gbps", connectionName="cli-pdf")
    target = tmp_path / "loa.pdf"
    args = [
        sys.executable,
        "-m",
        "dxlab.cli.main",
        "loa",
        conn["connectionId"],
        "-o",
        str(target),
        "--endpoint",
        server.endpoint,
    ]
    out = subprocess.run(args, env=cli_env(account), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    text = pdf_text(target.read_bytes())
    assert conn["connectionId"] in text and conn["awsDevice"] in text and "100GBASE-LR4" in text
    # Another account's id: refused like a missing one, and no file is written.
    bad = tmp_path / "none.pdf"
    args[4:6] = ["dxcon-zzzzzzzz", "-o"]
    args[6] = str(bad)
    out = subprocess.run(args, env=cli_env(account), capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "Could not find Connection with ID dxcon-zzzzzzzz" in out.stdout
    assert not bad.exists()


def test_unknown_foreign_and_deleted_ids_have_no_loa(server: Any, dx: Any) -> None:
    for bad_id, kind in (("dxcon-zzzzzzzz", "Connection"), ("dxlag-zzzzzzzz", "Lag")):
        code, status, message = error_of(dx.describe_loa, connectionId=bad_id)
        assert (code, status, message) == (
            "DirectConnectClientException",
            400,
            f"Could not find {kind} with ID {bad_id}",
        )
    mine = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="mine")[
        "connectionId"
    ]
    other = server.client("999999999998")
    assert error_of(other.describe_loa, connectionId=mine) == (
        "DirectConnectClientException",
        400,
        f"Could not find Connection with ID {mine}",
    )
    assert (
        error_of(dx.describe_interconnect_loa, interconnectId=mine)[2]
        == f"Could not find Interconnect with ID {mine}"
    )
    code, status, message = error_of(
        dx.describe_loa, connectionId=mine, loaContentType="text/plain"
    )
    assert (code, status) == ("DirectConnectClientException", 400) and "loaContentType" in message
    dx.delete_connection(connectionId=mine)
    for call in (dx.describe_loa, dx.describe_connection_loa):
        code, status, message = error_of(call, connectionId=mine)
        assert (code, status) == ("DirectConnectClientException", 400)
        assert mine in message and "deleted" in message


def test_loa_of_a_lag_lists_every_port(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2, location="CSVA1", connectionsBandwidth="10Gbps", lagName="lag-a"
    )
    text = pdf_text(dx.describe_loa(connectionId=lag["lagId"])["loaContent"])
    assert f"LAG ID {lag['lagId']}" in text and "LAG name lag-a" in text
    members = dx.describe_connections()["connections"]
    assert len(members) == 2
    for member in members:  # one row of the assignment table per port
        assert member["lagId"] == lag["lagId"]
        assert member["connectionId"] in text and member["awsDevice"] in text


def test_interconnect_loa_and_hosted_connections(server: Any, dx: Any, account: str) -> None:
    ic = dx.create_interconnect(
        interconnectName="partner-port", bandwidth="10Gbps", location="EqDC2"
    )
    iid = ic["interconnectId"]
    new = dx.describe_interconnect_loa(interconnectId=iid)["loa"]
    assert new["loaContentType"] == "application/pdf"
    text = pdf_text(new["loaContent"])
    assert f"Interconnect ID {iid}" in text and ic["awsDevice"] in text
    assert dx.describe_loa(connectionId=iid)["loaContent"] == new["loaContent"]
    # A hosted connection rides on the partner's cross connect: its customer gets no LOA-CFA.
    customer = server.client("444455556666")
    hosted = dx.allocate_hosted_connection(
        connectionId=iid,
        ownerAccount="444455556666",
        bandwidth="500Mbps",
        connectionName="h",
        vlan=101,
    )
    customer.confirm_connection(connectionId=hosted["connectionId"])
    code, status, message = error_of(customer.describe_loa, connectionId=hosted["connectionId"])
    assert (code, status) == (
        "DirectConnectClientException",
        400,
    ) and "hosted connection" in message


def test_loa_is_there_while_the_connection_waits_for_its_cross_connect(make_server: Any) -> None:
    server = make_server("--provisioning", "manual")
    dx = server.client("777788889990")
    cid = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="manual")[
        "connectionId"
    ]
    conn = dx.describe_connections(connectionId=cid)["connections"][0]
    assert conn["connectionState"] == "requested" and "loaIssueTime" in conn
    first = dx.describe_loa(connectionId=cid)["loaContent"]
    assert cid in pdf_text(first)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "cross-connect",
            cid,
            "--endpoint",
            server.endpoint,
        ],
        env=cli_env("777788889990"),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert (
        dx.describe_connections(connectionId=cid)["connections"][0]["connectionState"]
        == "available"
    )
    assert dx.describe_loa(connectionId=cid)["loaContent"] == first  # same letter, same issue date


def test_no_loa_before_aws_issues_it(make_server: Any) -> None:
    # dedicated_connection.md: the LOA-CFA comes within 72 hours (of the server's test clock).
    server = make_server("--provisioning", "realistic", "--test-clock")
    dx = server.client("777788889999")
    cid = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="slow")[
        "connectionId"
    ]
    code, status, message = error_of(dx.describe_loa, connectionId=cid)
    assert (code, status) == ("DirectConnectClientException", 400)
    assert "not available yet" in message and "72 hours" in message
    advance(server, 71 * 3600)
    assert "loaIssueTime" not in dx.describe_connections(connectionId=cid)["connections"][0]
    advance(server, 3600)
    conn = dx.describe_connections(connectionId=cid)["connections"][0]
    assert "loaIssueTime" in conn
    assert cid in pdf_text(dx.describe_loa(connectionId=cid)["loaContent"])
    assert not server.server_errors()


# --- the rules themselves (pure) ------------------------------------------------------


@pytest.mark.parametrize("state", ["ordering", "deleting", "deleted", "rejected", "unknown"])
def test_no_loa_in_states_without_a_port(state: str) -> None:
    with pytest.raises(DxlabError) as info:
        check_available("Connection", "dxcon-abcd1234", state, 1.0)
    assert info.value.aws_code == "DirectConnectClientException" and status_of(info.value) == 400
    assert f"dxcon-abcd1234 is in state {state}" in info.value.message


@pytest.mark.parametrize("state", ["requested", "pending", "available", "down"])
def test_loa_from_requested_on(state: str) -> None:
    check_available("Connection", "dxcon-abcd1234", state, 1.0)
    with pytest.raises(DxlabError, match="not available yet"):
        check_available("Connection", "dxcon-abcd1234", state, None)
    with pytest.raises(DxlabError, match="hosted connection: its partner Zayo"):
        check_available("Connection", "dxcon-abcd1234", state, 1.0, partner="Zayo")


def test_letter_validity_requester_and_panel_positions() -> None:
    loc = catalog.location("CSVA1")
    assert loc is not None
    dev = loc.devices[0]
    port = LoaPort(
        "dxcon-abcd1234",
        "c",
        dev.aws_device,
        dev.aws_device_v2,
        7,
        loc.sub_location(dev.sub_location),
    )
    letter = LoaCfa(
        "Connection",
        "dxcon-abcd1234",
        "c",
        "123456789012",
        None,
        loc,
        "10Gbps",
        None,
        1000.0,
        (port,),
    )
    assert letter.expires == 1000.0 + VALID_DAYS * 86400 and VALID_DAYS == 90
    assert letter.requester == "AWS account 123456789012"
    assert (
        replace(letter, provider="Lumen").requester == "Lumen on behalf of AWS account 123456789012"
    )
    assert (
        port.panel_positions == "13/14"
        and replace(port, port=None).panel_positions == "assigned at cross connect"
    )
