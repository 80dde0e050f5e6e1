"""Review a network that already exists (issue 14): `dxlab import` reads an account's
Direct Connect estate with the user's own profile and read-only calls, stores it in a
second dxlab server with the same ids, devices and owners, infers the customer side, and
`dxlab analyze` there says what it says on the account itself. A dxlab server plays the
account; nothing reaches AWS."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dxlab.cli.client import ExtensionError, ext
from dxlab.testing import DxlabServer, dxlab_server
from tests.estate_proxy import Behaviour, proxy
from tests.estate_support import (
    ACCOUNT,
    OTHER,
    PARTNER,
    Estate,
    analysis,
    clean_env,
    comparable,
    dxlab,
    load_topology,
    profile_files,
    seed,
)


@pytest.fixture(scope="module")
def source() -> Iterator[tuple[DxlabServer, Estate]]:
    with dxlab_server(patch_env=False) as server:
        yield server, seed(server.endpoint_url, server.client_for)


@pytest.fixture
def target() -> Iterator[DxlabServer]:
    with dxlab_server(patch_env=False) as server:
        yield server


def run_import(
    tmp_path: Path, target: DxlabServer, *args: str, env: dict[str, str] | None = None
) -> dict[str, Any]:
    topo = tmp_path / "imported.yaml"
    done = dxlab(
        "import",
        *args,
        "--endpoint",
        target.endpoint_url,
        "--topology-out",
        str(topo),
        "--json",
        env=env,
        tmp=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def with_profile(
    tmp_path: Path, source: DxlabServer, target: DxlabServer, *args: str
) -> dict[str, Any]:
    env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))
    return run_import(
        tmp_path,
        target,
        "--profile",
        "estate",
        "--source-endpoint",
        source.endpoint_url,
        *args,
        env=env,
    )


def test_import_through_a_profile_keeps_ids_devices_and_owners_and_analyses_alike(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    src, made = source
    result = with_profile(tmp_path, src, target, "--region", "us-east-1")
    assert result["account"] == ACCOUNT and result["unread"] == []
    # The same ids, states, locations and devices, as the account's own API shows them.
    theirs, ours = src.client_for(ACCOUNT), target.client_for(ACCOUNT)
    fields = (
        "connectionId",
        "connectionState",
        "location",
        "awsDevice",
        "awsDeviceV2",
        "awsLogicalDeviceId",
        "ownerAccount",
        "region",
        "bandwidth",
        "lagId",
        "vlan",
        "partnerName",
        "tags",
    )

    def described(dx: Any) -> list[tuple[Any, ...]]:
        return sorted(
            tuple(c.get(f) for f in fields) for c in dx.describe_connections()["connections"]
        )

    assert described(ours) == described(theirs)
    assert {c["connectionId"] for c in ours.describe_connections()["connections"]} >= {
        *made.twins,
        made.hosted,
    }
    tagged = ours.describe_tags(
        resourceArns=[f"arn:aws:directconnect:us-east-1:{ACCOUNT}:dxcon/{made.twins[0]}"]
    )
    assert tagged["resourceTags"][0]["tags"] == [{"key": "site", "value": "dallas"}]
    assert ours.describe_lags()["lags"][0]["lagId"] == made.lag
    vif_fields = (
        "virtualInterfaceId",
        "connectionId",
        "vlan",
        "directConnectGatewayId",
        "awsDeviceV2",
        "ownerAccount",
    )
    assert sorted(
        tuple(v[f] for f in vif_fields)
        for v in ours.describe_virtual_interfaces()["virtualInterfaces"]
    ) == sorted(
        tuple(v[f] for f in vif_fields)
        for v in theirs.describe_virtual_interfaces()["virtualInterfaces"]
    )
    gws = {
        g["directConnectGatewayId"]
        for g in ours.describe_direct_connect_gateways()["directConnectGateways"]
    }
    assert gws == {made.dxgw_one, made.dxgw_lag, made.dxgw_shared}
    [shared] = ours.describe_direct_connect_gateway_associations(
        directConnectGatewayId=made.dxgw_shared
    )["directConnectGatewayAssociations"]
    assert (
        shared["associatedGateway"]["ownerAccount"] == OTHER
        and shared["associatedGateway"]["id"] == made.vgw_other
    )

    # The inferred customer side: a router per port, data centers per location, VPCs per VGW.
    text = (tmp_path / "imported.yaml").read_text()
    assert (
        "PLACEHOLDER" in text
        and "must check" in text
        and f"{made.vgw_other} belongs to account {OTHER}" in text
    )
    topo = yaml.safe_load(text)
    assert set(topo["sites"]) == {"dc-eqda2", "dc-csva1"}
    patched = sorted(
        c
        for site in topo["sites"].values()
        for r in site["routers"].values()
        for c in r["connections"]
    )
    assert patched == sorted([*made.twins, made.spare, made.lag, made.hosted])
    assert {v["gateway"] for v in topo["vpcs"].values()} == {made.vgw_one, made.vgw_lag}

    # With the same customer side on the account itself, the analysis is the same.
    load_topology(src.endpoint_url, text)
    on_source, on_import = analysis(src.endpoint_url), analysis(target.endpoint_url)
    assert comparable(on_import) == comparable(on_source)
    assert on_import["inventory"]["routers"] == 5 and on_import["baseline"]

    # The known weaknesses are each found.
    spofs = {(s["kind"], s["id"]): s["lost"] for s in on_import["single_points_of_failure"]}
    one_vpc, lag_vpc = f"vpc-of-{made.vgw_one}", f"vpc-of-{made.vgw_lag}"
    twins_device = ours.describe_connections(connectionId=made.twins[0])["connections"][0][
        "awsDeviceV2"
    ]
    assert any(
        one_vpc in lost for lost in spofs[("device", twins_device)]
    )  # two connections on one device
    assert any(
        one_vpc in lost for lost in spofs[("location", "EqDA2")]
    )  # all VIFs of a gateway in one location
    assert any(
        lag_vpc in lost for lost in spofs[("connection", made.lag)]
    )  # a LAG as the only path
    assert on_import["sla"] == "none"


def test_the_same_estate_saved_by_the_aws_cli_imports_to_the_same_result(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    src, made = source
    folder = tmp_path / "saved"
    folder.mkdir()
    env = clean_env(
        AWS_ACCESS_KEY_ID=ACCOUNT, AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1"
    )
    aws = str(Path(__import__("sys").executable).with_name("aws"))

    def save(name: str, *args: str) -> None:
        import subprocess

        done = subprocess.run(
            [aws, "directconnect", *args, "--endpoint-url", src.endpoint_url, "--output", "json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        (folder / name).write_text(done.stdout)

    for command in (
        "describe-connections",
        "describe-lags",
        "describe-interconnects",
        "describe-virtual-interfaces",
        "describe-virtual-gateways",
        "describe-direct-connect-gateways",
    ):
        save(f"{command}.json", command)
    for n, gid in enumerate([made.dxgw_one, made.dxgw_lag, made.dxgw_shared]):
        save(
            f"describe-direct-connect-gateway-associations.{n}.json",
            "describe-direct-connect-gateway-associations",
            "--direct-connect-gateway-id",
            gid,
        )
    (tmp_path / "p").mkdir()
    by_profile = with_profile(tmp_path / "p", src, target)
    first = analysis(target.endpoint_url)
    from_files = run_import(tmp_path, target, "--from-files", str(folder))
    assert from_files["account"] == by_profile["account"] == ACCOUNT and from_files["unread"] == []
    assert from_files["records"]["connection"] == by_profile["records"]["connection"]
    assert from_files["records"]["virtual_interface"] == by_profile["records"]["virtual_interface"]
    assert comparable(analysis(target.endpoint_url)) == comparable(first)


def test_files_that_are_not_aws_cli_output_are_refused(target: DxlabServer, tmp_path: Path) -> None:
    (tmp_path / "describe-connections.json").write_text('{"connections": {"not": "a list"}}')
    done = dxlab(
        "import", "--from-files", str(tmp_path), "--endpoint", target.endpoint_url, tmp=tmp_path
    )
    assert done.returncode != 0 and "describe-connections.json: not the output of" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = dxlab(
        "import", "--from-files", str(empty), "--endpoint", target.endpoint_url, tmp=tmp_path
    )
    assert done.returncode != 0 and "holds none of the AWS CLI outputs" in done.stderr
    assert target.client.describe_connections()["connections"] == []  # nothing was written


def test_an_estate_that_is_not_one_is_refused_and_changes_nothing(target: DxlabServer) -> None:

    with pytest.raises(ExtensionError) as info:
        ext(
            target.endpoint_url, "POST", "/import", {"estate": {"format": "other"}}, account=ACCOUNT
        )
    assert (info.value.aws_code, info.value.status) == ("DirectConnectClientException", 400)
    assert "Not a dxlab estate" in info.value.message
    with pytest.raises(ExtensionError) as info:
        ext(target.endpoint_url, "POST", "/import", {"estate": []}, account=ACCOUNT)
    assert info.value.status == 400
    with pytest.raises(ExtensionError) as info:
        ext(
            target.endpoint_url,
            "POST",
            "/import",
            {"estate": {"format": "dxlab-estate/1"}, "sites": ["dc1"]},
            account=ACCOUNT,
        )
    assert (
        info.value.status == 400
        and "sites maps a location code or connection id" in info.value.message
    )
    assert target.client.describe_connections()["connections"] == []


def test_a_source_that_refuses_throttles_and_pages_is_read_as_far_as_it_lets(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    src, made = source
    # DescribeTags refused; DescribeConnections throttled three times then answered;
    # DescribeLags throttled for good; every listing one item per page.
    behaviour = Behaviour(
        {"us-east-1": src.endpoint_url},
        deny={"DescribeTags"},
        throttle={"DescribeConnections": 3, "DescribeLags": 1000},
        page_size=1,
    )
    env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))
    with proxy(behaviour) as url:
        done = dxlab(
            "import",
            "--profile",
            "estate",
            "--source-endpoint",
            url,
            "--endpoint",
            target.endpoint_url,
            "--topology-out",
            str(tmp_path / "t.yaml"),
            env=env,
            tmp=tmp_path,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert "could not read DescribeTags in us-east-1: AccessDeniedException" in said
    assert (
        "could not read DescribeLags in us-east-1: ThrottlingException" in said
        and "after 6 attempts" in said
    )
    # Read-only: the source saw Describe and List calls (and who am I) and nothing else.
    assert behaviour.calls and all(
        op.startswith(("Describe", "List")) or op == "GetCallerIdentity"
        for op, _ in behaviour.calls
    )
    # Throttled, then every page read: the connections are all there, one page each.
    theirs = src.client_for(ACCOUNT).describe_connections()["connections"]
    ours = target.client_for(ACCOUNT).describe_connections()["connections"]
    assert sorted(c["connectionId"] for c in ours) == sorted(c["connectionId"] for c in theirs)
    assert behaviour.answered["DescribeConnections"] == len(theirs) >= 6
    assert sum(1 for op, _ in behaviour.calls if op == "DescribeLags") == 6
    assert behaviour.answered["DescribeVirtualInterfaces"] == len(made.vifs)
    # What it could not read is missing (the LAG), the rest is there.
    assert target.client_for(ACCOUNT).describe_lags()["lags"] == []
    assert len(
        target.client_for(ACCOUNT).describe_virtual_interfaces()["virtualInterfaces"]
    ) == len(made.vifs)


def test_several_regions_are_read_each_from_its_own_endpoint(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    src, _ = source
    with dxlab_server(region="us-west-2", patch_env=False) as west:
        wdx = west.client_for(ACCOUNT)
        sea = wdx.create_connection(location="EqSe2-EQ", bandwidth="1Gbps", connectionName="sea-1")[
            "connectionId"
        ]
        # Signed for us-west-2: the credential scope names the Region (the VGW is EC2's, regional).
        gw = ext(
            west.endpoint_url,
            "POST",
            "/virtual-gateways",
            {"vpcCidrs": ["10.200.0.0/16"]},
            account=ACCOUNT,
            region="us-west-2",
        )["virtualGatewayId"]
        wdx.create_private_virtual_interface(
            connectionId=sea,
            newPrivateVirtualInterface={
                "virtualInterfaceName": "sea",
                "vlan": 10,
                "asn": 65010,
                "virtualGatewayId": gw,
            },
        )
        behaviour = Behaviour({"us-east-1": src.endpoint_url, "us-west-2": west.endpoint_url})
        env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))
        with proxy(behaviour) as url:
            result = run_import(
                tmp_path,
                target,
                "--profile",
                "estate",
                "--source-endpoint",
                url,
                "--region",
                "us-east-1",
                "--region",
                "us-west-2",
                env=env,
            )
    assert result["unread"] == []
    assert {region for _, region in behaviour.calls} == {"us-east-1", "us-west-2"}
    # Direct Connect gateways are global: read once, not once per region.
    assert [r for op, r in behaviour.calls if op == "DescribeDirectConnectGateways"] == [
        "us-east-1"
    ]
    east = len(src.client_for(ACCOUNT).describe_connections()["connections"])
    assert result["records"]["connection"] == east + 1
    # Two of its own in us-east-1, the other account's it is associated with, one in us-west-2.
    assert result["records"]["virtual_gateway"] == 4
    text = (tmp_path / "imported.yaml").read_text()
    assert "dc-eqse2-eq:" in text and sea in text
    assert f"{gw}: no association tells its VPC's CIDR" in text
    # The analyzer sees both regions' ports.
    inventory = ext(target.endpoint_url, "GET", "/analyze", account=ACCOUNT)["inventory"]
    assert (
        inventory["connections"]
        == ext(src.endpoint_url, "GET", "/analyze", account=ACCOUNT)["inventory"]["connections"] + 1
    )


def test_diff_says_what_changed_since_an_earlier_import(
    target: DxlabServer, tmp_path: Path
) -> None:
    with dxlab_server(patch_env=False) as src:
        made = seed(src.endpoint_url, src.client_for)
        first, second = tmp_path / "monday.json", tmp_path / "tuesday.json"
        with_profile(tmp_path, src, target, "--save", str(first), "--router-configs")
        monday = json.loads(first.read_text())["estate"]
        # Asked for, each VIF's customer router configuration is read and saved with the estate.
        assert sorted(r["virtualInterfaceId"] for r in monday["routerConfigurations"]) == sorted(
            made.vifs
        )
        assert all(
            f"Virtual interface {r['virtualInterfaceId']}" in r["customerRouterConfig"]
            and r["router"]["vendor"]
            for r in monday["routerConfigurations"]
        )
        dx = src.client_for(ACCOUNT)
        # Overnight: the hosted connection went down, a VIF was moved to the spare
        # connection, and the other VIF of that gateway was deleted.
        ext(
            src.endpoint_url,
            "POST",
            "/failures",
            {"kind": "connection", "id": made.hosted, "minutes": 60},
            account=ACCOUNT,
        )
        dx.associate_virtual_interface(virtualInterfaceId=made.vifs[1], connectionId=made.spare)
        dx.delete_virtual_interface(virtualInterfaceId=made.vifs[0])
        result = with_profile(tmp_path, src, target, "--save", str(second), "--diff", str(first))
    changes = {(c["kind"], c["id"], c["change"]): c["detail"] for c in result["changes"]}
    assert changes[("connection", made.hosted, "state")] == "available -> down"
    assert made.spare in changes[("virtual interface", made.vifs[1], "moved")]
    assert (
        "-> deleted" in changes[("virtual interface", made.vifs[0], "state")]
        or ("virtual interface", made.vifs[0], "gone") in changes
    )
    assert ("single point of failure", f"connection:{made.spare}", "new") in changes
    saved = json.loads(second.read_text())
    assert set(saved) == {"estate", "analysis"} and saved["estate"]["format"] == "dxlab-estate/1"


def test_sites_group_locations_and_a_topology_the_user_loaded_survives_a_reimport(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    src, made = source
    bad = tmp_path / "bad-sites.yaml"
    bad.write_text("dc-texas: [EqDA2]\ndc-virginia: [CSVA1, EqDA2]\n")
    env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))
    done = dxlab(
        "import",
        "--profile",
        "estate",
        "--source-endpoint",
        src.endpoint_url,
        "--sites",
        str(bad),
        "--endpoint",
        target.endpoint_url,
        env=env,
        tmp=tmp_path,
    )
    assert done.returncode != 0 and "EqDA2 is in both dc-texas and dc-virginia" in done.stderr
    assert target.client_for(ACCOUNT).describe_connections()["connections"] == []  # nothing written

    sites = tmp_path / "sites.yaml"
    sites.write_text(f"dc-texas: [EqDA2]\ndc-virginia: [CSVA1]\ndc-partner: [{made.hosted}]\n")
    with_profile(tmp_path, src, target, "--sites", str(sites))
    text = (tmp_path / "imported.yaml").read_text()
    topo = yaml.safe_load(text)
    assert set(topo["sites"]) == {"dc-texas", "dc-virginia", "dc-partner"}
    assert [r["connections"] for r in topo["sites"]["dc-partner"]["routers"].values()] == [
        [made.hosted]
    ]
    # The user fills in the real prefixes and loads the file; the nightly re-import keeps it.
    mine = text.replace("10.1.0.0/16", "172.16.0.0/16")
    load_topology(target.endpoint_url, mine)
    again = with_profile(tmp_path, src, target, "--sites", str(sites))
    assert again["topology"]["kept"] is True
    assert ext(target.endpoint_url, "GET", "/topology", account=ACCOUNT)["yaml"] == mine


def test_all_regions_are_the_regions_direct_connect_is_offered_in(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    import botocore.session

    src, _ = source
    # One account answering every region, but two opt-in regions it has not enabled.
    behaviour = Behaviour(
        {"us-east-1": src.endpoint_url}, closed_regions={"af-south-1", "me-south-1"}
    )
    env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))
    with proxy(behaviour) as url:
        result = run_import(
            tmp_path,
            target,
            "--profile",
            "estate",
            "--source-endpoint",
            url,
            "--all-regions",
            env=env,
        )
    expected = set(botocore.session.get_session().get_available_regions("directconnect"))
    assert len(expected) > 20 and {region for _, region in behaviour.calls} == expected
    # A region that refuses the credentials is said once, not once per call.
    assert sorted((u["region"], u["operation"], u["code"]) for u in result["unread"]) == [
        ("af-south-1", "DescribeConnections", "UnrecognizedClientException"),
        ("me-south-1", "DescribeConnections", "UnrecognizedClientException"),
    ]
    assert all("the rest of this region was not read" in u["message"] for u in result["unread"])
    # The same resources answered by every region's endpoint are imported once.
    assert result["records"]["connection"] == len(
        src.client_for(ACCOUNT).describe_connections()["connections"]
    )


def test_with_strict_auth_only_the_estates_own_account_may_import_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dxlab.toolkit.estate import empty
    from tests.conftest import ServerProcess
    from tests.test_auth import register

    server = ServerProcess(f"sqlite:///{tmp_path / 'strict.db'}", args=("--auth", "strict")).start()
    try:
        keys = register(server.db, "444455556666", "AKIADXLABIMPORT00001", "import-secret")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys.access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys.secret)
        monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        estate = empty("test", ["us-east-1"])
        estate["connections"] = [
            {
                "connectionId": "dxcon-fgabcdef",
                "connectionName": "theirs",
                "ownerAccount": ACCOUNT,
                "connectionState": "available",
                "location": "EqDC2",
                "bandwidth": "10Gbps",
                "region": "us-east-1",
                "awsDevice": "EqDC2-x",
                "awsDeviceV2": "EqDC2-x",
            }
        ]
        with pytest.raises(ExtensionError) as info:
            ext(server.endpoint, "POST", "/import", {"estate": estate})
        assert (info.value.aws_code, info.value.status) == ("AccessDeniedException", 403)
        assert f"may not import the estate of account {ACCOUNT}" in info.value.message
        mine = server.client("444455556666", access_key=keys.access_key, secret_key=keys.secret)
        assert mine.describe_connections()["connections"] == []
        # Its own estate it may import.
        estate["connections"][0]["ownerAccount"] = "444455556666"
        assert (
            ext(server.endpoint, "POST", "/import", {"estate": estate})["account"] == "444455556666"
        )
        assert [c["connectionId"] for c in mine.describe_connections()["connections"]] == [
            "dxcon-fgabcdef"
        ]
    finally:
        server.stop()


def test_a_partner_import_keeps_its_customers_hosted_connections_theirs(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    src, made = source
    env = clean_env(**profile_files(tmp_path, "partner", PARTNER))
    result = run_import(
        tmp_path, target, "--profile", "partner", "--source-endpoint", src.endpoint_url, env=env
    )
    assert result["account"] == PARTNER and result["unread"] == []
    partner = target.client_for(PARTNER)
    [ic] = partner.describe_interconnects()["interconnects"]
    hosted = partner.describe_hosted_connections(connectionId=ic["interconnectId"])["connections"]
    assert [(c["connectionId"], c["ownerAccount"]) for c in hosted] == [(made.hosted, ACCOUNT)]
    # The partner has no connection of its own: no customer side to infer.
    assert partner.describe_connections()["connections"] == [] and "topology" not in result


def test_at_a_terminal_the_import_asks_which_data_center_each_location_serves(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    import pty
    import subprocess
    import sys

    src, _ = source
    env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT), DXLAB_HOME=str(tmp_path / "home"))
    controller, terminal = pty.openpty()  # a user's terminal on stdin
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dxlab.cli",
            "import",
            "--profile",
            "estate",
            "--source-endpoint",
            src.endpoint_url,
            "--endpoint",
            target.endpoint_url,
            "--topology-out",
            str(tmp_path / "t.yaml"),
        ],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        os.write(controller, b"dc-virginia\n\n")  # CSVA1 -> dc-virginia; EqDA2 keeps the default
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(controller)
        os.close(terminal)
    assert proc.returncode == 0, out + err
    assert (
        "Data center of your routers at CSVA1" in out
        and "Data center of your routers at EqDA2" in out
    )
    assert set(yaml.safe_load((tmp_path / "t.yaml").read_text())["sites"]) == {
        "dc-virginia",
        "dc-eqda2",
    }


def test_mistakes_on_the_command_line_are_said_before_anything_is_read_or_written(
    source: tuple[DxlabServer, Estate], target: DxlabServer, tmp_path: Path
) -> None:
    from dxlab.server import free_port

    src, _ = source
    env = clean_env(**profile_files(tmp_path, "estate", ACCOUNT))

    def run(*args: str) -> Any:
        return dxlab("import", *args, "--endpoint", target.endpoint_url, env=env, tmp=tmp_path)

    done = run("--profile", "estate", "--from-files", str(tmp_path))
    assert done.returncode == 2 and "--from-files reads no account" in done.stderr
    done = run("--region", "us-east-1", "--all-regions", "--source-endpoint", src.endpoint_url)
    assert done.returncode == 2 and "give --region or --all-regions, not both" in done.stderr
    (tmp_path / "not-an-import.json").write_text('{"connections": []}')
    done = run(
        "--profile",
        "estate",
        "--source-endpoint",
        src.endpoint_url,
        "--diff",
        str(tmp_path / "not-an-import.json"),
    )
    assert done.returncode == 2 and "is not an import saved by `dxlab import --save`" in done.stderr
    done = run("--profile", "estate", "--source-endpoint", f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 1 and "cannot reach the Direct Connect endpoint" in done.stderr
    done = dxlab(
        "import",
        "--profile",
        "estate",
        "--source-endpoint",
        src.endpoint_url,
        "--endpoint",
        f"http://127.0.0.1:{free_port()}",
        env=env,
        tmp=tmp_path,
    )
    assert done.returncode == 1 and "cannot reach the dxlab server" in done.stdout
    assert (
        target.client_for(ACCOUNT).describe_connections()["connections"] == []
    )  # nothing was written
    with pytest.raises(ExtensionError) as info:
        ext(
            target.endpoint_url,
            "POST",
            "/import",
            {"estate": {"format": "dxlab-estate/1"}, "topology": 42},
            account=ACCOUNT,
        )
    assert info.value.status == 400 and "topology is the YAML text" in info.value.message
