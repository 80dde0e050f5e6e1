"""The web console at /console: each page of the caller's account (connections, LAGs,
VIFs, gateways, resiliency groups, topology, analysis), the wizard's plan and order
through the same routes as `dxlab wizard`, and `--auth strict`: nothing without proof."""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import ServerProcess
from tests.scenario import maximum
from tests.test_auth import register

_http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=30))


def get(server: ServerProcess, path: str, **headers: str) -> urllib3.BaseHTTPResponse:
    return _http.request("GET", server.endpoint + path, headers=headers, redirect=False)


def post(server: ServerProcess, path: str, body: Any, **headers: str) -> urllib3.BaseHTTPResponse:
    data = body if isinstance(body, (bytes, str)) else orjson.dumps(body)
    return _http.request("POST", server.endpoint + path, body=data, headers=headers, redirect=False)


def page(server: ServerProcess, path: str, account: str) -> str:
    sep = "&" if "?" in path else "?"
    response = get(server, f"{path}{sep}account={account}")
    assert response.status == 200, response.data[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.data.decode()


def test_pages_show_the_accounts_resources(server: ServerProcess, dx: Any, account: str) -> None:
    made = maximum(server, dx, account)
    conns = dx.describe_connections()["connections"]
    overview = page(server, "/console/", account)
    assert (
        "SLA: 99.99%" in overview
        and "no single point of failure" in overview
        and "<svg" in overview
    )
    listing = page(server, "/console/connections", account)
    for c in conns:
        assert (
            c["connectionId"] in listing
            and c["awsDeviceV2"] in listing
            and c["connectionName"] in listing
        )
    assert "EqDC2" in listing and "CSVA1" in listing and ">available<" in listing
    letter = get(server, f"/console/loa/{made.connections[0]}.pdf?account={account}")
    assert f'href="/console/loa/{made.connections[0]}.pdf"' in listing
    assert (
        letter.status == 200
        and letter.data.startswith(b"%PDF")
        and letter.headers["content-type"] == "application/pdf"
    )
    assert (
        get(server, f"/console/loa/{made.connections[0]}.pdf?account=999999999999").status == 400
    )  # not theirs
    vifs = page(server, "/console/vifs", account)
    assert all(v in vifs for v in made.vifs) and ">up<" in vifs and made.dx_gateway in vifs
    gateways = page(server, "/console/gateways", account)
    assert made.dx_gateway in gateways and made.vgw in gateways and ">associated<" in gateways
    groups = page(server, "/console/resiliency-groups", account)
    group = dx.list_resiliency_groups()["items"][0]["resiliencyGroupId"]
    assert group in groups and "maximum-resiliency" in groups and "SLA 99.99%" in groups
    topology = page(server, "/console/topology", account)
    assert "<svg" in topology and all(c in topology for c in made.connections)
    analysis = page(server, "/console/analysis", account)
    assert "Single points of failure" in analysis and "Trusted Advisor" in analysis
    assert "No link aggregation groups" in page(server, "/console/lags", account)
    assert "EqDC2" in page(server, "/console/wizard", account)
    assert get(server, f"/console/nowhere?account={account}").status == 404


def test_a_lag_and_a_failure_show(server: ServerProcess, dx: Any, account: str) -> None:
    made = maximum(server, dx, account)
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="big"
    )
    assert lag["lagId"] in page(server, "/console/lags", account)
    from dxlab.cli.client import ext

    ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "location", "id": "CSVA1", "minutes": 5},
        account=account,
    )
    overview = page(server, "/console/", account)
    assert (
        "Not healthy now" in overview and "location:CSVA1" in overview and "SLA: none" in overview
    )
    down = [c for c in dx.describe_connections()["connections"] if c["location"] == "CSVA1"]
    assert (
        down
        and all(c["connectionId"] in overview for c in down)
        and all(c["connectionState"] == "down" for c in down)
    )
    assert made.connections[0] in overview


def test_the_console_is_per_account(server: ServerProcess, dx: Any, account: str) -> None:
    made = maximum(server, dx, account, model="dev-test", locations=("EqDC2",))  # type: ignore[arg-type]
    chosen = get(server, f"/console/connections?account={account}")
    cookie = chosen.headers["set-cookie"]
    assert f"dxlab_account={account}" in cookie and "HttpOnly" in cookie
    # The cookie alone keeps the account.
    again = get(server, "/console/connections", cookie=cookie.split(";")[0]).data.decode()
    assert made.connections[0] in again
    # Another account, or none (123456789012), sees none of it.
    other = page(server, "/console/connections", "999999999999")
    assert made.connections[0] not in other and "No connections" in other
    assert made.connections[0] not in get(server, "/console/connections").data.decode()
    bad = get(server, "/console/?account=12345")
    assert bad.status == 400 and b"12 digits" in bad.data


def test_wizard_plans_and_orders_through_the_wizard_routes(
    server: ServerProcess, dx: Any, account: str
) -> None:
    body = {"model": "high", "bandwidth": "10Gbps", "locations": ["EqDC2", "CSVA1"]}
    console = {
        "x-dxlab-console": "1",
        "content-type": "application/json",
        "cookie": f"dxlab_account={account}",
    }
    plan = post(server, "/console/api/wizard/plan", body, **console)
    assert plan.status == 200
    assert (
        orjson.loads(plan.data)["sla"] == "99.9%" and dx.describe_connections()["connections"] == []
    )
    # The bad input next to the good one: an unknown location is refused, nothing ordered.
    bad = post(
        server, "/console/api/wizard/order", {**body, "locations": ["EqDC2", "NOPE1"]}, **console
    )
    assert bad.status == 400 and "NOPE1" in orjson.loads(bad.data)["message"]
    assert dx.describe_connections()["connections"] == []
    # Without the console's header (a form on another site) nothing is ordered.
    forged = post(
        server,
        "/console/api/wizard/order",
        body,
        **{k: v for k, v in console.items() if k != "x-dxlab-console"},
    )
    assert forged.status == 403 and dx.describe_connections()["connections"] == []
    placed = post(server, "/console/api/wizard/order", body, **console)
    assert placed.status == 200, placed.data
    ids = orjson.loads(placed.data)["connectionIds"]
    assert sorted(c["connectionId"] for c in dx.describe_connections()["connections"]) == sorted(
        ids
    )
    assert all(i in page(server, "/console/connections", account) for i in ids)


def test_failover_test_started_and_stopped_from_the_console(
    server: ServerProcess, dx: Any, account: str
) -> None:
    made = maximum(server, dx, account)
    console = {
        "x-dxlab-console": "1",
        "content-type": "application/json",
        "cookie": f"dxlab_account={account}",
    }
    vif = made.vifs[0]
    assert f'href="/console/vifs/{vif}#bring-down"' in page(server, "/console/failover", account)
    # The bad input next to the good one: 0 minutes is refused by the API's own rule, nothing starts.
    bad = post(
        server,
        "/console/api/op/StartBgpFailoverTest",
        {"virtualInterfaceId": vif, "testDurationInMinutes": 0},
        **console,
    )
    assert bad.status == 400 and "testDurationInMinutes" in orjson.loads(bad.data)["message"]
    assert (
        dx.list_virtual_interface_test_history(virtualInterfaceId=vif)[
            "virtualInterfaceTestHistory"
        ]
        == []
    )
    started = post(
        server,
        "/console/api/op/StartBgpFailoverTest",
        {"virtualInterfaceId": vif, "testDurationInMinutes": 5},
        **console,
    )
    assert started.status == 200, started.data
    test_id = orjson.loads(started.data)["virtualInterfaceTest"]["testId"]
    assert (
        dx.describe_virtual_interfaces(virtualInterfaceId=vif)["virtualInterfaces"][0][
            "virtualInterfaceState"
        ]
        == "testing"
    )
    shown = page(server, "/console/failover", account)
    assert (
        test_id in shown
        and f'data-stop="{vif}"' in shown
        and "every pair that had a path kept one" in shown
    )
    stopped = post(
        server, "/console/api/op/StopBgpFailoverTest", {"virtualInterfaceId": vif}, **console
    )
    assert stopped.status == 200
    history = dx.list_virtual_interface_test_history(testId=test_id)["virtualInterfaceTestHistory"]
    assert history[0]["status"] in ("completed", "cancelled")  # the test's owner decides the word
    assert (
        dx.describe_virtual_interfaces(virtualInterfaceId=vif)["virtualInterfaces"][0][
            "virtualInterfaceState"
        ]
        == "available"
    )
    # Any operation goes through the dispatcher as for boto3, but only from the console's own pages.
    forged = {k: v for k, v in console.items() if k != "x-dxlab-console"}
    other = post(
        server, "/console/api/op/DeleteConnection", {"connectionId": made.connections[0]}, **forged
    )
    assert other.status == 403 and len(dx.describe_connections()["connections"]) == 4
    unknown = post(server, "/console/api/op/DropEverything", {}, **console)
    assert unknown.status == 400 and "DropEverything" in orjson.loads(unknown.data)["message"]


def test_names_are_shown_as_text_never_as_markup(
    server: ServerProcess, dx: Any, account: str
) -> None:
    name = "<script>alert(1)</script>"
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName=name)[
        "connectionId"
    ]
    dx.create_lag(
        numberOfConnections=1, location="CSVA1", connectionsBandwidth="1Gbps", lagName=name
    )
    for path in ("/console/", "/console/connections", "/console/lags", "/console/topology"):
        shown = page(server, path, account)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert" not in shown, (
            path
        )
    assert conn in page(server, "/console/connections", account)


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = f"sqlite:///{tmp_path_factory.mktemp('console') / 'dxlab.db'}"
    register(db, "222233334444", "AKIACONSOLETEST00001", "console-secret")
    srv = ServerProcess(db, args=("--auth", "strict")).start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


def test_strict_mode_shows_nothing_without_auth(strict: ServerProcess) -> None:
    dx = strict.client(
        "222233334444", access_key="AKIACONSOLETEST00001", secret_key="console-secret"
    )
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="secret-link")[
        "connectionId"
    ]
    for path in (
        "/console",
        "/console/",
        "/console/connections",
        "/console/topology",
        "/console/diagram.svg",
        "/console/connections?account=222233334444",
        "/console/api/analyze",
    ):
        refused = get(strict, path, cookie="dxlab_account=222233334444")
        assert refused.status == 403, path
        assert conn.encode() not in refused.data and b"secret-link" not in refused.data
    assert (
        post(
            strict,
            "/console/api/wizard/order",
            {"model": "dev-test", "bandwidth": "1Gbps", "locations": ["EqDC2"]},
            **{"x-dxlab-console": "1"},
        ).status
        == 403
    )
    assert len(dx.describe_connections()["connections"]) == 1
    # A wrong secret, an unknown key and a forged session are refused too.
    for form in (
        "access_key=AKIACONSOLETEST00001&secret_key=wrong",
        "access_key=AKIANOBODY&secret_key=x",
    ):
        login = post(
            strict, "/console/login", form, **{"content-type": "application/x-www-form-urlencoded"}
        )
        assert login.status == 403 and "set-cookie" not in login.headers
    forged = get(
        strict, "/console/connections", cookie="dxlab_session=222233334444.9999999999.deadbeef"
    )
    assert forged.status == 403
    # Signing in with the registered key gives a session that shows the account's resources.
    login = post(
        strict,
        "/console/login",
        "access_key=AKIACONSOLETEST00001&secret_key=console-secret",
        **{"content-type": "application/x-www-form-urlencoded"},
    )
    assert login.status == 303 and login.headers["location"] == "/console/"
    session = re.match(r"(dxlab_session=[^;]+)", login.headers["set-cookie"])
    assert session
    shown = get(strict, "/console/connections", cookie=session.group(1))
    assert shown.status == 200 and conn.encode() in shown.data and b"222233334444" in shown.data
    assert (
        get(strict, "/console/logout", cookie=session.group(1))
        .headers["set-cookie"]
        .startswith("dxlab_session=;")
    )


def test_strict_mode_accepts_a_sigv4_signed_request(strict: ServerProcess) -> None:
    url = strict.endpoint + "/console/connections"

    def signed(secret: str) -> urllib3.BaseHTTPResponse:
        request = AWSRequest(method="GET", url=url, data=b"")
        SigV4Auth(
            Credentials("AKIACONSOLETEST00001", secret), "directconnect", "us-east-1"
        ).add_auth(request)
        return _http.request("GET", url, headers=dict(request.headers.items()))

    assert signed("console-secret").status == 200
    wrong = signed("not-the-secret")
    assert wrong.status == 403 and b"signature" in wrong.data.lower()


def test_resource_pages_and_their_misses(server: ServerProcess, dx: Any, account: str) -> None:
    made = maximum(server, dx, account)
    lag = dx.create_lag(
        numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="big"
    )["lagId"]
    shown = page(server, f"/console/lags/{lag}", account)
    assert "big" in shown and "Minimum links" in shown and "Jumbo Frame Capable" in shown
    conn = page(server, f"/console/connections/{made.connections[0]}", account)
    assert made.vifs[0] in conn and "Download LOA" in conn and "Port speed" in conn
    vif = page(server, f"/console/vifs/{made.vifs[0]}", account)
    assert "Peerings" in vif and "Bring down BGP" in vif and "Router configuration" in vif
    letter = get(server, f"/console/loa/{made.connections[0]}.pdf?account={account}")
    assert (
        letter.headers["content-disposition"]
        == f'attachment; filename="{made.connections[0]}-loa-cfa.pdf"'
    )
    # Another account's resource, or none: a 404 page with the API's message.
    for path in (
        f"/console/connections/{made.connections[0]}?account=999999999999",
        "/console/vifs/dxvif-nope1234",
        "/console/lags/dxlag-nope1234",
        "/console/failover/tests/nope",
    ):
        missing = get(server, path if "account=" in path else f"{path}?account={account}")
        assert missing.status == 404 and (
            b"Could not find" in missing.data or b"does not exist" in missing.data
        ), path


def test_console_writes_need_the_consoles_header(
    server: ServerProcess, dx: Any, account: str
) -> None:
    """PUT and DELETE from another site (no x-dxlab-console header) change nothing either;
    the check route validates as the API does without running anything."""
    cookie = {"cookie": f"dxlab_account={account}", "content-type": "application/json"}
    put = _http.request(
        "PUT",
        server.endpoint + "/console/api/topology",
        body=b'{"yaml": "customer_asn: 65000"}',
        headers=cookie,
    )
    assert (
        put.status == 403 and page(server, "/console/topology", account).count("customer_asn") == 0
    )
    checked = post(
        server,
        "/console/api/check/CreateConnection",
        {"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "x", "tags": [{"key": ""}]},
        **cookie,
        **{"x-dxlab-console": "1"},
    )
    assert checked.status == 400 and "tags.1.member.key" in orjson.loads(checked.data)["message"]
    assert dx.describe_connections()["connections"] == []


def test_a_partners_interconnect_and_its_hosted_connections(
    server: ServerProcess, dx: Any, account: str
) -> None:
    ic = dx.create_interconnect(interconnectName="ic-1", bandwidth="10Gbps", location="EqDC2")[
        "interconnectId"
    ]
    hosted = dx.allocate_hosted_connection(
        connectionId=ic,
        ownerAccount="999988887777",
        bandwidth="500Mbps",
        connectionName="for-a-customer",
        vlan=101,
    )["connectionId"]
    listing = page(server, "/console/interconnects", account)
    assert f'href="/console/interconnects/{ic}"' in listing and "ic-1" in listing
    shown = page(server, f"/console/interconnects/{ic}", account)
    assert (
        hosted in shown
        and "for-a-customer" in shown
        and "999988887777" in shown
        and "Download LOA" in shown
    )
