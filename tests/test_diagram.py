"""`dxlab diagram`: the topology as the guide's maximum resiliency figure draws it, from
a real server — well-formed SVG naming every connection, location, VIF and gateway;
failed parts in red; PNG rendered from it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from dxlab.cli.client import ext
from dxlab.routing.network import Failure
from dxlab.toolkit.diagram import Marks, render_svg
from tests.conftest import ServerProcess
from tests.networks import MAXIMUM, build
from tests.scenario import maximum
from tests.test_analyze_cli import dxlab

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def failed_titles(root: ET.Element) -> list[str]:
    """The tooltip of every shape drawn as failed."""
    legend = {id(el) for g in root.iter(f"{SVG}g") if g.get("class") == "legend" for el in g.iter()}
    return [
        (el.findtext(f"{SVG}title") or "")
        for el in root.iter()
        if "failed" in (el.get("class") or "").split()
        and el.tag in (f"{SVG}rect", f"{SVG}path")
        and id(el) not in legend
    ]


def test_svg_names_every_part_of_the_maximum_design(
    server: ServerProcess, dx: Any, account: str, tmp_path: Path
) -> None:
    made = maximum(server, dx, account)
    out = tmp_path / "topology.svg"
    done = dxlab(server, account, "diagram", "-o", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    root = parse(out.read_text())
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for part in [
        *made.connections,
        *made.vifs,
        made.vgw,
        made.dx_gateway,
        "EqDC2",
        "CSVA1",
        "dc1",
        "dc2",
        "dc1-r1",
        "dc2-r2",
        "VPC prod",
    ]:
        assert part in text, part
    for conn in dx.describe_connections()["connections"]:
        assert conn["awsDeviceV2"] in text  # each AWS device, inside its location
    assert failed_titles(root) == [] and "nothing failed now" in text


def test_failed_parts_are_red(server: ServerProcess, dx: Any, account: str) -> None:
    made = maximum(server, dx, account)
    ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "location", "id": "EqDC2", "minutes": 5},
        account=account,
    )
    csva_vif = next(
        v["virtualInterfaceId"]
        for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
        if v["location"] == "CSVA1"
    )
    dx.start_bgp_failover_test(virtualInterfaceId=csva_vif, testDurationInMinutes=10)
    svg = ext(server.endpoint, "GET", "/diagram.svg", account=account).decode()
    titles = " | ".join(failed_titles(parse(svg)))
    eqdc2 = [
        c["connectionId"]
        for c in dx.describe_connections()["connections"]
        if c["location"] == "EqDC2"
    ]
    csva1 = [c for c in made.connections if c not in eqdc2]
    for cid in eqdc2:
        assert (
            f"{cid} (" in titles and "location EqDC2 failed" in titles
        )  # the fiber to the failed location
    for cid in csva1:
        assert f"{cid} (" not in titles  # the other location's connections stay up
    assert f"{csva_vif} " in titles and "BGP failover test in progress" in titles
    assert "failed now: location:EqDC2" in svg and f"testing:{csva_vif}" in svg


def test_png_is_rendered_and_a_bad_suffix_refused(
    server: ServerProcess, dx: Any, account: str, tmp_path: Path
) -> None:
    maximum(server, dx, account, model="dev-test", locations=("EqDC2",))  # type: ignore[arg-type]
    png = tmp_path / "topology.png"
    done = dxlab(server, account, "diagram", "-o", str(png))
    assert done.returncode == 0, done.stdout + done.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    bad = dxlab(server, account, "diagram", "-o", str(tmp_path / "topology.jpg"))
    assert bad.returncode == 2 and ".svg or .png" in bad.stderr
    assert not (tmp_path / "topology.jpg").exists()


def test_unit_render_marks_a_failed_device_and_escapes_names() -> None:
    net = build(MAXIMUM)
    root = parse(
        render_svg(net, Marks(frozenset({Failure("device", "EqDC2-dev1")})), title="a <b> & c")
    )
    titles = failed_titles(root)
    assert "AWS device EqDC2-dev1" in titles
    assert not [t for t in titles if "EqDC2-dev2" in t or "CSVA1" in t]
    assert any("dxcon-aaaaaaa1 (c1)" in t for t in titles)  # the connection on the failed device
    assert any("a <b> & c" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_unit_parts_not_up_yet_are_waiting_not_failed() -> None:
    root = parse(render_svg(build(MAXIMUM, link_state="ordering")))
    assert failed_titles(root) == []
    waiting = [
        el.findtext(f"{SVG}title") or ""
        for el in root.iter()
        if "waiting" in (el.get("class") or "").split()
    ]
    assert sum("dxcon-" in t and "ordering" in t for t in waiting) == 4
