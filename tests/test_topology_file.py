"""The customer topology file: the documented example loads, errors point at lines,
and `dxlab up -t FILE` registers it."""

from __future__ import annotations

from pathlib import Path

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
        ("customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        advertise:\n          - prefix: nope\n", 7, "nope"),
        ("customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1:\n        advertise:\n"
         "          - prefix: 10.0.0.0/8\n            communities: ['7224:7100', '7224:7300']\n", 7, "mutually exclusive"),
        ("customer_asn: 65000\nsites:\n  dc1:\n    routers:\n      r1: {}\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    instance: 10.1.0.1\n", 8, "outside"),
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
    env = {**os.environ, "DXLAB_HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": "123456789012",
           "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip

    def dxlab(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dxlab.cli.main", *args], env=env, capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)  # fmt: skip

    try:
        assert dxlab("up", "--port", str(port)).returncode == 0
        run = dxlab("wizard", "--endpoint", endpoint, "--model", "maximum", "--bandwidth", "10Gbps",
                    "--location", "EqDC2", "--location", "CSVA1", "--yes")  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert "customer topology written to" in run.stdout
        assert dxlab("down").returncode == 0
        run = dxlab("up", "--port", str(port), "-t", str(EXAMPLE))
        assert run.returncode == 0 and "2 data center(s), 4 router(s)" in run.stdout, run.stdout + run.stderr
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
