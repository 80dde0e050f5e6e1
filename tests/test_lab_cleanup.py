"""`dxlab down` after the server was killed with SIGKILL: the lab outlives its server, and
`dxlab down` finds it by name and namespace and removes all of it (no namespace, link or
daemon left); running it twice is harmless. `dxlab lab status` shows what runs."""

from __future__ import annotations

from pathlib import Path

from dxlab.lab.host import FRR_RUN
from tests.lab_support import LabServer, start_lab_server, wait_for
from tests.scenario import maximum

ACCOUNT = "410987654321"


def host_links() -> set[str]:
    import json
    import subprocess

    out = subprocess.run(
        ["ip", "-j", "link", "show"], capture_output=True, text=True, check=True
    ).stdout
    return {link["ifname"] for link in json.loads(out)}


def test_down_after_sigkill_removes_everything(tmp_path: Path) -> None:
    links_before = host_links()
    lab = start_lab_server(tmp_path)
    try:
        check_down_after_sigkill(lab, links_before)
    finally:
        if lab.server.proc and lab.server.proc.poll() is None:
            lab.server.kill9()
        lab.cli("lab", "down")  # whatever failed above, no lab is left on the machine


def check_down_after_sigkill(lab: LabServer, links_before: set[str]) -> None:
    try:
        dx = lab.server.client(ACCOUNT)
        maximum(lab.server, dx, ACCOUNT)
        status = lab.cli("lab", "status")
        assert status.returncode == 0, status.stderr
        for word in (
            "dev",
            "rtr",
            "xc",
            "gw",
            "vpc",
            "site",
            "bird (up)",
            "frr (up; zebra bfdd bgpd)",
            "Established",
        ):
            assert word in status.stdout, (word, status.stdout)
        spaces = lab.namespaces()
        assert (
            len(spaces) == 17
        )  # 4 devices, 4 cross-connects, 4 routers, 2 data centers, WAN, VGW, VPC
        pids = {p for ns in spaces for p in lab.host.pids_in(ns)}
        assert (
            len(pids) >= 7 + 4 * 3
        )  # a BIRD per device, gateway and data center; zebra, bfdd, bgpd per router
    finally:
        lab.server.kill9()
    # The server is gone, its lab is not.
    assert lab.namespaces() == spaces
    assert all(lab.host.alive(p) for p in pids)

    down = lab.cli("down")
    assert down.returncode == 0, down.stderr
    assert "lab removed: 17 namespace(s)" in down.stdout, down.stdout
    assert lab.namespaces() == []
    wait_for(lambda: not any(lab.host.alive(p) for p in pids), 3, "every lab daemon gone")
    assert not list(FRR_RUN.glob(lab.prefix + "-*"))
    assert not list(lab.state.glob(lab.prefix + "-*"))
    assert host_links() == links_before  # nothing left behind in the machine's own namespace

    again = lab.cli("down")
    assert again.returncode == 0 and "not running" in again.stdout, again.stdout
    assert "lab removed" not in again.stdout
    assert lab.cli("lab", "status").stdout.startswith("no lab is running")


def test_lab_down_is_harmless_when_nothing_runs(tmp_path: Path) -> None:
    lab = start_lab_server(tmp_path)
    try:
        assert lab.namespaces() == []  # no topology, no lab
        assert lab.cli("lab", "down").stdout.strip() == "no lab is running"
    finally:
        lab.server.stop()
