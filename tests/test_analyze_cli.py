"""`dxlab analyze` against a real server, as a user runs it after the wizard: the JSON
contract other tools rely on (one object with sla, single_points_of_failure and
scenarios), the readable summary, and the Markdown and HTML reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from dxlab.cli.client import ext
from dxlab.server import free_port
from tests.conftest import ServerProcess
from tests.scenario import maximum


def dxlab(server: ServerProcess, account: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="dxlab-test-secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return subprocess.run(
        [sys.executable, "-m", "dxlab.cli.main", *args, "--endpoint", server.endpoint],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def analyze_json(server: ServerProcess, account: str) -> dict[str, Any]:
    done = dxlab(server, account, "analyze", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)  # the whole output is one JSON object
    assert isinstance(result, dict)
    return result


def test_maximum_design_has_no_single_point_of_failure(
    server: ServerProcess, dx: Any, account: str
) -> None:
    made = maximum(server, dx, account)
    result = analyze_json(server, account)
    assert result["sla"] == "99.99%", result["sla_rule"]
    assert result["single_points_of_failure"] == []
    scenarios = {tuple(s["failed"]): s["lost"] for s in result["scenarios"]}
    assert all(
        isinstance(s["failed"], list) and isinstance(s["lost"], list) for s in result["scenarios"]
    )
    # Every single failure is a scenario, and none loses anything...
    for cid in made.connections:
        assert scenarios[(f"connection:{cid}",)] == []
    assert scenarios[("location:EqDC2",)] == [] and scenarios[("location:CSVA1",)] == []
    # ...while losing both locations together loses every pair.
    both = scenarios[("location:CSVA1", "location:EqDC2")]
    assert "dc1 <-> prod" in both and "dc2 <-> prod" in both
    assert result["inventory"]["connections"] == 4 and result["active_failures"] == []
    assert {c["name"]: c["ok"] for c in result["checks"]}["location redundancy"] is True


def test_connections_in_one_location_make_the_location_a_single_point_of_failure(
    server: ServerProcess, dx: Any, account: str
) -> None:
    maximum(server, dx, account, model="dev-test", locations=("EqDC2",))  # type: ignore[arg-type]
    result = analyze_json(server, account)
    assert result["sla"] == "none"
    spofs = {(s["kind"], s["id"]): s["lost"] for s in result["single_points_of_failure"]}
    assert "dc1 <-> prod" in spofs[("location", "EqDC2")]
    assert "location:EqDC2" in result["sla_rule"]
    # Two devices in the location: neither device alone is a single point of failure.
    assert not [k for k in spofs if k[0] == "device"]
    assert {c["name"]: c["ok"] for c in result["checks"]}["location redundancy"] is False
    # The readable summary says the same.
    done = dxlab(server, account, "analyze")
    assert done.returncode == 0, done.stderr
    assert "SLA: none" in done.stdout and "EqDC2" in done.stdout
    assert "Single points of failure" in done.stdout and "location redundancy" in done.stdout


def test_markdown_and_html_reports(
    server: ServerProcess, dx: Any, account: str, tmp_path: Path
) -> None:
    made = maximum(server, dx, account, model="dev-test", locations=("EqDC2",))  # type: ignore[arg-type]
    md = dxlab(server, account, "analyze", "--markdown")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith(f"# Resiliency analysis — account {account}")
    assert "**SLA: none**" in md.stdout
    assert "| location | EqDC2 |" in md.stdout  # the single point of failure, in a table row
    assert "## Trusted Advisor / Prowler checks" in md.stdout
    out = tmp_path / "report.html"
    done = dxlab(server, account, "analyze", "--html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr and done.stdout == ""
    page = out.read_text()

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    parser = Tags()
    parser.feed(page)
    assert page.startswith("<!doctype html>") and {"table", "h2", "title"} <= set(parser.tags)
    assert "SLA: none" in page and "EqDC2" in page and "&lt;-&gt;" in page  # escaped "dc1 <-> prod"
    assert "svg" in parser.tags and made.connections[0] in page  # the topology, drawn in the report
    text = tmp_path / "summary.txt"
    assert dxlab(server, account, "analyze", "-o", str(text)).returncode == 0
    assert "SLA: none" in text.read_text() and "\x1b[" not in text.read_text()


def test_an_injected_failure_is_reported_beside_the_verdict(
    server: ServerProcess, dx: Any, account: str
) -> None:
    maximum(server, dx, account)
    ext(
        server.endpoint,
        "POST",
        "/failures",
        {"kind": "location", "id": "EqDC2", "minutes": 5},
        account=account,
    )
    result = analyze_json(server, account)
    assert result["active_failures"] == ["location:EqDC2"]
    # With EqDC2 down, CSVA1 is all that is left: now a single point of failure.
    assert result["sla"] == "none"
    assert ("location", "CSVA1") in {
        (s["kind"], s["id"]) for s in result["single_points_of_failure"]
    }
    md = dxlab(server, account, "analyze", "--markdown").stdout
    assert "Failed right now: location EqDC2" in md


def test_an_account_without_topology_gets_no_sla_and_a_hint(
    server: ServerProcess, account: str
) -> None:
    result = analyze_json(server, account)
    assert result["sla"] == "none" and result["single_points_of_failure"] == []
    assert "topology" in result["note"]


def test_unreachable_server_is_one_line(account: str) -> None:
    gone = ServerProcess("sqlite:///unused", port=free_port())
    done = dxlab(gone, account, "analyze", "--json")
    assert done.returncode == 1
    assert (
        "cannot reach the dxlab server" in done.stdout
        and "Traceback" not in done.stdout + done.stderr
    )
