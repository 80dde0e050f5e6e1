"""`dxlab test start|stop|history|report`, `dxlab fail KIND ID`, `dxlab restore ID` and
`dxlab failures`: thin (STYLE 12) — they call the API (boto3) or the /_dxlab routes and
render tables. Registered on the main `dxlab` group by cli/main.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dxlab.domain.failover import FAILURE_KINDS, STATUSES

console = Console(width=None if sys.stdout.isatty() else 160)
Call = Callable[..., Any]


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")


def history_table(items: list[dict[str, Any]]) -> Table:
    table = Table(
        "Test", "Virtual interface", "BGP peers", "Status", "Minutes", "Start (UTC)", "End (UTC)"
    )
    for t in items:
        table.add_row(
            t["testId"],
            t["virtualInterfaceId"],
            "\n".join(t.get("bgpPeers", [])),
            t["status"],
            str(t.get("testDurationInMinutes", "")),
            _when(t.get("startTime")),
            _when(t.get("endTime")),
        )
    return table


def failures_table(items: list[dict[str, Any]]) -> Table:
    table = Table(
        "Failure",
        "Kind",
        "Target",
        "Status",
        "Minutes",
        "Connections down",
        "Start (UTC)",
        "End (UTC)",
    )
    for f in items:
        table.add_row(
            f["failureId"],
            f["kind"],
            f["id"],
            f["status"],
            str(f["minutes"]),
            "\n".join(f.get("connections", [])),
            _when(f["startTime"]),
            _when(f["endTime"]),
        )
    return table


def show_report(report: dict[str, Any]) -> None:
    what = report.get("testId") or report.get("failureId")
    target = report.get("virtualInterfaceId") or "{kind} {id}".format(
        **report.get("target", {"kind": "", "id": ""})
    )
    console.print(
        f"[bold]{report['kind']} {what}[/bold] on {target}: {report['status']}, "
        f"{report['durationMs'] / 60000:.1f} min ({report['dataPlane']} data plane)"
    )
    console.print(("[red]" if report["lost"] else "[green]") + report["verdict"])
    pairs = Table(
        "Data center",
        "VPC",
        "Before",
        "During",
        "Via (during)",
        "Outage ms",
        "Lost / sent",
        "Restoration ms",
        "Why",
    )
    for p in report["pairs"]:
        back = p.get("restoration") or {}
        sent = f"{p['packetsLost']} / {p['packetsSent']}" if "packetsSent" in p else "-"
        pairs.add_row(
            p["site"],
            p["vpc"],
            "yes" if p["before"] else "no",
            "yes" if p["during"] else "[red]no[/red]",
            ", ".join(p["via"]),
            "-" if p["outage_ms"] is None else str(p["outage_ms"]),
            sent,
            str(back["outage_ms"]) if "outage_ms" in back else "-",
            p["reason"],
        )
    console.print(pairs)
    prefixes = Table(
        "Prefix", "Gateway", "Redundant", "Learned over (before)", "Learned over (during)"
    )
    for kind, label in (("redundant", "yes"), ("nonRedundant", "[red]no[/red]")):
        for e in report["prefixes"][kind]:
            prefixes.add_row(
                e["prefix"], e["gateway"], label, ", ".join(e["before"]), ", ".join(e["during"])
            )
    if prefixes.rows:
        console.print(prefixes)
    routes = Table(
        "Virtual interface",
        "Accepted before",
        "Accepted during",
        "Advertised before",
        "Advertised during",
    )
    before, during = report["routes"]["before"], report["routes"]["during"]
    for vif_id in report["affectedVirtualInterfaces"]:
        b, d = before.get(vif_id, {}), during.get(vif_id, {})
        routes.add_row(
            vif_id, *("\n".join(x.get(k, [])) for k in ("accepted", "advertised") for x in (b, d))
        )
    if routes.rows:
        console.print(routes)


def register(main: click.Group, endpoint_option: Callable[[Any], Any], call: Call) -> None:
    """Adds the commands to `main`; `call` runs a client call and turns errors into one line."""

    @main.group("test")
    def test() -> None:
        """BGP failover tests (resiliency_failover.md) and their reports."""

    # A VIF is asked for through its own Region's endpoint, as with the AWS CLI's --region.
    region_option = click.option(
        "--region",
        default=None,
        help="The VIF's Region (default: $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1).",
    )

    def regional(endpoint: str, region: str | None) -> Any:
        from dxlab.cli.client import api

        return api(endpoint, region_name=region) if region else api(endpoint)

    @test.command("start")
    @click.argument("vif_id")
    @click.option(
        "--peer",
        "peers",
        multiple=True,
        help="A BGP peer id to bring down (repeatable; default: all).",
    )
    @click.option("--minutes", type=int, default=None, help="Test duration, 1-4320 (default 180).")
    @region_option
    @endpoint_option
    def start(
        vif_id: str, peers: tuple[str, ...], minutes: int | None, region: str | None, endpoint: str
    ) -> None:
        """StartBgpFailoverTest: bring the VIF's BGP sessions down for a while."""
        kwargs: dict[str, Any] = {"virtualInterfaceId": vif_id}
        if peers:
            kwargs["bgpPeers"] = list(peers)
        if minutes is not None:
            kwargs["testDurationInMinutes"] = minutes
        t = call(regional(endpoint, region).start_bgp_failover_test, **kwargs)[
            "virtualInterfaceTest"
        ]
        console.print(
            f"test {t['testId']}: {vif_id} is testing for {t['testDurationInMinutes']} min "
            f"(peers {', '.join(t['bgpPeers'])}); report: dxlab test report {t['testId']}"
        )

    @test.command("stop")
    @click.argument("vif_id")
    @region_option
    @endpoint_option
    def stop(vif_id: str, region: str | None, endpoint: str) -> None:
        """StopBgpFailoverTest: end the running test now (it shows `cancelled`)."""
        t = call(regional(endpoint, region).stop_bgp_failover_test, virtualInterfaceId=vif_id)[
            "virtualInterfaceTest"
        ]
        console.print(f"test {t['testId']}: {t['status']}; {vif_id} restored")

    @test.command("history")
    @click.option("--vif", "vif_id", default=None, help="Only the tests of this virtual interface.")
    @click.option("--status", type=click.Choice(STATUSES), default=None)
    @region_option
    @endpoint_option
    def history(vif_id: str | None, status: str | None, region: str | None, endpoint: str) -> None:
        """ListVirtualInterfaceTestHistory, newest first (of one Region's VIFs)."""
        kwargs = {k: v for k, v in (("virtualInterfaceId", vif_id), ("status", status)) if v}
        console.print(
            history_table(
                call(regional(endpoint, region).list_virtual_interface_test_history, **kwargs)[
                    "virtualInterfaceTestHistory"
                ]
            )
        )

    @test.command("report")
    @click.argument("test_id")
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    @endpoint_option
    def report(test_id: str, as_json: bool, endpoint: str) -> None:
        """What the test (or a `dxlab fail` failure, by its dxfail- id) did to routes and reachability."""
        from dxlab.cli.client import ext

        path = (
            f"/failures/{test_id}/report"
            if test_id.startswith("dxfail-")
            else f"/failover-tests/{test_id}/report"
        )
        data = call(ext, endpoint, "GET", path)
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            show_report(data)

    @main.command("fail")
    @click.argument("kind", type=click.Choice(FAILURE_KINDS))
    @click.argument("target")
    @click.option(
        "--minutes", type=int, default=None, help="How long it stays down, 1-4320 (default 180)."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the failure as JSON.")
    @endpoint_option
    def fail(kind: str, target: str, minutes: int | None, as_json: bool, endpoint: str) -> None:
        """Take an AWS device, connection, location, every location of a Region, a customer router
        or a data center down (beyond AWS)."""
        from dxlab.cli.client import ext

        body: dict[str, Any] = {"kind": kind, "id": target}
        if minutes is not None:
            body["minutes"] = minutes
        f = call(ext, endpoint, "POST", "/failures", body)
        if as_json:
            click.echo(json.dumps(f, indent=2))
            return
        console.print(
            f"failure {f['failureId']}: {kind} {target} is down for {f['minutes']} min "
            f"({len(f['connections'])} connection(s) down)"
        )
        # Commands on lines of their own, never wrapped: they are there to be copied.
        console.print(f"  report: dxlab test report {f['failureId']}", soft_wrap=True)
        console.print(f"  end it: dxlab restore {f['failureId']}", soft_wrap=True)

    @main.command("restore")
    @click.argument("failure_id")
    @endpoint_option
    def restore(failure_id: str, endpoint: str) -> None:
        """End a failure injected with `dxlab fail` now."""
        from dxlab.cli.client import ext

        f = call(ext, endpoint, "DELETE", f"/failures/{failure_id}")
        console.print(f"failure {failure_id}: {f['status']}; {f['kind']} {f['id']} is back")

    @main.command("failures")
    @endpoint_option
    def failures(endpoint: str) -> None:
        """The failures injected with `dxlab fail`, active and ended."""
        from dxlab.cli.client import ext

        console.print(failures_table(call(ext, endpoint, "GET", "/failures")["failures"]))
