"""The customer topology file: the documented example loads, errors point at lines,
and `dxlab up -t FILE` registers it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from dxlab.domain.errors import ValidationError
from dxlab.domain.topology import parse

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "maximum-resiliency.yaml"


def test_the_documented_example_parses() -> None:
    topology = parse(EXAMPLE.read_text(), str(EXAMPLE))
    assert topology.sites == ("dc1", "dc2")
    assert [r.name for r in topology.routers] == ["dc1-r1", "dc1-r2", "dc2-r1", "dc2-r2"]
    assert topology.router("dc2-r1").advertise[1].prepend == 2
    assert topology.vpcs[0].icmp


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("customer_asn: 0\nsites: {}\n", 1, "customer_asn"),
        (
            "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        advertise:\n          - prefix: nope\n",
            7,
            "nope",
        ),
        (
            "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        advertise:\n"
            "          - prefix: 10.0.0.0/8\n            communities: ['7224:7100', '7224:7300']\n",
            7,
            "mutually exclusive",
        ),
        (
            "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1: {}\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    instance: 10.1.0.1\n",
            8,
            "outside",
        ),
        ("customer_asn: 65000\nsites:\n  dc1: [\n", 4, "not valid YAML"),
    ],
)
def test_errors_point_at_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse(text, "t.yaml")
    assert f"t.yaml:{line}" in info.value.message and words in info.value.message


def test_up_with_a_topology_after_the_wizard(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from dxlab.server import free_port

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DXLAB_HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "123456789012",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    def dxlab(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dxlab.cli.main", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    try:
        assert dxlab("up", "--port", str(port)).returncode == 0
        run = dxlab(
            "wizard",
            "--endpoint",
            endpoint,
            "--model",
            "maximum",
            "--bandwidth",
            "10Gbps",
            "--location",
            "EqDC2",
            "--location",
            "CSVA1",
            "--yes",
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "customer topology written to" in run.stdout
        assert dxlab("down").returncode == 0
        run = dxlab("up", "--port", str(port), "-t", str(EXAMPLE))
        assert run.returncode == 0 and "2 data center(s), 4 router(s)" in run.stdout, (
            run.stdout + run.stderr
        )
        shown = dxlab("topology", "show", "--endpoint", endpoint)
        assert "MaxResiliency-CSVA1-2" in shown.stdout
    finally:
        dxlab("down")


def test_the_wizard_adds_to_a_loaded_topology_without_changing_it() -> None:
    import copy

    from dxlab.toolkit.customer_side import customer_side

    loaded = parse(EXAMPLE.read_text()).raw
    before = copy.deepcopy(loaded)
    added = customer_side([("EqDC2", "dxcon-aaaaaaa1")], loaded)
    assert loaded == before  # the loaded (cached) topology is left as it was
    assert list(added["sites"]) == ["dc1", "dc2", "dc3"]


ROUTER = "customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        connections: []\n"


@pytest.mark.parametrize(
    ("text", "line", "part"),
    [
        (
            "customer_asn: 65000\ncolour: red\n" + ROUTER.split("\n", 1)[1],
            2,
            "on topology; the known keys are customer_asn, sites, vpcs, wan",
        ),
        (
            ROUTER + "        colour: red\n",
            7,
            "on router r1; the known keys are connections, advertise, bfd, frr_config",
        ),
        (
            "customer_asn: 65000\nsites:\n  dc1:\n    colour: red\n    routers: {}\n",
            4,
            "on site dc1; the known keys are routers",
        ),
        (
            ROUTER
            + "        advertise:\n          - prefix: 10.1.0.0/16\n            comunities: ['7224:7100']\n",
            9,
            "on advertise entry of router r1; the known keys are prefix, communities, prepend",
        ),
        (
            ROUTER
            + "vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    instance: 10.0.1.1\n    colour: red\n",
            11,
            "on vpc prod; the known keys are cidr, instance, icmp, gateway, region, ipv6_cidr, ipv6_instance",
        ),
    ],
)
def test_an_unknown_key_is_refused_at_its_line_with_the_known_keys(
    text: str, line: int, part: str
) -> None:
    with pytest.raises(ValidationError) as info:
        parse(text, "t.yaml")
    assert info.value.message.startswith(f"t.yaml:{line}: unknown key "), info.value.message
    assert part in info.value.message, info.value.message


def test_the_known_keys_load() -> None:
    text = (
        ROUTER
        + "        bfd: false\n        advertise:\n          - {prefix: 10.1.0.0/16, communities: "
        "['7224:7100'], prepend: 1}\n        frr_config: |\n          hostname r1\nwan: false\nvpcs:\n  prod: "
        "{cidr: 10.0.0.0/16, instance: 10.0.1.1, icmp: false, region: us-east-1}\n"
    )
    topology = parse(text, "t.yaml")
    assert (
        topology.router("r1").frr_config == "hostname r1\n"
        and topology.router("r1").frr_config_line == 10
    )


OWN_FRR = """\
router bgp 65000
 neighbor 169.254.0.1 remote-as 64512
 neighbr 169.254.0.9 remote-as 64512
exit
"""


def with_own_frr(config: str) -> str:
    return (
        ROUTER
        + "        frr_config: |\n"
        + "".join(f"          {line}\n" for line in config.splitlines())
    )


def test_an_frr_config_frr_refuses_is_refused_with_frrs_words(
    server: Any, dx: Any, account: str
) -> None:
    from dxlab.cli.client import ExtensionError, ext

    assert shutil.which("vtysh"), (
        "FRR's vtysh checks frr_config (make system-packages installs frr)"
    )
    with pytest.raises(ExtensionError) as info:
        ext(
            server.endpoint,
            "PUT",
            "/topology",
            {"yaml": with_own_frr(OWN_FRR), "source": "t.yaml"},
            account=account,
        )
    assert info.value.status == 400 and info.value.aws_code == "DirectConnectClientException", (
        info.value
    )
    # FRR's own message, at the frr_config's line of the file.
    assert str(info.value).startswith(
        "t.yaml:7: router r1: FRR refuses its frr_config: line 3: % Unknown command"
    ), str(info.value)
    assert "neighbr 169.254.0.9 remote-as 64512" in str(info.value)
    assert ext(server.endpoint, "GET", "/topology", account=account) == {
        "loaded": False
    }  # nothing changed
    good = ext(
        server.endpoint,
        "PUT",
        "/topology",
        {"yaml": with_own_frr(OWN_FRR.replace("neighbr", "neighbor"))},
        account=account,
    )
    assert good["warnings"] == []


def test_over_100_prefixes_a_router_is_warned_its_session_will_go_idle(
    server: Any, account: str
) -> None:
    from dxlab.cli.client import ext

    many = "".join(f"          - prefix: 10.{i // 256}.{i % 256}.0/24\n" for i in range(101))
    text = ROUTER + "        advertise:\n" + many
    done = ext(
        server.endpoint, "PUT", "/topology", {"yaml": text, "source": "t.yaml"}, account=account
    )
    assert done["warnings"] == [
        "t.yaml:5: router r1 advertises 101 IPv4 prefixes; AWS accepts at most 100 per family "
        "on a private or transit virtual interface (limits.md): its BGP session will go idle"
    ]
    hundred = ROUTER + "        advertise:\n" + "".join(many.splitlines(keepends=True)[:100])
    assert (
        ext(server.endpoint, "PUT", "/topology", {"yaml": hundred}, account=account)["warnings"]
        == []
    )
